import { Module } from '@nestjs/common';
import { EnglandReferenceController } from './england-reference.controller';
import { EnglandReferenceService } from './england-reference.service';

/**
 * England's indicator values from the analyst's reference CSV: the upload and read routes, and
 * EnglandReferenceService for the indicator comparisons. Uses the app's default store connection.
 */
@Module({
  controllers: [EnglandReferenceController],
  providers: [EnglandReferenceService],
  exports: [EnglandReferenceService],
})
export class EnglandReferenceModule {}
