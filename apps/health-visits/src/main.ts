import { startService } from '@lib/platform';
import { HealthVisitsAppModule } from './health-visits-app.module';

startService(HealthVisitsAppModule, {
  title: 'health-visits',
  description:
    'Contacts from health-visitor record systems, as canonical events keyed on the child’s NHS number.',
});
