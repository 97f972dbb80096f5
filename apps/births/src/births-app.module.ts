import { ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { BirthsConfig } from './births.config';
import { BirthsModule } from './births/births.module';
import { PrivacyModule } from './privacy/privacy.module';

@Module({
  imports: [
    ServiceCoreModule.forService({ service: 'births', config: BirthsConfig }),
    BirthsModule,
    PrivacyModule,
  ],
})
export class BirthsAppModule {}
