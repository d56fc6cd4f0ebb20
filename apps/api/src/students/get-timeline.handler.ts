import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { studentStream } from '@laurel/progression';

export interface TimelineEntry {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  revision: number;
  position: number;
  recordedAt: string;
}

export class GetTimeline extends Query<TimelineEntry[]> {
  constructor(readonly studentId: string) {
    super();
  }
}

/** The student's own stream, in order: the authoritative history, not a read model. */
@QueryHandler(GetTimeline)
export class GetTimelineHandler implements IQueryHandler<GetTimeline> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ studentId }: GetTimeline): Promise<TimelineEntry[]> {
    const events = await this.store.readStream(studentStream(studentId));
    return events.map((e) => ({
      id: e.id,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      revision: Number(e.revision),
      position: Number(e.position),
      recordedAt: e.recordedAt.toISOString(),
    }));
  }
}
