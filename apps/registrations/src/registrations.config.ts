import { ServiceConfig } from '@lib/config';

export class RegistrationsConfig extends ServiceConfig {
  override PORT: number = 3002;
}
