import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { ApplicationsController } from './applications/applications.controller';
import { ReviewApplicationHandler, SubmitApplicationHandler } from './applications/applications.handlers';
import { KeepAwardHandler } from './awards/keep-award.handler';
import { RevokeAwardHandler } from './awards/revoke-award.handler';
import { CredentialsModule } from './credentials/credentials.module';
import { ProjectionsController } from './background/projections.controller';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import { ProgramsController } from './programs/programs.controller';
import { GetProgressionHandler } from './students/get-progression.handler';
import { ParticipationsController } from './participations/participations.controller';
import { RecordParticipationHandler } from './participations/record-participation.handler';
import { VoidParticipationHandler } from './participations/void-participation.handler';
import { RecordBatchHandler } from './participations/record-batch.handler';
import { ActivityCheck } from './participations/activity-check';
import { GetTimelineHandler } from './students/get-timeline.handler';
import { StudentsController } from './students/students.controller';

/** The HTTP face: controllers, command and query handlers. Infrastructure comes from PlatformModule. */
@Module({
  imports: [CqrsModule.forRoot(), CredentialsModule],
  controllers: [
    ParticipationsController,
    StudentsController,
    ApplicationsController,
    ProgramsController,
    EventsController,
    HealthController,
    MetricsController,
    ProjectionsController,
  ],
  providers: [
    TokenVerifier,
    Metrics,
    { provide: APP_GUARD, useClass: AuthGuard },
    ActivityCheck,
    RecordParticipationHandler,
    RecordBatchHandler,
    VoidParticipationHandler,
    GetTimelineHandler,
    GetProgressionHandler,
    SubmitApplicationHandler,
    ReviewApplicationHandler,
    RevokeAwardHandler,
    KeepAwardHandler,
  ],
})
export class ApiModule {}
