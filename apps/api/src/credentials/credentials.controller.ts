import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { decodeJwt } from 'jose';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LookupIndex } from '@laurel/platform';
import { studentStream, type CredentialIssued } from '@laurel/progression';
import type { Check } from '@laurel/credentials';
import { Public, Roles } from '../auth/access';
import { RevokeAwardCommand, type RevokeAwardResult } from '../awards/revoke-award.handler';
import { Metadata } from '../http/request-metadata';
import { ReasonDto } from '../students/students.dto';
import { prefersJwt, withoutJwtClaims } from './accept';
import { CredentialVerifier } from './credential-verifier';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface VerifyResponse {
  verified: boolean;
  checks: Check[];
}

/** The credentials Laurel issued, and verification of any VC-JWT against its keys and status lists. */
@ApiTags('credentials')
@Controller('credentials')
export class CredentialsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: LookupIndex,
    private readonly verifier: CredentialVerifier,
    private readonly commands: CommandBus,
  ) {}

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'An issued credential: the VC-JWT for `Accept: application/jwt`, the decoded OpenBadgeCredential otherwise' })
  async get(@Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const issued = await this.issued(id);
    if (prefersJwt(accept)) {
      void reply.header('content-type', 'application/jwt');
      return issued.jwt;
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return withoutJwtClaims(decodeJwt(issued.jwt));
  }

  @Post('verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Verify a VC-JWT: every check by name (format, dataModel, schema, issuerKey, signature, claims, validityWindow, status); 200 even when not verified',
  })
  @ApiBody({ schema: { oneOf: [{ type: 'object', properties: { jwt: { type: 'string' } }, required: ['jwt'] }, { type: 'string' }] } })
  async verify(@Body() body: unknown): Promise<VerifyResponse> {
    const jwt = typeof body === 'string' ? body.trim() : isJwtBody(body) ? body.jwt.trim() : undefined;
    if (jwt === undefined || !COMPACT_JWS.test(jwt)) {
      throw new BadRequestException(
        'send the credential as a compact VC-JWT: a JSON body { "jwt": "<header>.<payload>.<signature>" }, or the JWT itself with Content-Type: application/jwt',
      );
    }
    const { verified, checks } = await this.verifier.verify(jwt);
    return { verified, checks };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Revoke the award behind a credential (as POST /students/:id/awards/:badgeId/revoke does); 409 if the badge was earned again since, or is already revoked',
  })
  async revoke(
    @Param('id') id: string,
    @Body() body: ReasonDto,
    @Metadata() metadata: EventMetadata,
  ): Promise<RevokeAwardResult & { credentialId: string }> {
    const issued = await this.issued(id);
    const result = await this.commands.execute(
      new RevokeAwardCommand(issued.studentId, issued.badgeId, body.reason, metadata, new Date(), issued.awardId),
    );
    return { credentialId: issued.credentialId, ...result };
  }

  /** The CredentialIssued event of a credential id (bare UUID or `urn:uuid:`), or 400 / 404 saying what is wrong. */
  private async issued(id: string): Promise<CredentialIssued['data']> {
    const credentialId = id.replace(/^urn:uuid:/i, '').toLowerCase();
    if (!UUID.test(credentialId)) throw new BadRequestException(`credential id "${id.slice(0, 80)}" is not valid: use the credential's UUID`);
    const studentId = await this.index.studentOf('credentials', credentialId);
    const issued = studentId
      ? ((await this.store.readStream(studentStream(studentId))).find(
          (e) => e.type === 'CredentialIssued' && (e.data as CredentialIssued['data']).credentialId === credentialId,
        )?.data as CredentialIssued['data'] | undefined)
      : undefined;
    if (!issued) throw new NotFoundException(`no credential ${credentialId} was issued here; check the id`);
    return issued;
  }
}

function isJwtBody(body: unknown): body is { jwt: string } {
  return typeof body === 'object' && body !== null && typeof (body as { jwt?: unknown }).jwt === 'string';
}
