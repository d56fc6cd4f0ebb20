import {
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { Redis } from 'ioredis';
import { LAUREL_CONFIG, REDIS, type LaurelConfig, type Role } from '@laurel/platform';
import { RateLimiter } from '../http/rate-limit';
import type { Caller, LaurelRequest } from '../http/request-metadata';
import { OWNER_PARAM_KEY, PUBLIC_KEY, ROLES_KEY } from './access';
import { KeysUnavailable, TokenRejected, TokenVerifier } from './token-verifier';

/**
 * Every route needs a valid bearer token unless marked `@Public()`. The
 * caller's roles must include one listed by `@Roles` (admin always passes);
 * a student reaches only their own data (`@OwnStudent`). Each caller is
 * rate limited: by token subject once the token is verified, else by IP (so
 * floods of bad tokens are limited too).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(REDIS) redis: Redis,
    @Inject(LAUREL_CONFIG) config: LaurelConfig,
  ) {
    this.limiter = new RateLimiter(redis, config.redisPrefix, config.rateLimitPerMinute);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const http = context.switchToHttp();
    const request = http.getRequest<LaurelRequest & { params: Record<string, string> }>();
    const reply = http.getResponse<FastifyReply>();
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      await this.limiter.take(`ip:${request.ip}`, reply);
      return true;
    }
    let caller: Caller;
    try {
      caller = await this.authenticate(request.headers.authorization);
    } catch (err) {
      await this.limiter.take(`ip:${request.ip}`, reply);
      if (err instanceof UnauthorizedException) {
        const challenge = request.headers.authorization ? `Bearer error="invalid_token", error_description="${err.message}"` : 'Bearer';
        void reply.header('www-authenticate', challenge);
      }
      throw err;
    }
    await this.limiter.take(`sub:${caller.sub}`, reply);
    request.caller = caller;
    const { roles, sub } = caller;
    if (roles.includes('admin')) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!roles.some((r) => allowed.includes(r))) {
      const needed = [...new Set([...allowed, 'admin'])];
      throw new ForbiddenException(
        `this needs ${needed.length === 1 ? 'the role' : 'one of the roles'} ${needed.join(', ')}; your token has ${roles.join(', ') || 'none'}`,
      );
    }
    const ownerParam = this.reflector.getAllAndOverride<string | undefined>(OWNER_PARAM_KEY, targets);
    const privileged = roles.some((r) => r !== 'student' && allowed.includes(r));
    if (ownerParam && !privileged && request.params[ownerParam] !== sub) {
      throw new ForbiddenException(
        `your token is for student ${sub}, not ${request.params[ownerParam] ?? ''}: a student may only see and act on their own records (/students/${sub}/...)`,
      );
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Caller> {
    if (!header) throw new UnauthorizedException('missing bearer token: send Authorization: Bearer <token>');
    const match = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedException('malformed authorization header: send Authorization: Bearer <token>');
    try {
      return await this.verifier.verify(match[1]);
    } catch (err) {
      if (err instanceof TokenRejected) throw new UnauthorizedException(err.message);
      if (err instanceof KeysUnavailable) throw new ServiceUnavailableException(`${err.message}; try again shortly`);
      throw err;
    }
  }
}
