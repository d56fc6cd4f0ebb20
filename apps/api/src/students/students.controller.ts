import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@laurel/event-store';
import { ApplicationResult, SubmitApplicationCommand } from '../applications/applications.handlers';
import { OwnStudent, Roles } from '../auth/access';
import { KeepAwardCommand, type KeepAwardResult } from '../awards/keep-award.handler';
import { RevokeAwardCommand, type RevokeAwardResult } from '../awards/revoke-award.handler';
import { Metadata } from '../http/request-metadata';
import { GetProgression, type ProgressionView } from './get-progression.handler';
import { GetTimeline, type TimelineEntry } from './get-timeline.handler';
import { StudentIdPipe } from './student-id.pipe';
import { instantOf, ProgressionQueryDto, ReasonDto, SubmitApplicationDto } from './students.dto';
import { BadRequestException } from '@nestjs/common';
import { ID_PATTERN, ID_RULE } from '@laurel/progression';

@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class StudentsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get(':id/timeline')
  @Roles('coordinator', 'student')
  @OwnStudent('id')
  @ApiOperation({ summary: "The student's events in order (type, data, revision, recordedAt)" })
  async timeline(@Param('id', StudentIdPipe) studentId: string): Promise<{ studentId: string; events: TimelineEntry[] }> {
    const events = await this.queries.execute(new GetTimeline(studentId));
    if (events.length === 0) throw new NotFoundException(`no events are recorded for student ${studentId}; check the id`);
    return { studentId, events };
  }

  @Get(':id/progression')
  @Roles('coordinator', 'student')
  @OwnStudent('id')
  @ApiOperation({ summary: 'Level, badges, eligibility, applications and the shortest path to the next level; `asOf` for any past date' })
  progression(@Param('id', StudentIdPipe) studentId: string, @Query() query: ProgressionQueryDto): Promise<ProgressionView> {
    return this.queries.execute(new GetProgression(studentId, query.programId, query.asOf ? instantOf(query.asOf) : undefined));
  }

  @Post(':id/applications')
  @HttpCode(201)
  @Roles('student', 'coordinator')
  @OwnStudent('id')
  @ApiOperation({ summary: 'Apply for an application-gated badge (409 with what is missing when not eligible)' })
  apply(
    @Param('id', StudentIdPipe) studentId: string,
    @Body() body: SubmitApplicationDto,
    @Metadata() metadata: EventMetadata,
  ): Promise<ApplicationResult> {
    return this.commands.execute(new SubmitApplicationCommand(studentId, body.badgeId, body.statement, metadata, new Date()));
  }

  @Post(':id/awards/:badgeId/revoke')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOperation({ summary: "Revoke a student's badge; its credential's status bit flips" })
  revoke(
    @Param('id', StudentIdPipe) studentId: string,
    @Param('badgeId') badgeId: string,
    @Body() body: ReasonDto,
    @Metadata() metadata: EventMetadata,
  ): Promise<RevokeAwardResult> {
    if (!ID_PATTERN.test(badgeId)) throw new BadRequestException(`badge id must be ${ID_RULE}`);
    return this.commands.execute(new RevokeAwardCommand(studentId, badgeId, body.reason, metadata, new Date()));
  }

  @Post(':id/awards/:badgeId/keep')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOperation({
    summary: 'Keep an award flagged for review (it lost its support under a `flag` policy): it is active again and leaves GET /programs/:id/review',
  })
  keep(
    @Param('id', StudentIdPipe) studentId: string,
    @Param('badgeId') badgeId: string,
    @Body() body: ReasonDto,
    @Metadata() metadata: EventMetadata,
  ): Promise<KeepAwardResult> {
    if (!ID_PATTERN.test(badgeId)) throw new BadRequestException(`badge id must be ${ID_RULE}`);
    return this.commands.execute(new KeepAwardCommand(studentId, badgeId, body.reason, metadata, new Date()));
  }
}
