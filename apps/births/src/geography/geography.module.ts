import { Module } from '@nestjs/common';
import { GeographyController } from './geography.controller';
import { GeographyRelay } from './geography-relay';
import { GeographyService } from './geography.service';
import { ReachAreaDirectory } from './reach-area-directory';

/** Births' geography reference data: versioned loads, their publication, and the lookups. */
@Module({
  controllers: [GeographyController],
  providers: [GeographyService, GeographyRelay, ReachAreaDirectory],
  exports: [ReachAreaDirectory],
})
export class GeographyModule {}
