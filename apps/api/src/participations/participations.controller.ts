import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EventMetadata } from '@laurel/event-store';
import { Roles } from '../auth/access';
import { Metadata } from '../http/request-metadata';
import { RecordParticipationDto } from './record-participation.dto';
import { RecordParticipationCommand, type RecordParticipationResult } from './record-participation.handler';

@ApiTags('participations')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('participations')
export class ParticipationsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that a student took part in an activity' })
  @ApiResponse({ status: 201, description: 'Recorded.' })
  @ApiResponse({ status: 200, description: 'Already recorded with the same content: nothing new was written.' })
  @ApiResponse({ status: 409, description: 'The participationId was used for different content.' })
  async record(
    @Body() body: RecordParticipationDto,
    @Metadata() metadata: EventMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<RecordParticipationResult, 'created'>> {
    const data = {
      participationId: body.participationId.toLowerCase(),
      studentId: body.studentId,
      activityId: body.activityId,
      occurredAt: new Date(body.occurredAt).toISOString(),
      role: body.role ?? 'participant',
      ...(body.hours !== undefined && { hours: body.hours }),
      ...(body.evidence !== undefined && { evidence: body.evidence }),
    };
    const { created, ...result } = await this.commands.execute(new RecordParticipationCommand(data, metadata));
    if (!created) void reply.status(200);
    return result;
  }
}
