import { startService } from '@lib/platform';
import { BirthsAppModule } from './births-app.module';

startService(BirthsAppModule, {
  title: 'births',
  description:
    'Live-birth notifications, moves and sharing status, assigned to children’s centre reach areas.',
});
