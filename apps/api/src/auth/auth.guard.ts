import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@laurel/platform';
import type { LaurelRequest } from '../http/request-metadata';
import { OWNER_PARAM_KEY, PUBLIC_KEY, ROLES_KEY } from './access';
import { TokenRejected, TokenVerifier } from './token-verifier';

/**
 * Every route needs a valid bearer token unless marked `@Public()`. The
 * caller's roles must include one listed by `@Roles` (admin always passes);
 * a student reaches only their own data (`@OwnStudent`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<LaurelRequest & { params: Record<string, string> }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedException('missing bearer token: send Authorization: Bearer <token>');
    try {
      request.caller = await this.verifier.verify(match[1]);
    } catch (err) {
      if (err instanceof TokenRejected) throw new UnauthorizedException(err.message);
      throw err;
    }
    const { roles, sub } = request.caller;
    if (roles.includes('admin')) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenException(`this needs one of the roles ${[...allowed, 'admin'].join(', ')}; your token has ${roles.join(', ') || 'none'}`);
    }
    const ownerParam = this.reflector.getAllAndOverride<string | undefined>(OWNER_PARAM_KEY, targets);
    const privileged = roles.some((r) => r !== 'student' && allowed.includes(r));
    if (ownerParam && !privileged && request.params[ownerParam] !== sub) {
      throw new ForbiddenException('students may only see and act on their own records');
    }
    return true;
  }
}
