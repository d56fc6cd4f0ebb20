import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { LAUREL_CONFIG, type LaurelConfig } from './config';
import { REDIS } from './redis';

/** What the index maps to a student: participation, application and credential ids. */
export type LookupKind = 'participations' | 'applications' | 'credentials';

/**
 * Which student a participation or an application belongs to, so
 * `DELETE /participations/:id` and `POST /applications/:id/approve` can find
 * the stream to decide against. Written right after the append (and by the
 * read-model projection, which repairs it from the log after a Redis flush).
 */
@Injectable()
export class LookupIndex {
  private readonly pending = new Map<LookupKind, { fields: Map<string, string>; written: Promise<void> }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
  ) {}

  private key(kind: LookupKind): string {
    return `${this.config.redisPrefix}:index:${kind}`;
  }

  studentOf(kind: LookupKind, id: string): Promise<string | null> {
    return this.redis.hget(this.key(kind), id);
  }

  /**
   * Resolves once the entry is written. Entries remembered in the same turn of
   * the event loop (the award worker's concurrent jobs finish together, after
   * one group commit) go out as one HSET: one round trip instead of one each.
   */
  remember(kind: LookupKind, id: string, studentId: string): Promise<void> {
    let batch = this.pending.get(kind);
    if (!batch) {
      const fields = new Map<string, string>();
      const written = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        this.pending.delete(kind);
        await this.redis.hset(this.key(kind), fields);
      });
      batch = { fields, written };
      this.pending.set(kind, batch);
    }
    batch.fields.set(id, studentId);
    return batch.written;
  }
}
