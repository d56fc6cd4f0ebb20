import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthChecks, type HealthReport } from '@laurel/platform';
import { Public } from '../auth/access';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  @Get()
  @ApiOperation({
    summary:
      '200 when the event store and Redis answer and, when they run in this process (LAUREL_ROLE=all), the rule projection follows the log and the award worker runs; 503 naming what is down otherwise',
  })
  health(): Promise<HealthReport> {
    return this.checks.answer();
  }
}
