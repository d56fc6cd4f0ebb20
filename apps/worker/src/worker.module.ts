import { Module, type DynamicModule } from '@nestjs/common';
import { PROJECTION_HEALTH, PROJECTIONS_ADMIN } from '@laurel/platform';
import { AwardsModule } from './awards/awards.module';
import { ProjectionsService } from './projections/projections.service';
import { ReadModels } from './projections/read-models';
import { RuleProjection } from './projections/rule-projection';

/**
 * The background side of the engine: the rule projection (which also writes
 * the read models) and the award worker. Runs as a process of its own
 * (apps/worker/src/main.ts): started by the API on the embedded default (ADR
 * 0010), or on its own in production; the in-process test engines import it.
 */
@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    const providers = [
      ReadModels,
      RuleProjection,
      ProjectionsService,
      { provide: PROJECTION_HEALTH, useExisting: ProjectionsService },
      { provide: PROJECTIONS_ADMIN, useExisting: ProjectionsService },
    ];
    // No controllers: the API serves /admin/projections (apps/api/src/background), a worker process only /health and /metrics.
    return { module: WorkerModule, imports: [AwardsModule], providers, exports: [...providers, AwardsModule] };
  }
}
