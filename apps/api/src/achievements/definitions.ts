import { Inject, Injectable } from '@nestjs/common';
import { buildAchievement, OB_V3_CONTEXT, VC_V2_CONTEXT, type Achievement } from '@laurel/credentials';
import { LAUREL_CONFIG, RuleSetRegistry, type ActiveRuleSet, type LaurelConfig } from '@laurel/platform';
import type { Badge, Level, RuleSet, Term } from '@laurel/rules';
import { badgeAchievement, credentialUrls, levelAchievement } from '../../../worker/src/awards/award-credential';

export type AchievementDocument = { '@context': [typeof VC_V2_CONTEXT, typeof OB_V3_CONTEXT] } & Achievement;

export interface CompetencyDocument {
  /** The URL it is served at: the `targetUrl` of the alignments that name it. */
  id: string;
  type: 'Competency';
  /** Its id in the rule file: the alignments' `targetCode`. */
  code: string;
  name: string;
  names: { lt: string; en: string };
  description: string;
  /** The program's competency framework: the alignments' `targetFramework`. */
  framework: { name: string };
  /** The activities that develop it. */
  activities: Array<{ id: string; name: string; category: string }>;
  /** The badges aligned to it, each at its achievement URL. */
  badges: Array<{ id: string; name: string; level: string }>;
  /** The rule set version this describes. */
  version: number;
}

/**
 * The public definitions behind the URLs in issued credentials: badges and
 * levels as OB 3.0 Achievements, competencies as readable descriptions.
 * Served from the latest published version that defines them, so a URL in a
 * credential keeps answering after a later rule set dropped the badge.
 */
@Injectable()
export class Definitions {
  constructor(
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly registry: RuleSetRegistry,
  ) {}

  /** The badge as the Achievement its credentials carry (with the version and hash of the rule set it is read from). */
  badge(programId: string, badgeId: string): AchievementDocument | undefined {
    const found = this.latest(programId, (r) => r.badges.find((b) => b.id === badgeId));
    return found && this.document(badgeAchievement(this.config.publicUrl, found.published.ruleSet, found.item), found.published);
  }

  /** The level as the Achievement a portfolio lists. */
  level(programId: string, levelId: string): AchievementDocument | undefined {
    const found = this.latest(programId, (r) => r.levels.find((l) => l.id === levelId));
    return found && this.document(levelAchievement(this.config.publicUrl, found.published.ruleSet, found.item), found.published);
  }

  competency(programId: string, competencyId: string): CompetencyDocument | undefined {
    const found = this.latest(programId, (r) => r.competencies.find((c) => c.id === competencyId));
    if (!found) return undefined;
    const { ruleSet, version } = found.published;
    const urls = credentialUrls(this.config.publicUrl);
    const term: Term = found.item;
    const activities = ruleSet.activities.filter((a) => a.competencies.includes(term.id));
    const badges = ruleSet.badges.filter((b: Badge) => b.competencies.includes(term.id));
    const levelName = (id: string) => ruleSet.levels.find((l: Level) => l.id === id)?.name.en ?? id;
    const name = term.name.en;
    const listed = (items: string[]) => (items.length === 0 ? 'none yet' : items.join(', '));
    return {
      id: urls.competency(ruleSet.programId, term.id),
      type: 'Competency',
      code: term.id,
      name,
      names: { ...term.name },
      description:
        `${name} is a competency of ${ruleSet.title.en}, recognised by ${this.config.issuer.name}. ` +
        `Students develop it in these activities: ${listed(activities.map((a) => a.name.en))}. ` +
        `Badges aligned to it: ${listed(badges.map((b) => b.name.en))}.`,
      framework: { name: ruleSet.title.en },
      activities: activities.map((a) => ({ id: a.id, name: a.name.en, category: a.category })),
      badges: badges.map((b) => ({ id: urls.badge(ruleSet.programId, b.id), name: b.name.en, level: levelName(b.level) })),
      version,
    };
  }

  private latest<T>(programId: string, pick: (ruleSet: RuleSet) => T | undefined): { published: ActiveRuleSet; item: T } | undefined {
    const versions = this.registry.versions(programId);
    for (let i = versions.length - 1; i >= 0; i--) {
      const published = versions[i]!;
      const item = pick(published.ruleSet);
      if (item !== undefined) return { published, item };
    }
    return undefined;
  }

  private document(input: ReturnType<typeof badgeAchievement>, published: ActiveRuleSet): AchievementDocument {
    return {
      '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
      ...buildAchievement(input, { ruleSetHash: published.ruleSet.sha256, ruleSetVersion: published.version }),
    };
  }
}
