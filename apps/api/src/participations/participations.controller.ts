import { BadRequestException, Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EventMetadata } from '@laurel/event-store';
import { Roles } from '../auth/access';
import { Metadata } from '../http/request-metadata';
import { fieldProblems } from '../http/validation';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ActivityCheck } from './activity-check';
import { RecordBatchCommand, type BatchRowResult } from './record-batch.handler';
import { RecordBatchDto, RecordParticipationDto, VoidParticipationDto } from './record-participation.dto';
import { VoidParticipationCommand, type VoidParticipationResult } from './void-participation.handler';
import { RecordParticipationCommand, type RecordParticipationResult } from './record-participation.handler';

@ApiTags('participations')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('participations')
export class ParticipationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly activities: ActivityCheck,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that a student took part in an activity' })
  @ApiResponse({ status: 201, description: 'Recorded.' })
  @ApiResponse({
    status: 200,
    description: 'Already recorded with the same content: nothing new was written.',
  })
  @ApiResponse({
    status: 409,
    description: 'The participationId was used for different content.',
  })
  async record(
    @Body() body: RecordParticipationDto,
    @Metadata() metadata: EventMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<RecordParticipationResult, 'created'>> {
    this.activities.assertKnown(body.activityId);
    const { created, ...result } = await this.commands.execute(new RecordParticipationCommand(toData(body), metadata));
    if (!created) void reply.status(200);
    return result;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Record up to 1,000 participations; each row is recorded whole or rejected with its reason. With `dryRun: true` nothing is stored: `created` rows are those that would be, without revision or position',
  })
  async batch(
    @Body() body: RecordBatchDto,
    @Metadata() metadata: EventMetadata,
  ): Promise<{ dryRun?: true; summary: Record<string, number>; results: BatchRowResult[] }> {
    const rejected: BatchRowResult[] = [];
    const valid: { row: number; data: ReturnType<typeof toData> }[] = [];
    await Promise.all(
      body.participations.map(async (raw, row) => {
        const problem = await rowProblem(raw);
        if (problem)
          return rejected.push({
            row,
            ...sentId(raw),
            status: 'rejected',
            code: 'INVALID_ROW',
            message: problem,
          });
        const dto = plainToInstance(RecordParticipationDto, raw);
        try {
          this.activities.assertKnown(dto.activityId);
        } catch (err) {
          return rejected.push({
            row,
            participationId: dto.participationId,
            status: 'rejected',
            code: 'UNKNOWN_ACTIVITY',
            message: (err as Error).message,
          });
        }
        return valid.push({ row, data: toData(dto) });
      }),
    );
    const recorded = valid.length > 0 ? await this.commands.execute(new RecordBatchCommand(valid, metadata, body.dryRun ?? false)) : [];
    const results = [...rejected, ...recorded].sort((a, b) => a.row - b.row);
    const summary = { created: 0, unchanged: 0, rejected: 0 };
    for (const r of results) summary[r.status]++;
    return { ...(body.dryRun && { dryRun: true }), summary, results };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Void a participation recorded by mistake; the student is re-evaluated',
  })
  @ApiResponse({ status: 404, description: 'No such participation.' })
  @ApiResponse({ status: 409, description: 'Already void.' })
  void(
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () => new BadRequestException('participation id must be a UUID'),
      }),
    )
    participationId: string,
    @Body() body: VoidParticipationDto,
    @Metadata() metadata: EventMetadata,
  ): Promise<VoidParticipationResult> {
    return this.commands.execute(new VoidParticipationCommand(participationId.toLowerCase(), body.reason, metadata, new Date()));
  }
}

function toData(body: RecordParticipationDto) {
  return {
    participationId: body.participationId.toLowerCase(),
    studentId: body.studentId,
    activityId: body.activityId,
    occurredAt: new Date(body.occurredAt).toISOString(),
    role: body.role ?? 'participant',
    ...(body.hours !== undefined && { hours: body.hours }),
    ...(body.evidence !== undefined && { evidence: body.evidence }),
  };
}

/**
 * The participationId of a row refused as invalid, as sent: the coordinator
 * finds the row in their file by it, even when the id itself is what is wrong.
 */
function sentId(raw: unknown): { participationId?: string } {
  const id = typeof raw === 'object' && raw !== null ? (raw as { participationId?: unknown }).participationId : undefined;
  return typeof id === 'string' && id !== '' ? { participationId: id } : {};
}

/** Validates one batch row like a single POST would, returning what to fix or undefined. */
async function rowProblem(raw: unknown): Promise<string | undefined> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'each row must be a participation object';
  const errors = await validate(plainToInstance(RecordParticipationDto, raw), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  if (errors.length === 0) return undefined;
  return fieldProblems(errors)
    .map((f) => f.messages.join(', '))
    .join('; ');
}
