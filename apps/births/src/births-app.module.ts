import { ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { BirthsConfig } from './births.config';
import { BirthsModule } from './births/births.module';
import { GeographyModule } from './geography/geography.module';
import { BirthImportsModule } from './imports/birth-imports.module';
import { PrivacyModule } from './privacy/privacy.module';

@Module({
  imports: [
    ServiceCoreModule.forService({ service: 'births', config: BirthsConfig }),
    BirthsModule,
    BirthImportsModule,
    GeographyModule,
    PrivacyModule,
  ],
})
export class BirthsAppModule {}
