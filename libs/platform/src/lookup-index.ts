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

  async remember(kind: LookupKind, id: string, studentId: string): Promise<void> {
    await this.redis.hset(this.key(kind), id, studentId);
  }
}
