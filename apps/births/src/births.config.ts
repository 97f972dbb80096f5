import { ServiceConfig } from '@lib/config';

export class BirthsConfig extends ServiceConfig {
  override PORT: number = 3001;
}
