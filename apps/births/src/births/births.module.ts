import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ReachAreaDirectory } from '../geography/reach-area-directory';
import { NemsController } from '../nems/nems.controller';
import { BirthsController } from './births.controller';
import { BirthsService } from './births.service';
import { BirthRecord, BirthRecordSchema } from './schemas/birth-record.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: BirthRecord.name, schema: BirthRecordSchema }])],
  controllers: [BirthsController, NemsController],
  providers: [BirthsService, ReachAreaDirectory],
})
export class BirthsModule {}
