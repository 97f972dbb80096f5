import { Module } from '@nestjs/common';
import { ClosedLoopController } from '../closed-loop/closed-loop.controller';
import { DataQualityController } from '../data-quality/data-quality.controller';
import { EnglandReferenceModule } from '../england-reference/england-reference.module';
import { WorklistIdentities } from '../worklist/worklist-identities';
import { WorklistController } from '../worklist/worklist.controller';
import { FiguresConsumer } from './figures.consumer';
import { FiguresController } from './figures.controller';
import { FiguresService } from './figures.service';

/**
 * The in-memory projections rebuilt from offset 0 on every start: figures, worklists and the
 * data-quality lists.
 */
@Module({
  imports: [EnglandReferenceModule],
  controllers: [FiguresController, WorklistController, ClosedLoopController, DataQualityController],
  providers: [FiguresService, FiguresConsumer, WorklistIdentities],
  exports: [FiguresService],
})
export class FiguresModule {}
