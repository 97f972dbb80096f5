import { ServiceConfig } from '@lib/config';

export class ReportingConfig extends ServiceConfig {
  override PORT: number = 3004;
}
