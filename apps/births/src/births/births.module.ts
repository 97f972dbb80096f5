import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ReachAreaDirectory } from '../geography/reach-area-directory';
import { NemsController } from '../nems/nems.controller';
import { BirthsController } from './births.controller';
import { BirthsService } from './births.service';
import { ChildEventsController } from './child-events.controller';
import { ChildEventsService } from './child-events.service';
import { ChildRecords } from './child-records';
import { DataQualityController } from './data-quality.controller';
import { DataQualityService } from './data-quality.service';
import { BirthRecord, BirthRecordSchema } from './schemas/birth-record.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: BirthRecord.name, schema: BirthRecordSchema }])],
  controllers: [BirthsController, ChildEventsController, DataQualityController, NemsController],
  providers: [
    BirthsService,
    ChildEventsService,
    ChildRecords,
    DataQualityService,
    ReachAreaDirectory,
  ],
  exports: [BirthsService, ChildEventsService],
})
export class BirthsModule {}
