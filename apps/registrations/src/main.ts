import { startService } from '@lib/platform';
import { RegistrationsAppModule } from './registrations-app.module';

startService(RegistrationsAppModule, {
  title: 'registrations',
  description:
    'The children’s centre registration desk: families, children, attendance and outreach.',
});
