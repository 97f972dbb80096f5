import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { JourneyConsumer } from './journey.consumer';
import { JourneyProjection } from './journey.projection';
import { JourneysController } from './journeys.controller';
import { JourneyEntry, JourneyEntrySchema } from './schemas/journey-entry.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: JourneyEntry.name, schema: JourneyEntrySchema }])],
  controllers: [JourneysController],
  providers: [JourneyProjection, JourneyConsumer],
})
export class JourneysModule {}
