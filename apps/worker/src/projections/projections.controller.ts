import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../api/src/auth/access';
import { ProjectionsService } from './projections.service';

/** Operations on the projections; mounted where the worker runs inside the API process (LAUREL_ROLE=all). */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/projections')
export class ProjectionsController {
  constructor(private readonly projections: ProjectionsService) {}

  @Get()
  @ApiOperation({ summary: 'Checkpoint, log head and lag of the rule projection' })
  status() {
    return this.projections.status();
  }

  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild every read model from the log' })
  rebuild() {
    return this.projections.rebuild();
  }
}
