import { Module, type DynamicModule } from '@nestjs/common';

/**
 * The background side of the engine: the rule projection, the read-model
 * projection and the award worker. Runs inside the API process on the
 * embedded default, or alone (apps/worker/src/main.ts) in production.
 */
@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    return { module: WorkerModule, imports: [], providers: [] };
  }
}
