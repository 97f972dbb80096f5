import { ServiceConfig } from '@lib/config';

export class HealthVisitsConfig extends ServiceConfig {
  override PORT: number = 3003;
}
