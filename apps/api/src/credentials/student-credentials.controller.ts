import { Controller, Get, Headers, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, type LaurelConfig } from '@laurel/platform';
import { studentStream } from '@laurel/progression';
import { OwnStudent, Roles } from '../auth/access';
import { chooseType } from '../http/negotiate';
import { StudentIdPipe } from '../students/student-id.pipe';
import { listCredentials, type StudentCredential } from './student-credentials';

@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class StudentCredentialsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
  ) {}

  @Get(':id/credentials')
  @Roles('student', 'coordinator')
  @OwnStudent('id')
  @ApiOperation({
    summary: "The student's signed credentials, oldest first: badge, issued date, status (active, expired, revoked) and where to fetch each",
    description: [
      'Each credential is fetched at its `links[].href` (`GET /credentials/:id`, no token needed) with the `Accept` in `links[].type`:',
      '`application/json` for the decoded OpenBadgeCredential, `application/vc+jwt` for the signed VC-JWT to hand to an employer.',
      'A revoked credential stays listed with `revoked` (when and why): it no longer verifies. A student with no credential yet gets an empty list;',
      'an id with no events at all is a 404. The list is JSON only: an `Accept` that does not take `application/json` is a 406.',
    ].join('\n'),
  })
  @ApiProduces('application/json')
  @ApiOkResponse({
    description: 'The credentials',
    schema: {
      type: 'object',
      properties: {
        studentId: { type: 'string' },
        credentials: {
          type: 'array',
          items: {
            type: 'object',
            required: ['credentialId', 'id', 'awardId', 'badge', 'issuedAt', 'status', 'links'],
            properties: {
              credentialId: { type: 'string', format: 'uuid' },
              id: { type: 'string', example: 'urn:uuid:3f0c…' },
              awardId: { type: 'string' },
              programId: { type: 'string' },
              badge: {
                type: 'object',
                properties: { id: { type: 'string' }, name: { type: 'string' }, achievementId: { type: 'string', format: 'uri' } },
              },
              issuedAt: { type: 'string', format: 'date-time' },
              expiresAt: { type: 'string', format: 'date-time' },
              status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
              revoked: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, reason: { type: 'string' } } },
              links: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { href: { type: 'string', format: 'uri' }, type: { type: 'string', enum: ['application/json', 'application/vc+jwt'] } },
                },
              },
            },
          },
        },
      },
    },
  })
  async credentials(
    @Param('id', StudentIdPipe) studentId: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ studentId: string; credentials: StudentCredential[] }> {
    chooseType(accept, ['application/json'], "a student's list of credentials");
    const events = await this.store.readStream(studentStream(studentId));
    if (events.length === 0) throw new NotFoundException(`no events are recorded for student ${studentId}; check the id`);
    void reply.header('vary', 'accept');
    return { studentId, credentials: listCredentials(events, this.config.publicUrl, new Date()) };
  }
}
