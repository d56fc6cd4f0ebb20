import { Body, ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { PublicJwk } from '@laurel/credentials';
import { SigningKeys, SigningKeysError, type RotationResult } from '@laurel/platform';
import { Public, Roles } from '../auth/access';

export class RotateKeyDto {
  @ApiPropertyOptional({ enum: ['RS256', 'ES256'], description: 'Default: LAUREL_SIGNING_ALG' })
  @IsOptional()
  @IsIn(['RS256', 'ES256'], { message: 'alg must be RS256 or ES256' })
  alg?: 'RS256' | 'ES256';
}

/** The issuer's public keys: what verifiers check credential signatures against. */
@ApiTags('keys')
@Controller()
export class KeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('.well-known/jwks.json')
  @Public()
  @ApiOperation({ summary: 'Every credential signing key ever used (JWK Set, application/jwk-set+json)' })
  async jwks(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ keys: PublicJwk[] }> {
    void reply.header('content-type', 'application/jwk-set+json').header('cache-control', 'public, max-age=300');
    return this.keys.jwks();
  }

  @Get('keys/:kid')
  @Public()
  @ApiOperation({ summary: 'One public key: a credential header `kid` is this URL' })
  async key(@Param('kid') kid: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<PublicJwk> {
    const key = /^[A-Za-z0-9_-]{20,100}$/.test(kid) ? await this.keys.publicKey(kid) : undefined;
    if (!key) throw new NotFoundException(`no signing key ${kid.slice(0, 100)} is published here; see /.well-known/jwks.json`);
    void reply.header('content-type', 'application/jwk+json').header('cache-control', 'public, max-age=3600');
    return key;
  }

  @Post('keys/rotate')
  @HttpCode(201)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Start signing with a new key; earlier keys stay published so earlier credentials still verify' })
  async rotate(@Body() body: RotateKeyDto): Promise<RotationResult> {
    try {
      return await this.keys.rotate(body.alg);
    } catch (err) {
      if (err instanceof SigningKeysError && err.code === 'ROTATION_UNAVAILABLE')
        throw new ConflictException({ code: err.code, message: err.message });
      throw err;
    }
  }
}
