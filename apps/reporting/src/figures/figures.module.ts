import { Module } from '@nestjs/common';
import { FiguresConsumer } from './figures.consumer';
import { FiguresController } from './figures.controller';
import { FiguresService } from './figures.service';

@Module({
  controllers: [FiguresController],
  providers: [FiguresService, FiguresConsumer],
  exports: [FiguresService],
})
export class FiguresModule {}
