import { ConfigError, loadConfig, ServiceConfig } from '@lib/config';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET_DEFAULT, mintDevToken } from './dev-token';
import { authSettingsFrom, TokenRejectedError, TokenVerifier } from './token-verifier';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('TokenVerifier (development key)', () => {
  const verifier = new TokenVerifier({
    mode: 'development',
    secret: DEV_SECRET_DEFAULT,
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
  });
  const claims = { sub: 'amy', roles: ['centre-staff'], la: 'E06000045', centres: ['C1', 'C2'] };

  const rejected = async (token: string): Promise<string> => {
    const error = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenRejectedError);
    const message = (error as Error).message;
    expect(message).not.toContain(token);
    return message;
  };

  it('should turn a valid token into a principal', async () => {
    const principal = await verifier.verify(await mintDevToken({ ...claims, org: 'ORG1' }));
    expect(principal).toEqual({
      subject: 'amy',
      roles: ['centre-staff'],
      la: 'E06000045',
      centres: ['C1', 'C2'],
      org: 'ORG1',
    });
  });

  it('should ignore unknown role names and default centres to none', async () => {
    const principal = await verifier.verify(
      await mintDevToken({ sub: 'x', roles: ['root', 'la-analyst'] }),
    );
    expect(principal.roles).toEqual(['la-analyst']);
    expect(principal.centres).toEqual([]);
  });

  it('should refuse an expired token', async () => {
    expect(await rejected(await mintDevToken(claims, { ttlSeconds: -120 }))).toBe(
      'token has expired',
    );
  });

  it('should refuse a token signed with another key', async () => {
    const token = await mintDevToken(claims, { secret: 'another-secret-another-secret-another' });
    expect(await rejected(token)).toBe('token signature is not valid');
  });

  it('should refuse alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
      ...claims,
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      iat: now,
      exp: now + 600,
    })}.`;
    expect(await rejected(token)).toBe('token algorithm is not allowed');
  });

  it('should refuse an RS256 token where HS256 is expected (no algorithm confusion)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await rejected(token)).toBe('token algorithm is not allowed');
  });

  it('should refuse the wrong issuer or audience', async () => {
    expect(await rejected(await mintDevToken(claims, { issuer: 'someone-else' }))).toBe(
      'token iss claim is not acceptable',
    );
    expect(await rejected(await mintDevToken(claims, { audience: 'another-api' }))).toBe(
      'token aud claim is not acceptable',
    );
  });

  it('should refuse a token without a roles claim or with malformed claims', async () => {
    expect(await rejected(await mintDevToken({ sub: 'x' } as never))).toMatch(/no roles claim/);
    expect(await rejected(await mintDevToken({ sub: 'x', roles: 'admin' } as never))).toMatch(
      /no roles claim/,
    );
    expect(await rejected(await mintDevToken({ ...claims, la: 'nowhere' }))).toMatch(/la claim/);
    expect(await rejected(await mintDevToken({ ...claims, centres: 'C1' } as never))).toMatch(
      /centres claim/,
    );
  });

  it('should refuse garbage', async () => {
    expect(await rejected('not-a-token')).toBe('token is malformed');
  });
});

describe('TokenVerifier (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('should accept an ES256 token from the issuer and refuse an HS256 one', async () => {
    const verifier = new TokenVerifier({ mode: 'jwks', jwksUrl, issuer: 'idp', audience: 'eyb' });
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('ops')
      .setIssuer('idp')
      .setAudience('eyb')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verifier.verify(token)).resolves.toMatchObject({
      subject: 'ops',
      roles: ['admin'],
    });
    const hs = await mintDevToken(
      { sub: 'ops', roles: ['admin'] },
      { issuer: 'idp', audience: 'eyb' },
    );
    await expect(verifier.verify(hs)).rejects.toThrow('token algorithm is not allowed');
  });
});

describe('authentication settings', () => {
  const base = {
    PORT: '3001',
    KAFKA_BROKERS: '127.0.0.1:9092',
    MONGODB_URI: 'mongodb://127.0.0.1/',
  };

  it('should refuse to start in production without JWKS, issuer and audience', () => {
    expect(() => loadConfig(ServiceConfig, { ...base, NODE_ENV: 'production' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig(ServiceConfig, { ...base, NODE_ENV: 'production' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(
        expect.arrayContaining([
          'AUTH_JWKS_URL: is required',
          'AUTH_ISSUER: is required',
          'AUTH_AUDIENCE: is required',
        ]),
      );
    }
    expect(() => authSettingsFrom({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL is required/);
  });

  it('should refuse a development secret or a plain-http JWKS in production', () => {
    const env = {
      ...base,
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'http://idp.example/jwks',
      AUTH_ISSUER: 'idp',
      AUTH_AUDIENCE: 'eyb',
      AUTH_DEV_SECRET: 'x'.repeat(40),
    };
    expect(() => loadConfig(ServiceConfig, env)).toThrow(/AUTH_JWKS_URL must be an https/);
    expect(() => loadConfig(ServiceConfig, env)).toThrow(/AUTH_DEV_SECRET must not be set/);
  });

  it('should use JWKS in production and the development key elsewhere', () => {
    // Other production settings are other libraries' business: only the auth ones here.
    const prod = {
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'idp',
      AUTH_AUDIENCE: 'eyb',
    } as ServiceConfig;
    expect(authSettingsFrom(prod)).toEqual({
      mode: 'jwks',
      jwksUrl: 'https://idp.example/jwks',
      issuer: 'idp',
      audience: 'eyb',
    });
    expect(authSettingsFrom(loadConfig(ServiceConfig, { ...base, NODE_ENV: 'test' }))).toEqual({
      mode: 'development',
      secret: DEV_SECRET_DEFAULT,
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
    });
  });
});
