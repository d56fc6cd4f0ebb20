import { Controller, Get } from '@nestjs/common';
import { HealthChecks, type HealthReport } from '@laurel/platform';

/**
 * `GET /health` of a standalone worker process (LAUREL_WORKER_HEALTH_PORT):
 * the same checks as the API's, so an orchestrator restarts a worker whose
 * projection halted or whose award worker stopped.
 */
@Controller('health')
export class WorkerHealthController {
  constructor(private readonly checks: HealthChecks) {}

  @Get()
  health(): Promise<HealthReport> {
    return this.checks.answer();
  }
}
