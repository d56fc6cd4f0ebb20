/**
 * The Redis keys of the read models, under the engine's prefix: the rule
 * projection writes them (apps/worker), the queries read them (apps/api).
 *
 * @example
 * await redis.hget(readModelKeys('laurel').progression('vilnius-tech'), '20250001');
 */
export const readModelKeys = (prefix: string) => ({
  progression: (programId: string) => `${prefix}:rm:progression:${programId}`,
  roster: (programId: string, levelId: string) => `${prefix}:rm:roster:${programId}:${levelId}`,
  holders: (programId: string, badgeId: string) => `${prefix}:rm:holders:${programId}:${badgeId}`,
  /** Per program, by student: what waits for a coordinator (JSON list of review items); no field when nothing does. */
  review: (programId: string) => `${prefix}:rm:review:${programId}`,
  students: `${prefix}:rm:students`,
  participations: `${prefix}:index:participations`,
  applications: `${prefix}:index:applications`,
  credentials: `${prefix}:index:credentials`,
  all: `${prefix}:rm:*`,
});
