import { ServiceCoreModule } from '@lib/platform';
import { Module } from '@nestjs/common';
import { FiguresModule } from './figures/figures.module';
import { JourneysModule } from './journeys/journeys.module';
import { ReportingConfig } from './reporting.config';
import { SefModule } from './sef/sef.module';

@Module({
  imports: [
    ServiceCoreModule.forService({ service: 'reporting', config: ReportingConfig }),
    JourneysModule,
    FiguresModule,
    SefModule,
  ],
})
export class ReportingAppModule {}
