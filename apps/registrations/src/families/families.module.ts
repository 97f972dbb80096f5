import { AuditModule } from '@lib/audit';
import { Module } from '@nestjs/common';
import { CentreAccess } from '../access/centre-access';
import { CentreDirectory } from '../centres/centre-directory';
import { RegistrationEvents } from '../registration-events';
import { FamiliesController } from './families.controller';
import { FamiliesService } from './families.service';

@Module({
  imports: [AuditModule],
  controllers: [FamiliesController],
  providers: [FamiliesService, CentreAccess, CentreDirectory, RegistrationEvents],
  exports: [FamiliesService, CentreAccess, CentreDirectory, RegistrationEvents],
})
export class FamiliesModule {}
