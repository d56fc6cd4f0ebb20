import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnStudent, Roles } from '../auth/access';
import { GetTimeline, type TimelineEntry } from './get-timeline.handler';
import { StudentIdPipe } from './student-id.pipe';

@ApiTags('students')
@ApiBearerAuth()
@Roles('coordinator', 'student')
@OwnStudent('id')
@Controller('students')
export class StudentsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/timeline')
  @ApiOperation({
    summary: "The student's events in order (type, data, revision, recordedAt)",
  })
  async timeline(@Param('id', StudentIdPipe) studentId: string): Promise<{ studentId: string; events: TimelineEntry[] }> {
    const events = await this.queries.execute(new GetTimeline(studentId));
    if (events.length === 0) throw new NotFoundException(`no events are recorded for student ${studentId}; check the id`);
    return { studentId, events };
  }
}
