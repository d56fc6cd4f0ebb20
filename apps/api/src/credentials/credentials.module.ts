import { Module } from '@nestjs/common';
import { AchievementsController } from '../achievements/achievements.controller';
import { Definitions } from '../achievements/definitions';
import { AwardQueue } from '../../../worker/src/awards/award-queue';
import { FailedAwardsController } from '../award-jobs/failed-awards.controller';
import { IssuersController } from '../keys/issuers.controller';
import { KeysController } from '../keys/keys.controller';
import { CredentialVerifier } from './credential-verifier';
import { CredentialsController } from './credentials.controller';
import { JwtBodyParser } from './jwt-body.parser';
import { PortfolioController } from './portfolio.controller';
import { Portfolios } from './portfolios';
import { StatusLists } from './status-lists';
import { StatusListsController } from './status-lists.controller';
import { StudentCredentialsController } from './student-credentials.controller';

/**
 * The credentials' HTTP face: keys and issuer profile, credentials and their
 * verification, status lists, a student's credentials and portfolio, the
 * badge, level and competency definitions credentials link to, and failed
 * award jobs. Signing keys come from PlatformModule; the award worker itself
 * runs in WorkerModule.
 */
@Module({
  controllers: [
    KeysController,
    IssuersController,
    CredentialsController,
    StatusListsController,
    PortfolioController,
    StudentCredentialsController,
    AchievementsController,
    FailedAwardsController,
  ],
  // The API's own handle on the award queue (for failed jobs): with LAUREL_ROLE=api no WorkerModule runs here.
  providers: [StatusLists, CredentialVerifier, Portfolios, JwtBodyParser, AwardQueue, Definitions],
  exports: [StatusLists, CredentialVerifier, AwardQueue],
})
export class CredentialsModule {}
