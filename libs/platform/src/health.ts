/**
 * What `GET /health` reports about a background part running in the same
 * process (the rule projection, when the worker runs inside the API
 * process): `down` turns the whole answer into a 503.
 */
export type ComponentHealth = ({ status: 'up' } | { status: 'down'; error: string }) & Record<string, unknown>;

/** Provided by the worker's projections when they run in this process; the health check looks it up if present. */
export const PROJECTION_HEALTH = 'laurel:projection-health';

/** The provider behind {@link PROJECTION_HEALTH}. */
export interface ProjectionHealthSource {
  /** `undefined` when this process does not run the projection (`LAUREL_PROJECTION=off`). */
  health(): Promise<ComponentHealth | undefined>;
}
