import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Job } from 'bullmq';
import { AwardQueue, type AwardJob } from '../../../worker/src/awards/award-queue';
import { Roles } from '../auth/access';

export class FailedAwardsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;
}

export class RetryFailedAwardsDto {
  @ApiPropertyOptional({ type: [String], description: 'Award ids to retry; default: every failed award' })
  @IsOptional()
  @IsArray({ message: 'awardIds must be a list of award ids' })
  @ArrayMaxSize(1000, { message: 'awardIds may hold at most 1000 ids' })
  @IsUUID('all', { each: true, message: 'each award id must be a UUID' })
  awardIds?: string[];
}

export interface FailedAward extends AwardJob {
  /** Why the last attempt failed. */
  reason: string;
  attemptsMade: number;
  failedAt: string | null;
}

const describe = (job: Job<AwardJob>): FailedAward => ({
  ...job.data,
  reason: job.failedReason,
  attemptsMade: job.attemptsMade,
  failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
});

/** Awards the worker gave up on (retries exhausted, or an award that can never be signed), for operators to inspect and retry. */
@ApiTags('awards')
@ApiBearerAuth()
@Controller('awards/failed')
export class FailedAwardsController {
  constructor(private readonly awards: AwardQueue) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Award jobs that failed for good, newest first, with the reason' })
  async list(@Query() query: FailedAwardsQueryDto): Promise<{ total: number; jobs: FailedAward[] }> {
    const [total, jobs] = await Promise.all([this.awards.queue.getFailedCount(), this.awards.queue.getFailed(0, (query.limit ?? 100) - 1)]);
    return { total, jobs: jobs.map(describe) };
  }

  @Post('retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Run failed award jobs again (all, or those named), with a fresh set of attempts' })
  async retry(@Body() body: RetryFailedAwardsDto): Promise<{ retried: string[]; notFailed: string[] }> {
    const jobs: Job<AwardJob>[] = [];
    const notFailed: string[] = [];
    if (body.awardIds) {
      for (const awardId of body.awardIds) {
        const job = await this.awards.queue.getJob(awardId);
        if (job && (await job.isFailed())) jobs.push(job);
        else notFailed.push(awardId);
      }
    } else {
      jobs.push(...(await this.awards.queue.getFailed(0, -1)));
    }
    const retried: string[] = [];
    for (const job of jobs) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      retried.push(job.data.awardId);
    }
    return { retried, notFailed };
  }
}
