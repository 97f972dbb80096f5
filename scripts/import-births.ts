// `npm run -s import:births -- extract.csv [--url http://127.0.0.1:3001]`: streams an LA
// live-birth extract to the births service (POST /births/imports) with a progress bar, then
// prints the import's counts and where its rejected rows are. Exit 0 when the import completed,
// 1 when it failed or the service refused it, 2 for a usage error.
import { DEV_SECRET_DEFAULT, mintDevToken } from '@lib/auth';
import { SingleBar } from 'cli-progress';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { uploadExtract, type ImportResource } from './support/upload-extract';

interface Args {
  file: string;
  url: string;
  token?: string;
  org?: string;
  fileName?: string;
}

const USAGE =
  'usage: npm run -s import:births -- <file.csv> [--url http://127.0.0.1:3001] [--token JWT] ' +
  '[--org ORG] [--file-name NAME]\n' +
  '  token: --token, else $BIRTHS_FEED_TOKEN, else a development births-feed token ' +
  '(as `npm run token` mints)';

function fail(message: string, code = 2): never {
  process.stderr.write(`import:births: ${message}\n${code === 2 ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

function parse(argv: string[]): Args {
  let file: string | undefined;
  const args: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (!flag.startsWith('--')) {
      if (file !== undefined) fail(`one file at a time (got ${file} and ${flag})`);
      file = flag;
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
    switch (flag) {
      case '--url':
        args.url = value;
        break;
      case '--token':
        args.token = value;
        break;
      case '--org':
        args.org = value;
        break;
      case '--file-name':
        args.fileName = value;
        break;
      default:
        fail(`unknown option ${flag}`);
    }
  }
  if (file === undefined) fail('which file?');
  if (!existsSync(file) || !statSync(file).isFile()) fail(`no such file: ${file}`);
  const url = args.url ?? process.env.BIRTHS_URL ?? 'http://127.0.0.1:3001';
  if (!/^https?:\/\/[^/]+\/?$/.test(url))
    fail(`--url must be a base URL such as http://127.0.0.1:3001`);
  return { ...args, file, url: url.replace(/\/$/, ''), fileName: args.fileName ?? basename(file) };
}

/** A births-feed token: given, from the environment, or minted as `npm run token` does. */
async function tokenFor(args: Args): Promise<{ token: string; hint: string }> {
  if (args.token) return { token: args.token, hint: '<the token given>' };
  const fromEnv = process.env.BIRTHS_FEED_TOKEN;
  if (fromEnv) return { token: fromEnv, hint: '$BIRTHS_FEED_TOKEN' };
  if (process.env.NODE_ENV === 'production') {
    fail('development tokens are not for production: pass --token or set BIRTHS_FEED_TOKEN');
  }
  const token = await mintDevToken(
    {
      sub: 'dev-births-feed',
      roles: ['births-feed'],
      centres: [],
      ...(args.org ? { org: args.org } : {}),
    },
    {
      secret: process.env.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT,
      ...(process.env.AUTH_ISSUER ? { issuer: process.env.AUTH_ISSUER } : {}),
      ...(process.env.AUTH_AUDIENCE ? { audience: process.env.AUTH_AUDIENCE } : {}),
    },
  );
  const org = args.org ? ` --org ${args.org}` : '';
  return { token, hint: `$(npm run -s token -- --role births-feed${org})` };
}

const size = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const { token, hint } = await tokenFor(args);
  const total = statSync(args.file).size;
  // The bar follows bytes handed to the connection; the service reads them only as fast as it
  // imports (backpressure), so for a large file it follows the import itself.
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${basename(args.file)} [{bar}] {percentage}% | {sent} of {size} sent | {rows} rows sent{state}`,
    hideCursor: true,
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  bar.start(total, 0, { sent: size(0), size: size(total), rows: 0, state: '' });
  const started = Date.now();
  let answer;
  try {
    answer = await uploadExtract({
      baseUrl: args.url,
      token,
      file: args.file,
      fileName: args.fileName,
      onProgress: (p) =>
        bar.update(p.bytesSent, {
          sent: size(p.bytesSent),
          rows: p.rowsSent,
          state: p.bytesSent >= total ? ' | the service is finishing the import…' : '',
        }),
    });
  } catch (error) {
    bar.stop();
    fail(
      `could not send the file to ${args.url}: ${error instanceof Error ? error.message : String(error)}`,
      1,
    );
  }
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  const body = answer.body as Partial<ImportResource> & {
    message?: string;
    import?: ImportResource;
  };
  const resource = answer.status === 201 ? (body as ImportResource) : body.import;
  if (!resource) {
    fail(`the service answered ${answer.status}: ${body.message ?? JSON.stringify(body)}`, 1);
  }
  const { counts } = resource;
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(
    `import ${resource.importId}: ${resource.status}${resource.fileName ? ` (${resource.fileName})` : ''}`,
  );
  out(
    `rows read ${counts.rowsRead}: ${counts.accepted} accepted, ${counts.duplicates} duplicates, ${counts.rejected} rejected`,
  );
  out(`${seconds.toFixed(1)} s, ${Math.round(counts.rowsRead / Math.max(seconds, 0.001))} rows/s`);
  if (resource.fileError) out(`file error: ${resource.fileError}`);
  if (resource.errorCount > 0) {
    const url = `${args.url}${resource.links.rejectedRows}`;
    out(`rejected rows (${resource.errorCount} problems): ${url}`);
    out(`  curl -sH "authorization: Bearer ${hint}" -o rejected-rows.csv ${url}`);
  }
  process.exitCode = resource.status === 'completed' ? 0 : 1;
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error), 1));
