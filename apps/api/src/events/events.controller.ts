import { Controller, Get, Header, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Readable } from 'node:stream';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@laurel/event-store';
import { Roles } from '../auth/access';

export class ExportQueryDto {
  @ApiPropertyOptional({ description: 'Only events after this position (the `position` of the last line of an earlier export)', example: '0' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, {
    message: 'after must be a position: a whole number of at most 19 digits, e.g. the position of the last line of an earlier export',
  })
  after?: string;

  @ApiPropertyOptional({ description: 'Only streams whose name starts with this (e.g. `student-`, or `student-20231234` for one student)' })
  @IsOptional()
  // A stream name is a kind (`student-`) and an id, which may hold capitals, `.` and `_` (ID_PATTERN); the store tests the prefix exactly.
  @Matches(/^[a-z][a-z0-9]*(?:-[A-Za-z0-9._-]{0,64})?$/, {
    message: 'stream must be the start of a stream name, e.g. student- or student-20231234 (letters, digits, ".", "_" and "-")',
  })
  stream?: string;
}

/** Events read from the store per page: the export never holds the whole log in memory. */
const PAGE = 1000;

/** One line of the export: the event as the engine stores it (what `laurel rules explain/diff --events` read). */
const lineOf = (e: RecordedEvent): string =>
  `${JSON.stringify({
    id: e.id,
    stream: e.stream,
    type: e.type,
    revision: Number(e.revision),
    position: Number(e.position),
    recordedAt: e.recordedAt.toISOString(),
    data: e.data,
    metadata: e.metadata,
  })}\n`;

async function* exportLines(store: EventStore, after: bigint | undefined, streamPrefix: string | undefined): AsyncGenerator<string> {
  let from = after;
  for (;;) {
    const page = await store.readAll({
      ...(from !== undefined && { fromPosition: from }),
      ...(streamPrefix !== undefined && { filter: { streamPrefixes: [streamPrefix] } }),
      maxCount: PAGE,
    });
    if (page.length === 0) return;
    yield page.map(lineOf).join('');
    if (page.length < PAGE) return;
    from = page[page.length - 1]!.position;
  }
}

/** The event log as newline-delimited JSON, for replaying real history under a draft rule file offline. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="events.ndjson"')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'The event log in order, one JSON event per line (`laurel events export`); `laurel rules explain|diff --events` read it',
  })
  export(@Query() query: ExportQueryDto): StreamableFile {
    const lines = exportLines(this.store, query.after === undefined ? undefined : BigInt(query.after), query.stream);
    return new StreamableFile(Readable.from(lines, { objectMode: false }));
  }
}
