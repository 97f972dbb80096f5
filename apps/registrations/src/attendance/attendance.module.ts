import { Module } from '@nestjs/common';
import { ActivitiesController } from '../activities/activities.controller';
import { ActivitiesService } from '../activities/activities.service';
import { FamiliesModule } from '../families/families.module';
import { AttendanceController } from './attendance.controller';
import { AttendanceService } from './attendance.service';

/** The centre's activities and the session registers kept against them. */
@Module({
  imports: [FamiliesModule],
  controllers: [ActivitiesController, AttendanceController],
  providers: [ActivitiesService, AttendanceService],
})
export class AttendanceModule {}
