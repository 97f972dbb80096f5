import { IdempotencyModule, ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { AttendanceModule } from './attendance/attendance.module';
import { FamiliesModule } from './families/families.module';
import { RegistrationsConfig } from './registrations.config';

@Module({
  imports: [
    ServiceCoreModule.forService({ service: 'registrations', config: RegistrationsConfig }),
    // Every POST honours an Idempotency-Key header: a retried request creates nothing new.
    IdempotencyModule.forRoot(),
    FamiliesModule,
    AttendanceModule,
  ],
})
export class RegistrationsAppModule {}
