/**
 * Writes rules/examples/events.ndjson: a year of generated VILNIUS TECH
 * history in the shape the engine stores (one JSON event per line), with the
 * awards, levels and eligibilities the engine would have derived under
 * rules/vilnius-tech.yaml, and applications that coordinators approved or
 * rejected. Used to try `laurel rules explain` and `laurel rules diff`.
 *
 *   node -r @swc-node/register -r tsconfig-paths/register bench/_sample-events.ts rules/examples/events.ndjson
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, fold, initialState, loadRuleSet, type Fact, type Role, type RuleSet } from '@laurel/rules';
import { generateEvents, random, ROLE_LIST } from './_events';

type Stored = {
  id: string;
  stream: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  revision: number;
  position: number;
  recordedAt: string;
};

type Pending = { at: number; type: string; data: Record<string, unknown>; fact?: Fact; actor: string };

const HOUR = 3_600_000;

export function sampleEvents(ruleSet: RuleSet, opts = { students: 80, events: 2600, seed: 7 }): Stored[] {
  const rnd = random(opts.seed);
  const uuid = (): string => {
    const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  };
  const ev = generateEvents(ruleSet, {
    events: opts.events,
    students: opts.students,
    seed: opts.seed,
    from: '2025-09-08T09:00:00Z',
    to: '2026-06-20T18:00:00Z',
    voids: 0.02,
  });
  const studentId = (s: number): string => `2025${String(s + 1).padStart(4, '0')}`;
  const participationIds: string[] = [];
  // Per student, everything that happens to them in time order (participations, then what the engine and coordinators do).
  const queues = new Map<string, Pending[]>();
  for (let i = 0; i < ev.count; i++) {
    const sid = studentId(ev.student[i]!);
    const recorded = ev.at[i]! + (1 + Math.floor(rnd() * 48)) * HOUR;
    const queue = queues.get(sid) ?? [];
    if (ev.kind[i] === 1) {
      const pid = participationIds[ev.target[i]!]!;
      queue.push({
        at: recorded,
        type: 'ParticipationVoided',
        actor: 'coordinator-2',
        data: { participationId: pid, studentId: sid, reason: 'Recorded for the wrong student', voidedAt: new Date(recorded).toISOString() },
        fact: { type: 'participation-voided', participationId: pid },
      });
    } else {
      const pid = uuid();
      participationIds[i] = pid;
      const data = {
        participationId: pid,
        studentId: sid,
        activityId: ev.activityIds[ev.activity[i]!]!,
        occurredAt: new Date(ev.at[i]!).toISOString(),
        role: ROLE_LIST[ev.role[i]!]!,
        hours: ev.hours[i]!,
      };
      queue.push({ at: recorded, type: 'ParticipationRecorded', actor: 'coordinator-1', data });
    }
    queues.set(sid, queue);
  }
  const out: Array<Omit<Stored, 'revision' | 'position'>> = [];
  for (const [sid, queue] of queues) {
    const state = initialState(sid);
    const emit = (p: Pending, id: string): void => {
      out.push({ id, stream: `student-${sid}`, type: p.type, data: p.data, metadata: { actor: p.actor }, recordedAt: new Date(p.at).toISOString() });
    };
    queue.sort((a, b) => a.at - b.at);
    while (queue.length > 0) {
      const p = queue.shift()!;
      const id = uuid();
      emit(p, id);
      const fact: Fact | undefined =
        p.type === 'ParticipationRecorded'
          ? {
              type: 'participation-recorded',
              eventId: id,
              participationId: String(p.data.participationId),
              activityId: String(p.data.activityId),
              occurredAt: String(p.data.occurredAt),
              role: p.data.role as Role,
              hours: Number(p.data.hours),
            }
          : p.fact
            ? { ...p.fact, ...(p.fact.type === 'participation-voided' ? {} : { eventId: id }) }
            : undefined;
      if (fact === undefined) continue;
      fold(ruleSet, state, fact);
      const result = evaluate(ruleSet, state, new Date(p.at));
      const at = new Date(p.at + 1000).toISOString();
      for (const o of result.outcomes) {
        const base = { studentId: sid, programId: ruleSet.programId, ruleSetHash: ruleSet.sha256, ruleSetVersion: 1 };
        const engine = (type: string, data: Record<string, unknown>): string => {
          const eid = uuid();
          out.push({ id: eid, stream: `student-${sid}`, type, data: { ...base, ...data }, metadata: { actor: 'engine' }, recordedAt: at });
          return eid;
        };
        switch (o.type) {
          case 'badge-earned': {
            const awardId = uuid();
            const eid = engine('BadgeEarned', {
              awardId,
              badgeId: o.badgeId,
              earnedAt: at,
              ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}),
              basis: o.basis,
            });
            fold(ruleSet, state, {
              type: 'badge-awarded',
              badgeId: o.badgeId,
              at,
              eventId: eid,
              basis: o.basis,
              ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}),
            });
            break;
          }
          case 'level-reached':
            engine('LevelReached', { levelId: o.levelId, reachedAt: at });
            fold(ruleSet, state, { type: 'level-reached', levelId: o.levelId, at });
            break;
          case 'badge-eligible': {
            engine('EligibilityReached', { badgeId: o.badgeId, reachedAt: at });
            fold(ruleSet, state, { type: 'eligibility-reached', badgeId: o.badgeId, at });
            if (rnd() < 0.2) break; // some students never apply
            const applicationId = uuid();
            const submitted = p.at + (24 + Math.floor(rnd() * 96)) * HOUR;
            const decided = submitted + (48 + Math.floor(rnd() * 120)) * HOUR;
            const common = { applicationId, studentId: sid, programId: ruleSet.programId, badgeId: o.badgeId };
            queue.push({
              at: submitted,
              type: 'ApplicationSubmitted',
              actor: `student-${sid}`,
              data: { ...common, submittedAt: new Date(submitted).toISOString(), statement: 'I led events in several areas this year.' },
              fact: { type: 'application-submitted', badgeId: o.badgeId },
            });
            const approve = rnd() < 0.85;
            queue.push({
              at: decided,
              type: approve ? 'ApplicationApproved' : 'ApplicationRejected',
              actor: 'coordinator-meta',
              data: {
                ...common,
                decidedAt: new Date(decided).toISOString(),
                comment: approve ? 'Well documented.' : 'Please add evidence of the events you led.',
              },
              fact: { type: approve ? 'application-approved' : 'application-rejected', badgeId: o.badgeId },
            });
            queue.sort((a, b) => a.at - b.at);
            break;
          }
          case 'support-lost':
            engine('AwardSupportLost', {
              awardId: uuid(),
              badgeId: o.badgeId,
              policy: o.policy,
              cause: o.cause,
              detectedAt: at,
            });
            fold(ruleSet, state, { type: 'award-support-lost', badgeId: o.badgeId });
            if (o.policy === 'revoke') {
              engine('AwardRevoked', {
                awardId: uuid(),
                badgeId: o.badgeId,
                reason: 'support-lost: a participation it rested on was voided',
                revokedAt: at,
              });
              fold(ruleSet, state, { type: 'badge-revoked', badgeId: o.badgeId, cause: 'support-lost' });
            }
            break;
          case 'support-restored':
            engine('AwardSupportRestored', {
              awardId: uuid(),
              badgeId: o.badgeId,
              policy: o.policy,
              cause: o.cause,
              basis: o.basis,
              detectedAt: at,
            });
            fold(ruleSet, state, { type: 'award-support-restored', badgeId: o.badgeId, basis: o.basis });
            break;
          default: {
            const never: never = o;
            throw new Error(`unknown outcome ${JSON.stringify(never)}`);
          }
        }
      }
    }
  }
  out.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  const revisions = new Map<string, number>();
  return out.map((e, position) => {
    const revision = revisions.get(e.stream) ?? 0;
    revisions.set(e.stream, revision + 1);
    return { ...e, revision, position };
  });
}

if (require.main === module) {
  const target = process.argv[2] ?? join(__dirname, '..', 'rules', 'examples', 'events.ndjson');
  const file = join(__dirname, '..', 'rules', 'vilnius-tech.yaml');
  const loaded = loadRuleSet(readFileSync(file, 'utf8'), 'rules/vilnius-tech.yaml');
  if (!loaded.ok) throw new Error('rules/vilnius-tech.yaml does not load');
  const events = sampleEvents(loaded.ruleSet);
  writeFileSync(target, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  console.log(`wrote ${events.length} events to ${target}`);
}
