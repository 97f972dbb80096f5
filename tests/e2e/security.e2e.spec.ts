import { AUDIT_COLLECTION, AuditRepository, type AuditRecord } from '@lib/audit';
import { CentreScope, IS_PUBLIC_KEY, mintDevToken, ROLES, ROLES_KEY, type Role } from '@lib/auth';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { Schema, type Connection } from 'mongoose';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import { RegistrationsAppModule } from '../../apps/registrations/src/registrations-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

interface RouteInfo {
  method: string;
  path: string;
  public: boolean;
  roles: Role[] | undefined;
}

/** Every route the Nest router knows, with its access metadata: new routes are covered as added. */
function routesOf(app: INestApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        const meta = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as
            T | undefined;
        routes.push({
          method: RequestMethod[method].toLowerCase(),
          path: `/${[base, path]
            .map((p) => p.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')}`,
          public: meta<boolean>(IS_PUBLIC_KEY) === true,
          roles: meta<Role[]>(ROLES_KEY),
        });
      }
    }
  }
  return routes;
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const nhsNumbers = new NhsNumberGenerator('test');

function call(server: unknown, route: RouteInfo, headers: Record<string, string>) {
  const url = route.path.replace(/:[A-Za-z]+/g, nhsNumbers.next());
  const req = request(server as never)
    [route.method as 'get'](url)
    .set(headers);
  return route.method === 'get' || route.method === 'delete' ? req : req.send({});
}

