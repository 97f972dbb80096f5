import { ServiceConfig } from '@lib/config';
import { EventProducer } from '@lib/kafka';
import { ROOT_LOGGER } from '@lib/logging';
import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import mongoose, { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { PersonalDataCipher } from './personal-data-cipher';
import { PersonalDataReader } from './personal-data-reader';
import { Pseudonymiser } from './pseudonymiser';
import { personalDataSettings, type PersonalDataSettings } from './settings';
import { SubjectErasure } from './subject-erasure';
import { SubjectKeyStore } from './subject-key-store';

/** Injection token of the key store's own mongoose connection (database KEYSTORE_DB). */
export const KEYSTORE_CONNECTION = 'PersonalData.KeystoreConnection';
const SETTINGS = 'PersonalData.Settings';

export interface PersonalDataModuleOptions {
  /** How long an unwrapped key stays in memory; 0 turns the key cache off. Default 60 s. */
  cacheTtlMs?: number;
  /** Default 10,000 keys. */
  cacheMaxEntries?: number;
}

/** Closes the key store connection after consumers stopped (they stop in beforeApplicationShutdown). */
@Injectable()
class KeystoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KEYSTORE_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * Crypto-shredding for a service (global): the shared subject key store on its own connection to
 * KEYSTORE_DB, the cipher for `personal`, erasure, the reader for projections and the
 * pseudonymiser. Needs ServiceConfig, ROOT_LOGGER and EventProducer (ServiceCoreModule).
 */
@Module({})
export class PersonalDataModule {
  static forRoot(options: PersonalDataModuleOptions = {}): DynamicModule {
    return {
      module: PersonalDataModule,
      global: true,
      providers: [
        {
          provide: SETTINGS,
          inject: [ServiceConfig, ROOT_LOGGER],
          useFactory: (config: ServiceConfig, logger: Logger): PersonalDataSettings => {
            const settings = personalDataSettings(config);
            if (settings.developmentDefaults) {
              logger.warn(
                { component: 'personal-data' },
                'key store uses built-in development secrets (KEYSTORE_MASTER_KEY or PSEUDONYM_SECRET unset)',
              );
            }
            return settings;
          },
        },
        {
          provide: KEYSTORE_CONNECTION,
          inject: [ServiceConfig, SETTINGS],
          useFactory: (config: ServiceConfig, settings: PersonalDataSettings) =>
            mongoose
              .createConnection(config.MONGODB_URI, {
                dbName: settings.keystoreDb,
                autoIndex: false,
                autoCreate: false,
                serverSelectionTimeoutMS: 5000,
              })
              .asPromise(),
        },
        {
          provide: SubjectKeyStore,
          inject: [KEYSTORE_CONNECTION, SETTINGS],
          useFactory: async (connection: Connection, settings: PersonalDataSettings) => {
            const store = new SubjectKeyStore(connection.getClient().db(settings.keystoreDb), {
              masterKey: settings.masterKey,
              pseudonymSecret: settings.pseudonymSecret,
              cacheTtlMs: options.cacheTtlMs,
              cacheMaxEntries: options.cacheMaxEntries,
            });
            await store.init();
            return store;
          },
        },
        {
          provide: Pseudonymiser,
          inject: [SETTINGS],
          useFactory: (settings: PersonalDataSettings) =>
            new Pseudonymiser(settings.pseudonymSecret),
        },
        {
          provide: PersonalDataCipher,
          inject: [SubjectKeyStore],
          useFactory: (keys: SubjectKeyStore) => new PersonalDataCipher(keys),
        },
        {
          provide: PersonalDataReader,
          inject: [PersonalDataCipher, SubjectKeyStore],
          useFactory: (cipher: PersonalDataCipher, keys: SubjectKeyStore) =>
            new PersonalDataReader(cipher, keys),
        },
        {
          provide: SubjectErasure,
          inject: [SubjectKeyStore, EventProducer, ROOT_LOGGER],
          useFactory: (keys: SubjectKeyStore, producer: EventProducer, logger: Logger) =>
            new SubjectErasure(keys, producer, logger.child({ component: 'erasure' })),
        },
        KeystoreLifecycle,
      ],
      exports: [
        KEYSTORE_CONNECTION,
        SubjectKeyStore,
        Pseudonymiser,
        PersonalDataCipher,
        PersonalDataReader,
        SubjectErasure,
      ],
    };
  }
}
