import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp } from '@lib/platform';

export interface TestApp {
  app: NestExpressApplication;
  database: string;
  close(): Promise<void>;
}

/**
 * Boots a real service app (real Kafka, real store from the global setup) with its own fresh
 * database and consumer-group prefix, so test files never see each other's data.
 */
export async function startTestApp(
  appModule: Type<unknown>,
  service: string,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const runId = randomUUID().slice(0, 8);
  const database = `test_${service.replace(/-/g, '_')}_${runId}`;
  const overrides: Record<string, string> = {
    PORT: '1',
    MONGODB_DB: database,
    KAFKA_GROUP_PREFIX: `test-${runId}.`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    // Tests poll; the security test lowers it to see the 429.
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  };
  // Config is read from the environment while the module is created; set it for that moment only.
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  Object.assign(process.env, overrides);
  let app: NestExpressApplication;
  try {
    app = await createServiceApp(appModule, {
      title: service,
      description: `${service} under test`,
    });
    await app.init();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { app, database, close: () => app.close() };
}

/** Polls until `probe` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts the app's HTTP server on a free port of 127.0.0.1 (for clients outside supertest). */
export async function listenOnFreePort(app: TestApp): Promise<void> {
  await new Promise<void>((resolve) => app.app.getHttpServer().listen(0, '127.0.0.1', resolve));
}

/** The base URL of an app started with listenOnFreePort. */
export function urlOf(app: TestApp): string {
  return `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;
}

/** A port free on 127.0.0.1 now (for an app started as its own process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