describe.each([
  ['births', BirthsAppModule],
  ['reporting', ReportingAppModule],
  ['registrations', RegistrationsAppModule],
  ['health-visits', HealthVisitsAppModule],
] as const)('%s: every route', (service, appModule) => {
  it('should be public on purpose or refuse bad tokens with 401 and wrong roles with 403', async () => {
    const sut = await startTestApp(appModule, service);
    try {
      const server = sut.app.getHttpServer();
      const routes = routesOf(sut.app);
      expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
        expect.arrayContaining(['get /health', 'get /health/live']),
      );
      // Open without a token: health, and Swagger (not a Nest route, so no guard applies).
      await request(server).get('/health/live').expect(200);
      await request(server).get('/docs').expect(200);
      const docs = await request(server).get('/docs-json').expect(200);
      expect(docs.body.components.securitySchemes).toEqual({
        bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      });

      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: 'intruder', roles: [...ROLES], centres: ['C1'], la: 'E06000045' };
      const badTokens: Record<string, string> = {
        expired: await mintDevToken(claims, { ttlSeconds: -300 }),
        'wrong signature': await mintDevToken(claims, { secret: 'x'.repeat(48) }),
        'wrong issuer': await mintDevToken(claims, { issuer: 'elsewhere' }),
        'wrong audience': await mintDevToken(claims, { audience: 'another-api' }),
        'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
          ...claims,
          iss: 'eyb-dev-issuer',
          aud: 'early-years-backbone',
          iat: now,
          exp: now + 600,
        })}.`,
      };

      for (const route of routes.filter((r) => !r.public)) {
        const name = `${route.method} ${route.path}`;
        // A route is open to roles it names, or to nobody: never open by omission.
        expect({ name, roles: route.roles }).toEqual({ name, roles: expect.any(Array) });

        const none = await call(server, route, {});
        expect({ name, status: none.status }).toEqual({ name, status: 401 });
        expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
        expect(none.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'a bearer token is required',
        });

        for (const [why, token] of Object.entries(badTokens)) {
          const res = await call(server, route, bearer(token));
          expect({ name, why, status: res.status }).toEqual({ name, why, status: 401 });
          expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
          expect(JSON.stringify(res.body)).not.toContain(token);
        }

        const otherRoles = ROLES.filter((r) => !(route.roles ?? []).includes(r));
        const wrongRole = await call(
          server,
          route,
          bearer(await mintDevToken({ sub: 'someone', roles: otherRoles, centres: ['C1'] })),
        );
        expect({ name, status: wrongRole.status }).toEqual({ name, status: 403 });
      }
    } finally {
      await sut.close();
    }
  });
});

describe('security of births and reporting', () => {
  let births: TestApp;
  let reporting: TestApp;
  let feed: Record<string, string>;
  let reader: Record<string, string>;
  const purpose = 'outreach follow-up after NBV';

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    reporting = await startTestApp(ReportingAppModule, 'reporting');
    feed = bearer(await mintDevToken({ sub: 'feed-1', roles: ['births-feed'], org: 'RX1' }));
    reader = bearer(
      await mintDevToken({
        sub: 'worker-7',
        roles: ['centre-staff'],
        la: 'E06000045',
        centres: ['C1', 'C2'],
        org: 'CC-NORTH',
      }),
    );
  });

  afterAll(async () => {
    await births?.close();
    await reporting?.close();
  });

  const auditOf = (app: TestApp, subjectId: string) =>
    app.app
      .get<Connection>(getConnectionToken())
      .collection<AuditRecord>(AUDIT_COLLECTION)
      .find({ subjectId })
      .toArray();

  describe('operator-like keys', () => {
    it('should refuse an operator in the body with 400 naming its path, before validation', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({ nhsNumber: { $ne: null }, birthDate: '2026-11-02', postcode: 'QX1 4ZZ' })
        .expect(400);
      expect(res.body.problems).toEqual([
        { field: 'nhsNumber.$ne', in: 'body', reason: 'operator-like keys are not allowed' },
      ]);
    });

    it('should refuse an own __proto__ key in the body', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .set('content-type', 'application/json')
        .send('{"nhsNumber":"9990000026","__proto__":{"admin":true}}')
        .expect(400);
      expect(res.body.problems).toEqual([
        expect.objectContaining({ field: '__proto__', in: 'body' }),
      ]);
    });

    it('should refuse an operator in the query with 400', async () => {
      const res = await request(births.app.getHttpServer())
        .get(`/births/${nhsNumbers.next()}?nhsNumber[$ne]=x`)
        .set(reader)
        .set('x-purpose', purpose)
        .expect(400);
      expect(res.body.problems).toEqual([
        { field: 'nhsNumber.$ne', in: 'query', reason: 'operator-like keys are not allowed' },
      ]);
    });

    it('should still ask for a token first', async () => {
      await request(births.app.getHttpServer())
        .post('/births')
        .send({ nhsNumber: { $ne: null } })
        .expect(401);
    });
  });

  describe('audited reads', () => {
    it('should record who read which birth, why and when, before answering', async () => {
      const nhsNumber = nhsNumbers.next();
      await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({ nhsNumber, birthDate: '2026-11-02', postcode: 'QX1 4ZZ' })
        .expect(201);
      const before = new Date();
      const res = await request(births.app.getHttpServer())
        .get(`/births/${nhsNumber}`)
        .set(reader)
        .set('x-purpose', purpose);
      // 200 today; 404 once births are scoped to centres and this child has none of C1, C2.
      expect([200, 404]).toContain(res.status);
      const records = await auditOf(births, nhsNumber);
      expect(records).toEqual([
        {
          _id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          at: expect.any(Date),
          sub: 'worker-7',
          roles: ['centre-staff'],
          org: 'CC-NORTH',
          la: 'E06000045',
          centres: ['C1', 'C2'],
          purpose,
          resource: 'birth',
          subjectId: nhsNumber,
          method: 'GET',
          route: '/births/:nhsNumber',
          outcome: res.status === 200 ? 'found' : 'not_found',
          correlationId: expect.any(String),
        },
      ]);
      expect(records[0].at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    });

    it('should audit a read that finds nothing', async () => {
      const nhsNumber = nhsNumbers.next();
      await request(reporting.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .set(reader)
        .set('x-purpose', purpose)
        .expect(404);
      expect(await auditOf(reporting, nhsNumber)).toEqual([
        expect.objectContaining({ resource: 'journey', outcome: 'not_found', sub: 'worker-7' }),
      ]);
    });

    it('should refuse a read without x-purpose with 400 naming the header, unaudited', async () => {
      const nhsNumber = nhsNumbers.next();
      const res = await request(reporting.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .set(reader)
        .expect(400);
      expect(res.body.problems).toEqual([expect.objectContaining({ field: 'x-purpose' })]);
      expect(res.body.message).toContain('x-purpose');
      expect(await auditOf(reporting, nhsNumber)).toEqual([]);
    });

    it('should answer 503 and send no data when the audit cannot be written', async () => {
      const nhsNumber = nhsNumbers.next();
      await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({ nhsNumber, birthDate: '2026-11-04', postcode: 'QX1 4ZZ' })
        .expect(201);
      // FerretDB has no permissions to revoke: the audit store's insert is made to fail.
      const insert = jest
        .spyOn(births.app.get(AuditRepository), 'insert')
        .mockRejectedValue(new Error('store unavailable'));
      try {
        const res = await request(births.app.getHttpServer())
          .get(`/births/${nhsNumber}`)
          .set(reader)
          .set('x-purpose', purpose)
          .expect(503);
        expect(res.body).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'audit unavailable; the read was not served',
        });
        expect(res.text).not.toContain(nhsNumber);
        expect(res.text).not.toContain('QX1');
        expect(insert).toHaveBeenCalledTimes(1);
      } finally {
        insert.mockRestore();
      }
    });
  });

  describe('the store', () => {
    it('should keep scoped and existing queries working with sanitizeFilter on FerretDB', async () => {
      const connection = births.app.get<Connection>(getConnectionToken());
      expect(connection.config).toMatchObject({ sanitizeFilter: true });
      const Probe = connection.model(
        'ScopeProbe',
        new Schema({ _id: String, nhsNumber: String, centreId: String, la: String }),
        'scope_probe',
      );
      await Probe.collection.insertMany([
        { _id: 'a', nhsNumber: '1', centreId: 'C1', la: 'E06000045' },
        { _id: 'b', nhsNumber: '2', centreId: 'C3', la: 'E06000045' },
        { _id: 'c', nhsNumber: '3', centreId: null, la: 'E06000045' },
      ] as never[]);
      const ids = async (filter: object) =>
        (await Probe.find(filter).lean<{ _id: string }[]>().exec()).map((d) => d._id).sort();
      const principal = { subject: 's', roles: ['centre-staff'] as Role[], la: 'E06000045' };
      const scope = CentreScope.of({ ...principal, centres: ['C1', 'C2'] });
      expect(await ids(scope.filter())).toEqual(['a']);
      expect(await ids(scope.filter({ nhsNumber: { $eq: '2' } }))).toEqual([]);
      expect(await ids(CentreScope.of({ ...principal, centres: [] }).filter())).toEqual([]);
      expect(await ids({ nhsNumber: { $eq: '3' } })).toEqual(['c']);
      // An injected operator is neutralised even if it got this far: wrapped in $eq, it fails
      // to cast (a 500, never a match).
      await expect(ids({ nhsNumber: { $ne: null } })).rejects.toThrow(/Cast to string failed/);
    });
  });
});

describe('rate limit', () => {
  it('should answer 429 with Retry-After past the limit, counting each caller apart', async () => {
    const sut = await startTestApp(BirthsAppModule, 'births', { RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const server = sut.app.getHttpServer();
      const as = async (sub: string) =>
        bearer(await mintDevToken({ sub, roles: ['centre-staff'], centres: ['C1'] }));
      const alice = await as('alice');
      for (let i = 0; i < 3; i++) {
        const res = await request(server).get('/births/9990000026').set(alice);
        expect(res.status).not.toBe(429);
      }
      const limited = await request(server).get('/births/9990000026').set(alice).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body).toMatchObject({ statusCode: 429 });
      // Another caller, even from the same address, has its own allowance.
      const bob = await request(server)
        .get('/births/9990000026')
        .set(await as('bob'));
      expect(bob.status).not.toBe(429);
      // Without a token, by address.
      for (let i = 0; i < 3; i++) await request(server).get('/health/live').expect(200);
      await request(server).get('/health/live').expect(429);
    } finally {
      await sut.close();
    }
  });
});
