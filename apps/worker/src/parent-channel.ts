import type { INestApplicationContext } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AWARD_WORKER_HEALTH, PROJECTION_HEALTH, PROJECTIONS_ADMIN, providedHere, type HealthSource, type ProjectionsAdmin } from '@laurel/platform';

/** What the API process asks of the worker process it started (ADR 0010). */
export type ParentRequest = { id: number; kind: 'health' | 'projections.status' | 'projections.rebuild' } | { kind: 'shutdown' };

/** What the worker process tells the API process: once that it is ready, then one answer per request. */
export type ChildMessage = { kind: 'ready'; nice: number; metricsUrl?: string } | { kind: 'answer'; id: number; value: unknown } | { kind: 'answer'; id: number; error: string };

/**
 * Serves the API process that forked this worker over the IPC channel:
 * health of the background parts, the projections' operations, and
 * shutdown. The API process owns the lifecycle: a terminal's Ctrl-C reaches
 * both processes, and this one waits for the API's word, so the two stop in
 * order; should the API process die (the channel closes), this one exits at
 * once, as the engine's one process did before.
 */
export function serveParent(app: INestApplicationContext, ready: { nice: number; metricsUrl?: string }): void {
  const send = (message: ChildMessage) => process.send?.(message);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    ));
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void close());
  process.on('disconnect', () => {
    if (!closing) process.exit(1);
  });
  // The API process died while this one was starting.
  if (!process.connected) process.exit(1);
  const modules = app.get(ModuleRef);
  const answer = async (request: ParentRequest & { id: number }): Promise<unknown> => {
    if (request.kind === 'health') {
      const [projection, awardWorker] = await Promise.all([
        providedHere<HealthSource>(modules, PROJECTION_HEALTH)?.health(),
        providedHere<HealthSource>(modules, AWARD_WORKER_HEALTH)?.health(),
      ]);
      return { projection, awardWorker };
    }
    const admin = providedHere<ProjectionsAdmin>(modules, PROJECTIONS_ADMIN);
    if (!admin) throw new Error('the worker process runs no projection (LAUREL_PROJECTION=off)');
    return request.kind === 'projections.status' ? admin.status() : admin.rebuild();
  };
  process.on('message', (request: ParentRequest) => {
    if (request.kind === 'shutdown') return void close();
    answer(request).then(
      (value) => send({ kind: 'answer', id: request.id, value }),
      (err: unknown) => send({ kind: 'answer', id: request.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  send({ kind: 'ready', ...ready });
}
