import type { ModuleRef } from '@nestjs/core';

/**
 * Provided where the rule projection can be operated from this process: by
 * the worker's projections when they run here, or by the API's handle on
 * the worker process it started (`LAUREL_ROLE=all`, ADR 0010).
 */
export const PROJECTIONS_ADMIN = 'laurel:projections-admin';

/** Where the rule projection is against the log's head. */
export interface ProjectionStatus {
  checkpoint: string | null;
  head: string;
  lag: string | null;
}

/** The provider behind {@link PROJECTIONS_ADMIN}. */
export interface ProjectionsAdmin {
  status(): Promise<ProjectionStatus>;
  /** Drops every read model and rebuilds them from the log. */
  rebuild(): Promise<{ startedAt: string }>;
}

/**
 * The provider of `token` anywhere in the application, or `undefined` when
 * no module of this process provides it: the background parts are optional
 * (an API process with `LAUREL_ROLE=api` runs none of them).
 */
export function providedHere<T>(modules: ModuleRef, token: string): T | undefined {
  try {
    return modules.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}
