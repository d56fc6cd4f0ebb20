/**
 * The rule language as the evaluator sees it: what `loadRuleSet` produces
 * from a `rules/*.yaml` file. Everything here is plain, JSON-serialisable
 * data; the evaluator compiles its own indexes from it on first use.
 */

/** A text given in Lithuanian and English. */
export type LocalizedText = { lt: string; en: string };

/** 1-based line and column in the rule file. */
export type SourcePosition = { line: number; column: number };

export type Role = 'participant' | 'volunteer' | 'organiser' | 'leader';
export const ROLES: readonly Role[] = ['participant', 'volunteer', 'organiser', 'leader'];

/** `automatic`: earned as soon as the criteria hold. `application`: the criteria make the student eligible; a coordinator approves. */
export type AwardMode = 'automatic' | 'application';

/** What happens to an award already made when its support disappears (a participation voided, a prerequisite revoked, a rule changed). */
export type RuleChangePolicy = 'keep' | 'revoke' | 'flag';

/** Open Badges 3.0 `achievementType` vocabulary (extensible with `ext:Name`). */
export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** A category or competency: an id with names. */
export type Term = { id: string; name: LocalizedText; pos: SourcePosition };

export type Activity = {
  id: string;
  name: LocalizedText;
  category: string;
  competencies: string[];
  image?: string;
  pos: SourcePosition;
};

/** Which participations a condition counts. Within a field the values are alternatives (or); across fields all must match (and). */
export type ParticipationFilter = {
  activities?: string[];
  categories?: string[];
  competencies?: string[];
  roles?: Role[];
};

/** Which held badges a condition counts (never the badge being defined itself). */
export type BadgeFilter = {
  badges?: string[];
  levels?: string[];
  categories?: string[];
  competencies?: string[];
};

/**
 * When the counted facts must have happened (participation date, or award
 * date for badges). Ranges are half-open: `from` inclusive, `before`
 * exclusive. Relative windows are measured back from the evaluation clock.
 * Academic years run from the program's `academic-year-starts` day (UTC).
 */
export type TimeWindow =
  | { type: 'academic-year'; year: 'current' | number }
  | { type: 'last'; amount: number; unit: 'days' | 'months' }
  | { type: 'between'; from?: string; before?: string };

/** What a participation condition measures over the matching participations. */
export type ParticipationMeasure = 'participations' | 'hours' | 'activities' | 'categories' | 'competencies';
/** What a badge condition measures over the matching held badges. */
export type BadgeMeasure = 'badges' | 'categories';

export type Condition =
  | {
      kind: 'participations';
      measure: ParticipationMeasure;
      atLeast: number;
      filter: ParticipationFilter;
      within?: TimeWindow;
      pos: SourcePosition;
    }
  | {
      kind: 'badges';
      measure: BadgeMeasure;
      atLeast: number;
      filter: BadgeFilter;
      within?: TimeWindow;
      pos: SourcePosition;
    }
  | { kind: 'holds-badge'; badgeId: string; pos: SourcePosition }
  | { kind: 'all'; conditions: Condition[]; pos: SourcePosition }
  | { kind: 'any'; conditions: Condition[]; pos: SourcePosition }
  | { kind: 'not'; condition: Condition; pos: SourcePosition };

export type Validity = { type: 'period'; amount: number; unit: 'days' | 'months' | 'years' } | { type: 'until'; date: string };

export type Badge = {
  id: string;
  name: LocalizedText;
  description: LocalizedText;
  /** The level this badge belongs to; it can only be earned once that level is reached. */
  level: string;
  category?: string;
  competencies: string[];
  award: AwardMode;
  criteria: Condition;
  /** Optional human wording of the criteria (Open Badges `criteria.narrative`). */
  criteriaText?: LocalizedText;
  validity?: Validity;
  onRuleChange: RuleChangePolicy;
  achievementType: string;
  image?: string;
  pos: SourcePosition;
};

/** Levels unlock in file order; a level is reached when the one before it is reached and its own condition holds. */
export type Level = {
  id: string;
  name: LocalizedText;
  description?: LocalizedText;
  rank: number;
  reachedWhen: Condition;
  image?: string;
  pos: SourcePosition;
};

export type ExampleStep =
  | {
      type: 'participation';
      participationId: string;
      activityId: string;
      on: string;
      role: Role;
      hours?: number;
      pos: SourcePosition;
    }
  | { type: 'void'; participationId: string; on: string; pos: SourcePosition }
  | { type: 'apply' | 'approve' | 'reject' | 'revoke'; badgeId: string; on: string; pos: SourcePosition };

export type ExampleExpectation = {
  badges?: string[];
  levels?: string[];
  eligible?: string[];
  pos: SourcePosition;
};

export type Example = {
  name: string;
  steps: ExampleStep[];
  /** Clock for the final evaluation; defaults to the last step's date. */
  at?: string;
  expect: ExampleExpectation;
  pos: SourcePosition;
};

export type RuleSet = {
  programId: string;
  /** Where the program's `id:` is written: a file published to another program is wrong there. */
  programIdPos: SourcePosition;
  fileName: string;
  /** sha256 (hex) of the source text exactly as loaded. */
  sha256: string;
  title: LocalizedText;
  description?: LocalizedText;
  academicYearStart: { month: number; day: number };
  categories: Term[];
  competencies: Term[];
  activities: Activity[];
  /** In unlock order: participation -> activity -> META -> UBER. */
  levels: Level[];
  badges: Badge[];
  examples: Example[];
};
