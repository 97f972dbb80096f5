import { AuditModule } from '@lib/audit';
import { Module } from '@nestjs/common';
import { CentreAccess } from '../access/centre-access';
import { CentreDirectory } from '../centres/centre-directory';
import { KnownBirths } from '../linking/known-births';
import { LinkingController } from '../linking/linking.controller';
import { LinkingService } from '../linking/linking.service';
import { RegistrationEvents } from '../registration-events';
import { FamiliesController } from './families.controller';
import { FamiliesService } from './families.service';

@Module({
  imports: [AuditModule],
  controllers: [FamiliesController, LinkingController],
  providers: [
    FamiliesService,
    CentreAccess,
    CentreDirectory,
    RegistrationEvents,
    KnownBirths,
    LinkingService,
  ],
  exports: [FamiliesService, CentreAccess, CentreDirectory, RegistrationEvents],
})
export class FamiliesModule {}
