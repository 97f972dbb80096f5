import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BirthRelay } from './birth-relay';
import { BirthsController } from './births.controller';
import { BirthsService } from './births.service';
import { BirthNotification, BirthNotificationSchema } from './schemas/birth-notification.schema';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: BirthNotification.name, schema: BirthNotificationSchema }]),
  ],
  controllers: [BirthsController],
  providers: [BirthsService, BirthRelay],
})
export class BirthsModule {}
