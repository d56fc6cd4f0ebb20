import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { decodeJwt } from 'jose';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, LookupIndex, type LaurelConfig } from '@laurel/platform';
import { studentStream, type CredentialIssued } from '@laurel/progression';
import type { Check, EmbeddedCredentialResult } from '@laurel/credentials';
import { Public, Roles } from '../auth/access';
import { RevokeAwardCommand, type RevokeAwardResult } from '../awards/revoke-award.handler';
import { Metadata } from '../http/request-metadata';
import { ReasonDto } from '../students/students.dto';
import { credentialAnswer, withoutJwtClaims } from './accept';
import { CredentialVerifier } from './credential-verifier';
import { verifyBodyHint } from './verify-body';
import { summarize, type VerifiedAbout } from './verify-summary';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface VerifyResponse {
  verified: boolean;
  /** One sentence: what was verified (which badge, by whom, to whom, until when), or the first check that failed and why. */
  summary: string;
  /** What a verified credential says, in the fields an employer reads first; absent when not verified. */
  about?: VerifiedAbout;
  checks: Check[];
  /** ClrCredential (portfolio) only: each credential it bundles, which badge it is, and whether it verified on its own. */
  embedded?: EmbeddedCredentialResult[];
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
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
  ) {}

  @Get(':id')
  @Public()
  @ApiOperation({
    summary:
      'An issued credential: the decoded OpenBadgeCredential for `Accept: application/json`, `application/ld+json`, `application/vc+ld+json` or `application/vc` (and by default), the VC-JWT for `application/jwt` or `application/vc+jwt`; 406 for anything else',
  })
  async get(@Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const issued = await this.issued(id);
    return credentialAnswer(accept, reply, 'a credential', issued.jwt, () => withoutJwtClaims(decodeJwt(issued.jwt)));
  }

  @Post('verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Verify a VC-JWT: a one-sentence summary, what a verified credential says (`about`), and every check by name (format, dataModel, schema, issuerKey, signature, claims, validityWindow, status; embeddedCredentials for a portfolio); 200 even when not verified',
    description: [
      'Takes the compact VC-JWT (a badge, a status list or a graduation portfolio): `{ "jwt": "<header>.<payload>.<signature>" }` as application/json, or the JWT itself as `application/jwt`.',
      'A credential sent as JSON (or as `application/vc`, `application/ld+json`) is not checked: 400 / 415 with code `VC_JWT_REQUIRED` saying where its JWT is; one signed with an embedded proof (Data Integrity) is told so, as this verifier checks VC-JWT signatures only.',
      '',
      '**Portfolios (CLR 2.0 ClrCredential).** A portfolio has no status entry of its own; it is only as good as the badges inside it.',
      'The `embeddedCredentials` check verifies every credential in `credentialSubject.verifiableCredential` on its own VC-JWT (its `JwtProof2020` proof):',
      "signature against the issuer's published key, claims, validity window and its status list entry, and that the embedded copy says what that JWT signed.",
      'A badge revoked after the portfolio was issued fails the portfolio: `embeddedCredentials` is `failed` with code `EMBEDDED_CREDENTIAL_REVOKED`',
      '(`EMBEDDED_CREDENTIAL_INVALID` for a forged, expired or altered one), its `errors` name each such badge, and `embedded` lists every',
      'credential (path, id, achievement id and name, verified, reason, its own checks). A portfolio downloaded after the revocation no longer holds that badge.',
    ].join('\n'),
  })
  @ApiConsumes('application/json', 'application/jwt')
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'object', properties: { jwt: { type: 'string', description: 'The compact VC-JWT' } }, required: ['jwt'] },
        { type: 'string', description: 'The compact VC-JWT, with Content-Type: application/jwt' },
      ],
    },
  })
  async verify(@Body() body: unknown): Promise<VerifyResponse> {
    const jwt = typeof body === 'string' ? body.trim() : isJwtBody(body) ? body.jwt.trim() : undefined;
    if (jwt === undefined || !COMPACT_JWS.test(jwt)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', code: 'VC_JWT_REQUIRED', message: verifyBodyHint(body) });
    }
    const result = await this.verifier.verify(jwt);
    const { verified, checks, embedded } = result;
    return { verified, ...summarize(result, this.config.issuer.id), checks, ...(embedded && { embedded }) };
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
