import { ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { ContactsModule } from './contacts/contacts.module';
import { HealthVisitsConfig } from './health-visits.config';
import { ContactImportsModule } from './imports/contact-imports.module';

@Module({
  imports: [
    ServiceCoreModule.forService({ service: 'health-visits', config: HealthVisitsConfig }),
    ContactsModule,
    ContactImportsModule,
  ],
})
export class HealthVisitsAppModule {}
