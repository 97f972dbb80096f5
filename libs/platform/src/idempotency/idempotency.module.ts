import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { DEFAULT_TIMING } from './idempotency-record';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

export interface IdempotencyOptions {
  /** Collection of the records in the app's database (default `idempotency_keys`). */
  collection?: string;
  /**
   * How long a request may hold its key before it is presumed dead and the key may be taken
   * over (default 60 s). Handlers must finish well within it: one still running then may run
   * twice.
   */
  staleAfterMs?: number;
  /** How long an answer is replayed (default 24 h); older records count as absent. */
  expireAfterMs?: number;
}

export const DEFAULT_IDEMPOTENCY_COLLECTION = 'idempotency_keys';

/**
 * `Idempotency-Key` on every POST, PUT, PATCH and DELETE route of the app that imports it
 * (an APP_INTERCEPTOR; see IdempotencyInterceptor). Uses the app's default mongoose connection
 * (ServiceCoreModule's) and creates its collection at start-up. Import it once:
 * `IdempotencyModule.forRoot()`.
 */
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyOptions = {}): DynamicModule {
    const timing = {
      staleAfterMs: options.staleAfterMs ?? DEFAULT_TIMING.staleAfterMs,
      expireAfterMs: options.expireAfterMs ?? DEFAULT_TIMING.expireAfterMs,
    };
    return {
      module: IdempotencyModule,
      providers: [
        {
          provide: IdempotencyStore,
          inject: [getConnectionToken()],
          useFactory: async (connection: Connection) => {
            if (!connection.db)
              throw new Error('IdempotencyModule: the store connection is not open');
            const store = new IdempotencyStore(
              connection.db,
              options.collection ?? DEFAULT_IDEMPOTENCY_COLLECTION,
              timing,
            );
            await store.ensureCollection();
            return store;
          },
        },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [IdempotencyStore],
    };
  }
}
