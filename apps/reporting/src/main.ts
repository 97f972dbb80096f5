import { startService } from '@lib/platform';
import { ReportingAppModule } from './reporting-app.module';

startService(ReportingAppModule, {
  title: 'reporting',
  description:
    'Projections: each child’s joined journey, reach and health figures, SEF data sections and worklists.',
});
