import { DynamicModule, Module } from '@nestjs/common';
import { loadConfig } from './load-config';

/** Provides one validated config object under its own class as the injection token. */
@Module({})
export class ConfigModule {
  static forRoot<T extends object>(schema: new () => T, env?: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: schema, useFactory: () => loadConfig(schema, env) }],
      exports: [schema],
    };
  }
}
