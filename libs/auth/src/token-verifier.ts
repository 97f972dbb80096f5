import type { ServiceConfig } from '@lib/config';
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { DEV_ALGORITHM, DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET_DEFAULT } from './dev-token';
import type { Principal } from './principal';
import { isRole } from './roles';

/** Why a token was refused; the message never contains the token. */
export class TokenRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRejectedError';
  }
}

export type AuthSettings =
  | { mode: 'jwks'; jwksUrl: string; issuer: string; audience: string }
  | { mode: 'development'; secret: string; issuer: string; audience: string };

/** Asymmetric algorithms only in production: no `none`, no HMAC (no algorithm confusion). */
export const PRODUCTION_ALGORITHMS = ['RS256', 'ES256'] as const;
const CLOCK_TOLERANCE_SECONDS = 5;
const LA_CODE = /^[EWSN][0-9]{8}$/;

/** Production needs the issuer's JWKS, issuer and audience; anywhere else the development key. */
export function authSettingsFrom(
  config: Pick<
    ServiceConfig,
    'NODE_ENV' | 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_DEV_SECRET'
  >,
): AuthSettings {
  if (config.NODE_ENV === 'production') {
    const missing = (['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const).filter(
      (k) => !config[k],
    );
    if (missing.length > 0 || config.AUTH_DEV_SECRET) {
      throw new Error(
        `authentication is not configured for production: ${[
          ...missing.map((k) => `${k} is required`),
          ...(config.AUTH_DEV_SECRET ? ['AUTH_DEV_SECRET must not be set'] : []),
        ].join('; ')}`,
      );
    }
    return {
      mode: 'jwks',
      jwksUrl: config.AUTH_JWKS_URL!,
      issuer: config.AUTH_ISSUER!,
      audience: config.AUTH_AUDIENCE!,
    };
  }
  if (config.AUTH_JWKS_URL) {
    return {
      mode: 'jwks',
      jwksUrl: config.AUTH_JWKS_URL,
      issuer: config.AUTH_ISSUER ?? DEV_ISSUER,
      audience: config.AUTH_AUDIENCE ?? DEV_AUDIENCE,
    };
  }
  return {
    mode: 'development',
    secret: config.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT,
    issuer: config.AUTH_ISSUER ?? DEV_ISSUER,
    audience: config.AUTH_AUDIENCE ?? DEV_AUDIENCE,
  };
}

/** Verifies bearer tokens and turns their claims into a Principal. */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly options: JWTVerifyOptions;

  constructor(readonly settings: AuthSettings) {
    this.key =
      settings.mode === 'jwks'
        ? createRemoteJWKSet(new URL(settings.jwksUrl))
        : new TextEncoder().encode(settings.secret);
    this.options = {
      algorithms: settings.mode === 'jwks' ? [...PRODUCTION_ALGORITHMS] : [DEV_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      // Two overloads (key or key function); both accept what `this.key` holds.
      payload =
        this.key instanceof Uint8Array
          ? (await jwtVerify(token, this.key, this.options)).payload
          : (await jwtVerify(token, this.key, this.options)).payload;
    } catch (error) {
      throw new TokenRejectedError(describeJoseError(error));
    }
    return principalFromClaims(payload);
  }
}

/** Checks the claims we rely on; a token whose claims are malformed is refused, not trimmed. */
export function principalFromClaims(payload: JWTPayload): Principal {
  const { sub, roles, la, centres, org } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.trim() === '') {
    throw new TokenRejectedError('token has no subject');
  }
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) {
    throw new TokenRejectedError('token has no roles claim (an array of role names)');
  }
  if (la !== undefined && (typeof la !== 'string' || !LA_CODE.test(la))) {
    throw new TokenRejectedError('token la claim is not a local authority code');
  }
  if (
    centres !== undefined &&
    (!Array.isArray(centres) || !centres.every((c) => typeof c === 'string' && c.length > 0))
  ) {
    throw new TokenRejectedError('token centres claim is not an array of centre ids');
  }
  if (org !== undefined && (typeof org !== 'string' || org.trim() === '')) {
    throw new TokenRejectedError('token org claim is not an organisation code');
  }
  return Object.freeze({
    subject: sub,
    // Unknown role names grant nothing.
    roles: Object.freeze([...new Set(roles.filter(isRole))]),
    ...(la !== undefined ? { la: la } : {}),
    centres: Object.freeze([...new Set((centres as string[] | undefined) ?? [])]),
    ...(org !== undefined ? { org: org } : {}),
  });
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `token ${error.claim} claim is not acceptable`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'token signature is not valid';
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'token signing key is not known';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSENotSupported) {
    return 'token could not be verified';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'token is malformed';
  }
  return 'token could not be verified';
}
