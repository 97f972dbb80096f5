import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { CentreScope } from './centre-scope';
import { principalOf, type Principal } from './principal';
import type { Role } from './roles';

export const IS_PUBLIC_KEY = 'eyb:auth:public';
export const ROLES_KEY = 'eyb:auth:roles';

/** Open without a token (health, docs, published figures). Every other route needs @Roles. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** A verified token carrying any of these roles. */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

function requirePrincipal(ctx: ExecutionContext): Principal {
  const principal = principalOf(ctx.switchToHttp().getRequest<object>());
  // Only reachable when a route uses the decorator without @Roles: a programming error.
  if (!principal) throw new Error('no verified principal on this route; is it @Roles(...)?');
  return principal;
}

/** The verified caller (routes with @Roles only). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => requirePrincipal(ctx),
);

/** The verified caller's centre scope (routes with @Roles only). */
export const CurrentCentreScope = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): CentreScope => CentreScope.of(requirePrincipal(ctx)),
);
