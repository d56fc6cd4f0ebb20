import { BadRequestException, Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/access';
import { credentialAnswer } from './accept';
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
      'A signed BitstringStatusListCredential (131,072 entries; a set bit = revoked): the VC-JWT for `Accept: application/jwt`, its payload for JSON or JSON-LD types (and by default); 406 for anything else',
  })
  async get(@Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!/^[1-9]\d{0,8}$/.test(id)) throw new BadRequestException(`status list id "${id.slice(0, 80)}" is not valid: lists are numbered 1, 2, ...`);
    const signed = await this.statusLists.signedList(id);
    if (!signed) throw new NotFoundException(`status list ${id} holds no credential yet`);
    const answer = credentialAnswer(accept, reply, 'a status list', signed.jwt, () => signed.credential);
    // Verifiers may cache it briefly; a revocation shows within this many seconds.
    void reply.header('cache-control', 'public, max-age=60');
    return answer;
  }
}
