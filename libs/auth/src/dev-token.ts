import { SignJWT } from 'jose';
import type { Role } from './roles';

/**
 * The development key: HS256 with a shared secret, used only when NODE_ENV is not production
 * (production verifies RS256/ES256 tokens against the issuer's JWKS and refuses AUTH_DEV_SECRET).
 * A fixed default lets `npm run token` mint tokens that a separately running app accepts.
 */
export const DEV_SECRET_DEFAULT = 'eyb-development-only-hs256-secret-never-used-in-production';
export const DEV_ISSUER = 'eyb-dev-issuer';
export const DEV_AUDIENCE = 'early-years-backbone';
export const DEV_ALGORITHM = 'HS256';

export interface DevTokenClaims {
  sub?: string;
  roles: Role[] | string[];
  la?: string;
  centres?: string[];
  org?: string;
  /** Anything else, e.g. to test how odd claims are treated. */
  [claim: string]: unknown;
}

export interface DevTokenOptions {
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Lifetime in seconds from now; negative gives an already expired token. Default 3600. */
  ttlSeconds?: number;
}

/** Mints a token the development verifier accepts (tests and `npm run token`). */
export async function mintDevToken(
  claims: DevTokenClaims,
  options: DevTokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const ttl = options.ttlSeconds ?? 3600;
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: DEV_ALGORITHM, typ: 'JWT' })
    .setSubject(sub ?? 'dev-user')
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    .setIssuedAt(ttl < 0 ? now + ttl - 60 : now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(options.secret ?? DEV_SECRET_DEFAULT));
}
