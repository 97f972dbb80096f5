// `npm run -s import:births -- extract.csv [--url http://127.0.0.1:3001]`: streams an LA
// live-birth extract to the births service (POST /births/imports) with a progress bar, then
// prints the import's counts and where its rejected rows are. Exit 0 when the import completed,
// 1 when it failed or the service refused it, 2 for a usage error. See support/import-cli.ts.
import { runImportCommand } from './support/import-cli';

runImportCommand({
  name: 'import:births',
  path: '/births/imports',
  defaultUrl: 'http://127.0.0.1:3001',
  urlEnv: 'BIRTHS_URL',
  tokenEnv: 'BIRTHS_FEED_TOKEN',
  role: 'births-feed',
});
