import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
import { attachPrincipal } from './principal';
import type { Role } from './roles';
import { TokenRejectedError, TokenVerifier } from './token-verifier';

const REALM = 'early-years-backbone';
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;
const MAX_TOKEN_LENGTH = 8192;

/**
 * Global guard: every route is denied unless it is @Public() or the caller's verified token
 * carries one of its @Roles(). A route with neither is denied to everyone (fail closed).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers are not HTTP routes.
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);

    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const header = req.headers.authorization;
    if (!header) throw unauthorized(res, 'a bearer token is required', false);
    const match = header.length <= MAX_TOKEN_LENGTH ? BEARER.exec(header) : null;
    if (!match) throw unauthorized(res, 'the authorization header is not a bearer token', true);

    let principal;
    try {
      principal = await this.verifier.verify(match[1]);
    } catch (error) {
      const why =
        error instanceof TokenRejectedError ? error.message : 'token could not be verified';
      throw unauthorized(res, why, true);
    }
    attachPrincipal(req, principal);

    if (!required || required.length === 0) {
      throw forbidden('this route is not open to any role');
    }
    if (!principal.roles.some((r) => required.includes(r))) {
      throw forbidden(`this route needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}

function unauthorized(
  res: Response,
  message: string,
  invalidToken: boolean,
): UnauthorizedException {
  res.setHeader(
    'WWW-Authenticate',
    invalidToken ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`,
  );
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });
}
