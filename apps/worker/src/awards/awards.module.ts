import { Module } from '@nestjs/common';
import { AWARD_WORKER_HEALTH } from '@laurel/platform';
import { AwardProcessor } from './award.processor';
import { AwardQueue } from './award-queue';
import { AwardSigner } from './sign-award';
import { StatusListAllocator } from './status-list-allocator';
import { StudentHistory } from './student-history';

/** The award queue and its worker: signs every award into an Open Badges 3.0 credential. */
@Module({
  providers: [
    AwardQueue,
    StatusListAllocator,
    StudentHistory,
    AwardSigner,
    AwardProcessor,
    { provide: AWARD_WORKER_HEALTH, useExisting: AwardProcessor },
  ],
  exports: [AwardQueue, StatusListAllocator, StudentHistory, AwardSigner, AwardProcessor, AWARD_WORKER_HEALTH],
})
export class AwardsModule {}
