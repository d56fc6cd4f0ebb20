import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ClrCredential } from '@laurel/credentials';
import { OwnStudent, Roles } from '../auth/access';
import { StudentIdPipe } from '../students/student-id.pipe';
import { credentialAnswer } from './accept';
import { PORTFOLIO_VALIDITY_DAYS, Portfolios } from './portfolios';

@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class PortfolioController {
  constructor(private readonly portfolios: Portfolios) {}

  @Get(':id/portfolio')
  @Roles('student', 'coordinator')
  @OwnStudent('id')
  @ApiOperation({
    summary:
      'The graduation portfolio: a signed CLR 2.0 ClrCredential with every badge credential neither revoked nor expired and the levels as associations (JWT or JSON by Accept)',
    description: [
      'Assembled when asked: badges revoked or expired by then are left out (an expired one would fail `embeddedCredentials`). Each badge inside keeps its own VC-JWT (a `JwtProof2020` proof) with its status list entry;',
      'the portfolio itself has no status entry (the CLR 2.0 schema allows none that can be checked) and is valid for ' +
        `${PORTFOLIO_VALIDITY_DAYS} days (\`validUntil\`, JWT \`exp\`), or until the first badge inside expires if sooner.`,
      'A badge revoked after the download: `POST /credentials/verify` on the portfolio JWT fails `embeddedCredentials` (code `EMBEDDED_CREDENTIAL_REVOKED`) and names the badge;',
      'verifiers that do not check embedded credentials see the portfolio expire. Every URL in it (issuer, achievements, levels, competencies, status lists, keys) answers without a token.',
    ].join('\n'),
  })
  async portfolio(
    @Param('id', StudentIdPipe) studentId: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | ClrCredential> {
    const { clr, jwt } = await this.portfolios.build(studentId);
    return credentialAnswer(accept, reply, 'a portfolio', jwt, () => clr);
  }
}
