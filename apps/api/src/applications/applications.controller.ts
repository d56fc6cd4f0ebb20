import { BadRequestException, Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@laurel/event-store';
import { Roles } from '../auth/access';
import { Metadata } from '../http/request-metadata';
import { ReviewDto } from '../students/students.dto';
import { ReviewApplicationCommand, type ApplicationResult } from './applications.handlers';

const applicationId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('application id must be a UUID') });

@ApiTags('applications')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve an application; the badge is awarded' })
  approve(@Param('id', applicationId) id: string, @Body() body: ReviewDto, @Metadata() metadata: EventMetadata): Promise<ApplicationResult> {
    return this.commands.execute(new ReviewApplicationCommand(id, 'approve', body.comment, metadata, new Date()));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject an application with a comment for the student' })
  reject(@Param('id', applicationId) id: string, @Body() body: ReviewDto, @Metadata() metadata: EventMetadata): Promise<ApplicationResult> {
    if (!body.comment?.trim()) throw new BadRequestException('comment is required when rejecting: tell the student why');
    return this.commands.execute(new ReviewApplicationCommand(id, 'reject', body.comment, metadata, new Date()));
  }
}
