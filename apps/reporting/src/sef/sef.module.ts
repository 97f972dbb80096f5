import { Module } from '@nestjs/common';
import { EnglandReferenceModule } from '../england-reference/england-reference.module';
import { FiguresModule } from '../figures/figures.module';
import { SefSubmissions } from './sef-submissions';
import { SefController } from './sef.controller';

/** The SEF data section: built from the figures, disclosure-controlled, snapshots kept. */
@Module({
  imports: [FiguresModule, EnglandReferenceModule],
  controllers: [SefController],
  providers: [SefSubmissions],
})
export class SefModule {}
