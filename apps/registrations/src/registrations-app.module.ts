import { ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { RegistrationsConfig } from './registrations.config';

// Feature modules arrive with their own issue; until then the service stands up with health and docs.
@Module({
  imports: [
    ServiceCoreModule.forService({ service: 'registrations', config: RegistrationsConfig }),
  ],
})
export class RegistrationsAppModule {}
