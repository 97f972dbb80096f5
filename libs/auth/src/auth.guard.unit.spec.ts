import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { Public, Roles } from './decorators';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET_DEFAULT, mintDevToken } from './dev-token';
import { principalOf } from './principal';
import { TokenVerifier } from './token-verifier';

class Routes {
  @Public()
  open(): void {}

  @Roles('centre-staff', 'centre-manager')
  centreOnly(): void {}

  undecorated(): void {}
}

function contextFor(handler: keyof Routes, authorization?: string) {
  const headers: Record<string, string> = {};
  const req = { headers: authorization ? { authorization } : {} };
  const res = { setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = v) };
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
  return { context, req, headers };
}

describe('AuthGuard', () => {
  const guard = new AuthGuard(
    new Reflector(),
    new TokenVerifier({
      mode: 'development',
      secret: DEV_SECRET_DEFAULT,
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
    }),
  );
  const bearer = async (roles: string[]) =>
    `Bearer ${await mintDevToken({ sub: 'amy', roles, centres: ['C1'] })}`;

  it('should let anyone through a public route', async () => {
    await expect(guard.canActivate(contextFor('open').context)).resolves.toBe(true);
  });

  it('should admit a matching role and attach the principal', async () => {
    const { context, req } = contextFor('centreOnly', await bearer(['centre-manager']));
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(principalOf(req)).toMatchObject({ subject: 'amy', centres: ['C1'] });
  });

  it('should answer 403 to a valid token with the wrong role', async () => {
    const { context } = contextFor('centreOnly', await bearer(['births-feed']));
    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(ForbiddenException);
  });

  it('should deny an undecorated route even to a valid token', async () => {
    const { context } = contextFor('undecorated', await bearer(['admin']));
    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(ForbiddenException);
  });

  it('should answer 401 with WWW-Authenticate when the token is missing or not a bearer', async () => {
    for (const header of [undefined, 'Basic YWxhZGRpbjpvcGVu', 'Bearer', 'Bearer a.b']) {
      const { context, headers } = contextFor('centreOnly', header);
      const error = await guard.canActivate(context).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnauthorizedException);
      expect((error as UnauthorizedException).getResponse()).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
      });
      expect(headers['www-authenticate']).toMatch(/^Bearer realm=/);
    }
  });
});
