import { BadRequestException, Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/access';
import { prefersJwt } from './accept';
import { StatusLists } from './status-lists';

/** The revocation lists credentials point at (`credentialStatus.statusListCredential`). */
@ApiTags('credentials')
@Controller('status-lists')
export class StatusListsController {
  constructor(private readonly statusLists: StatusLists) {}

  @Get(':id')
  @Public()
  @ApiOperation({
    summary:
      'A signed BitstringStatusListCredential (131,072 entries; a set bit = revoked): the VC-JWT for `Accept: application/jwt`, its payload otherwise',
  })
  async get(@Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!/^[1-9]\d{0,8}$/.test(id)) throw new BadRequestException(`status list id "${id.slice(0, 80)}" is not valid: lists are numbered 1, 2, ...`);
    const signed = await this.statusLists.signedList(id);
    if (!signed) throw new NotFoundException(`status list ${id} holds no credential yet`);
    // Verifiers may cache it briefly; a revocation shows within this many seconds.
    void reply.header('cache-control', 'public, max-age=60');
    if (prefersJwt(accept)) {
      void reply.header('content-type', 'application/jwt');
      return signed.jwt;
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return signed.credential;
  }
}
