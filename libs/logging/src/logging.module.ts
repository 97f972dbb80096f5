import { ServiceConfig } from '@lib/config';
import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppLogger, createLogger } from './logger';

/** Injection token of the process's root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Module({})
export class LoggingModule {
  static forRoot(options: { service: string }): DynamicModule {
    return {
      module: LoggingModule,
      global: true,
      providers: [
        {
          provide: ROOT_LOGGER,
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) =>
            createLogger({ service: options.service, level: config.LOG_LEVEL }),
        },
        {
          provide: AppLogger,
          inject: [ROOT_LOGGER],
          useFactory: (logger: Logger) => new AppLogger(logger),
        },
      ],
      exports: [ROOT_LOGGER, AppLogger],
    };
  }
}
