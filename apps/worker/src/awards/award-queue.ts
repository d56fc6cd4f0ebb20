import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LAUREL_CONFIG, type LaurelConfig } from '@laurel/platform';

export const AWARD_QUEUE = 'awards';

/** What the award worker needs to sign one award; everything else it reads from the student's stream. */
export interface AwardJob {
  awardId: string;
  studentId: string;
  programId: string;
  badgeId: string;
}

/**
 * The seam between the rule projection and signing: one BullMQ job per
 * award, `jobId` = award id, so enqueuing the same award twice is a no-op
 * while the job is kept (and the worker itself never signs an award twice).
 */
@Injectable()
export class AwardQueue implements OnApplicationShutdown {
  readonly queue: Queue<AwardJob>;
  private readonly connection: Redis;

  constructor(@Inject(LAUREL_CONFIG) config: LaurelConfig) {
    this.connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue<AwardJob>(AWARD_QUEUE, {
      connection: this.connection,
      prefix: config.redisPrefix,
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
        // Failed jobs stay, visible to operators (GET /awards/failed), until someone retries them.
        removeOnFail: false,
      },
    });
  }

  async enqueue(job: AwardJob): Promise<void> {
    await this.queue.add('sign-award', job, { jobId: job.awardId });
  }

  /** One round trip for many awards (the projection hands over a batch at each flush). */
  async enqueueMany(jobs: AwardJob[]): Promise<void> {
    await this.queue.addBulk(jobs.map((job) => ({ name: 'sign-award', data: job, opts: { jobId: job.awardId } })));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
