// `npm run -s import:contacts -- contacts.csv --org RYX [--url http://127.0.0.1:3003]`: streams a
// health-visitor contact extract to the health-visits service (POST /contacts/imports) with a
// progress bar, then prints the import's counts and where its rejected rows are. Without --token
// or $HV_SYSTEM_TOKEN it mints a development hv-system token for --org (an import needs an
// organisation). Exit 0 when the import completed, 1 when it failed or the service refused it,
// 2 for a usage error. See support/import-cli.ts.
import { runImportCommand } from './support/import-cli';

runImportCommand({
  name: 'import:contacts',
  path: '/contacts/imports',
  // The health-visits app's default PORT (apps/health-visits/src/health-visits.config.ts).
  defaultUrl: 'http://127.0.0.1:3003',
  urlEnv: 'HEALTH_VISITS_URL',
  tokenEnv: 'HV_SYSTEM_TOKEN',
  role: 'hv-system',
  orgRequired: true,
});
