import { Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROJECTIONS_ADMIN, providedHere, type ProjectionsAdmin, type ProjectionStatus } from '@laurel/platform';
import { Roles } from '../auth/access';

/**
 * Operations on the rule projection, where this API can reach it: in its
 * own process or in the worker process it started (`LAUREL_ROLE=all`).
 */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/projections')
export class ProjectionsController {
  constructor(private readonly modules: ModuleRef) {}

  @Get()
  @ApiOperation({ summary: 'Checkpoint, log head and lag of the rule projection' })
  status(): Promise<ProjectionStatus> {
    return this.admin().status();
  }

  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild every read model from the log' })
  rebuild(): Promise<{ startedAt: string }> {
    return this.admin().rebuild();
  }

  private admin(): ProjectionsAdmin {
    const admin = providedHere<ProjectionsAdmin>(this.modules, PROJECTIONS_ADMIN);
    if (admin) return admin;
    throw new NotFoundException(
      'this API process runs no projection (LAUREL_ROLE=api): the projection runs in the worker processes; to rebuild the read models there, stop them, delete the checkpoint key <prefix>:projection:rules:checkpoint in Redis and start them again',
    );
  }
}
