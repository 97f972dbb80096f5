import { ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { HealthVisitsConfig } from './health-visits.config';

// Feature modules arrive with their own issue; until then the service stands up with health and docs.
@Module({
  imports: [ServiceCoreModule.forService({ service: 'health-visits', config: HealthVisitsConfig })],
})
export class HealthVisitsAppModule {}
