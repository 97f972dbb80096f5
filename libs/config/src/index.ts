export { ConfigError, loadConfig } from './load-config';
export { ServiceConfig } from './service-config';
export { ConfigModule } from './config.module';
