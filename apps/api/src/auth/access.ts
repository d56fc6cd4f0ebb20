import { SetMetadata } from '@nestjs/common';
import type { Role } from '@laurel/platform';

export const PUBLIC_KEY = 'laurel:public';
export const ROLES_KEY = 'laurel:roles';
export const OWNER_PARAM_KEY = 'laurel:owner-param';

/** No token needed: verification endpoints, keys, health. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Roles allowed to call the handler; `admin` is always allowed. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Students may call the handler only for themselves: the route parameter
 * `param` must equal the token's `sub`. Other roles listed in `@Roles` pass.
 */
export const OwnStudent = (param = 'id') => SetMetadata(OWNER_PARAM_KEY, param);
