import { ConfigModule, ServiceConfig } from '@lib/config';
import { HealthModule } from '@lib/health';
import { KafkaModule } from '@lib/kafka';
import { LoggingModule } from '@lib/logging';
import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PersonalDataModule } from '@lib/personal-data';
import { RequestHardeningModule } from './request-hardening.module';

export interface ServiceCoreOptions<C extends ServiceConfig> {
  /** births, health-visits, registrations or reporting: names the logger, Kafka client and default database. */
  service: string;
  config: new () => C;
}

/**
 * What every service stands on: validated config, redacting logger, its own database,
 * Kafka with contracts, /health, and the HTTP security (auth, rate limit, operator keys, audit). Apps import this once and add their feature modules.
 */
@Module({})
export class ServiceCoreModule {
  static forService<C extends ServiceConfig>(options: ServiceCoreOptions<C>): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        ConfigModule.forRoot(options.config),
        ...configAlias(options.config),
        LoggingModule.forRoot({ service: options.service }),
        MongooseModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({
            uri: config.MONGODB_URI,
            dbName: config.MONGODB_DB ?? options.service.replace(/-/g, '_'),
            // FerretDB 1.x builds only plain and unique indexes: we create them explicitly.
            autoIndex: false,
            autoCreate: false,
            serverSelectionTimeoutMS: 5000,
            // Mongoose wraps any `$…` object in a filter value in `$eq`: a deliberate operator in
            // a mongoose query must be `trusted()` (CentreScope.filter does this).
            sanitizeFilter: true,
          }),
        }),
        KafkaModule.forRoot({ service: options.service }),
        PersonalDataModule.forRoot(),
        HealthModule,
        RequestHardeningModule,
      ],
    };
  }
}

/** ServiceConfig is the token the shared libraries inject; it resolves to the app's own config. */
function configAlias(config: new () => ServiceConfig): DynamicModule[] {
  if (config === ServiceConfig) return [];
  return [
    {
      module: class ServiceConfigAlias {},
      global: true,
      providers: [{ provide: ServiceConfig, useExisting: config }],
      exports: [ServiceConfig],
    },
  ];
}
