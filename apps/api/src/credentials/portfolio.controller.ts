import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ClrCredential } from '@laurel/credentials';
import { OwnStudent, Roles } from '../auth/access';
import { StudentIdPipe } from '../students/student-id.pipe';
import { prefersJwt } from './accept';
import { Portfolios } from './portfolios';

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
      'The graduation portfolio: a signed CLR 2.0 ClrCredential with every unrevoked badge credential and the levels as associations (JWT or JSON by Accept)',
  })
  async portfolio(
    @Param('id', StudentIdPipe) studentId: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | ClrCredential> {
    const { clr, jwt } = await this.portfolios.build(studentId);
    if (prefersJwt(accept)) {
      void reply.header('content-type', 'application/jwt');
      return jwt;
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return clr;
  }
}
