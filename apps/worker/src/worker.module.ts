import { Module, type DynamicModule } from '@nestjs/common';
import { PROJECTION_HEALTH } from '@laurel/platform';
import { AwardsModule } from './awards/awards.module';
import { ProjectionsController } from './projections/projections.controller';
import { ProjectionsService } from './projections/projections.service';
import { ReadModels } from './projections/read-models';
import { RuleProjection } from './projections/rule-projection';

/**
 * The background side of the engine: the rule projection (which also writes
 * the read models) and the award worker. Runs inside the API process on the
 * embedded default, or alone (apps/worker/src/main.ts) in production.
 */
@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    const providers = [ReadModels, RuleProjection, ProjectionsService, { provide: PROJECTION_HEALTH, useExisting: ProjectionsService }];
    return { module: WorkerModule, imports: [AwardsModule], controllers: [ProjectionsController], providers, exports: [...providers, AwardsModule] };
  }
}
