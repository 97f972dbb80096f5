import { Module } from '@nestjs/common';
import { GeographyController } from './geography.controller';
import { GeographyService } from './geography.service';
import { ReachAreaDirectory } from './reach-area-directory';

/** Births' geography reference data: versioned loads, their publication, and the lookups. */
@Module({
  controllers: [GeographyController],
  providers: [GeographyService, ReachAreaDirectory],
  exports: [ReachAreaDirectory],
})
export class GeographyModule {}
