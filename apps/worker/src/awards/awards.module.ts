import { Module } from '@nestjs/common';
import { AwardProcessor } from './award.processor';
import { AwardQueue } from './award-queue';
import { AwardSigner } from './sign-award';
import { StatusListAllocator } from './status-list-allocator';

/** The award queue and its worker: signs every award into an Open Badges 3.0 credential. */
@Module({
  providers: [AwardQueue, StatusListAllocator, AwardSigner, AwardProcessor],
  exports: [AwardQueue, StatusListAllocator, AwardSigner, AwardProcessor],
})
export class AwardsModule {}
