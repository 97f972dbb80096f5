import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import { RegistrationsAppModule } from '../../apps/registrations/src/registrations-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { startTestApp } from '../support/test-app';

jest.setTimeout(120_000);

// Every app stands up on real Kafka and a real store, says it is ready, and documents its API.
describe.each([
  ['births', BirthsAppModule, '/births'],
  ['registrations', RegistrationsAppModule, null],
  ['health-visits', HealthVisitsAppModule, null],
  ['reporting', ReportingAppModule, '/journeys/{nhsNumber}'],
] as const)('%s app', (service, appModule, documentedPath) => {
  it('should be ready with the store and Kafka up, serve Swagger and set security headers', async () => {
    const sut = await startTestApp(appModule, service);
    try {
      const server = sut.app.getHttpServer();
      const health = await request(server).get('/health').expect(200);
      expect(health.body).toMatchObject({
        status: 'ok',
        info: { store: { status: 'up' }, kafka: { status: 'up', brokers: 1 } },
      });
      await request(server).get('/health/live').expect(200, { status: 'ok' });

      const docs = (await request(server).get('/docs-json').expect(200)).body as {
        info: { title: string };
        paths: Record<string, unknown>;
      };
      expect(docs.info.title).toBe(service);
      expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/health', '/health/live']));
      if (documentedPath) expect(Object.keys(docs.paths)).toContain(documentedPath);
      const ui = await request(server).get('/docs').expect(200);
      expect(ui.text).toContain('swagger-ui');

      expect(health.headers['x-content-type-options']).toBe('nosniff');
      expect(health.headers['x-powered-by']).toBeUndefined();
      await request(server).get('/no-such-route').expect(404);
    } finally {
      await sut.close();
    }
  });
});
