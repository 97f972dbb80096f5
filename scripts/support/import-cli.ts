/**
 * The command line shared by the extract import commands (`import:births`, `import:contacts`):
 * `<file.csv> [--url URL] [--token JWT] [--org ORG] [--file-name NAME]`. Streams the file to the
 * service's imports resource with a progress bar, then prints the import's counts and where its
 * rejected rows are. Exit 0 when the import completed, 1 when it failed or the service refused
 * it, 2 for a usage error. Each command only says which service, resource and role it is for.
 */
import { DEV_SECRET_DEFAULT, mintDevToken, type Role } from '@lib/auth';
import { SingleBar } from 'cli-progress';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { uploadExtract, type ImportResource, type UploadAnswer } from './upload-extract';

export interface ImportCommand {
  /** The npm script, e.g. `import:births` (names the command in messages and usage). */
  name: string;
  /** The imports resource, e.g. `/births/imports`. */
  path: string;
  /** The service's base URL when neither --url nor `urlEnv` gives one. */
  defaultUrl: string;
  /** The environment variable that may hold the base URL, e.g. `BIRTHS_URL`. */
  urlEnv: string;
  /** The environment variable that may hold a token, e.g. `BIRTHS_FEED_TOKEN`. */
  tokenEnv: string;
  /** The role of a development token minted when no token is given. */
  role: Role;
  /** A minted token must carry an organisation (--org), e.g. an hv-system's. */
  orgRequired?: boolean;
}

interface Args {
  file: string;
  url: string;
  token?: string;
  org?: string;
  fileName?: string;
}

export function usageOf(command: ImportCommand): string {
  const org = command.orgRequired
    ? ' of the --org given (as `npm run token` mints; --org needed then)'
    : ' (as `npm run token` mints)';
  return (
    `usage: npm run -s ${command.name} -- <file.csv> [--url ${command.defaultUrl}] [--token JWT] ` +
    '[--org ORG] [--file-name NAME]\n' +
    `  token: --token, else $${command.tokenEnv}, else a development ${command.role} token${org}\n` +
    `  url: --url, else $${command.urlEnv}, else ${command.defaultUrl}`
  );
}

/** Runs the command on `argv` (the arguments after the script's name). */
export function runImportCommand(
  command: ImportCommand,
  argv: string[] = process.argv.slice(2),
): void {
  main(command, argv).catch((error: unknown) =>
    fail(command, error instanceof Error ? error.message : String(error), 1),
  );
}

function fail(command: ImportCommand, message: string, code = 2): never {
  process.stderr.write(`${command.name}: ${message}\n${code === 2 ? `${usageOf(command)}\n` : ''}`);
  process.exit(code);
}

function parse(command: ImportCommand, argv: string[]): Args {
  let file: string | undefined;
  const args: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${usageOf(command)}\n`);
      process.exit(0);
    }
    if (!flag.startsWith('--')) {
      if (file !== undefined) fail(command, `one file at a time (got ${file} and ${flag})`);
      file = flag;
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) fail(command, `${flag} needs a value`);
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
        fail(command, `unknown option ${flag}`);
    }
  }
  if (file === undefined) fail(command, 'which file?');
  if (!existsSync(file) || !statSync(file).isFile()) fail(command, `no such file: ${file}`);
  const url = args.url ?? process.env[command.urlEnv] ?? command.defaultUrl;
  if (!/^https?:\/\/[^/]+\/?$/.test(url))
    fail(command, `--url must be a base URL such as ${command.defaultUrl}`);
  return { ...args, file, url: url.replace(/\/$/, ''), fileName: args.fileName ?? basename(file) };
}

/** A token: given, from the environment, or a development one minted as `npm run token` does. */
async function tokenFor(
  command: ImportCommand,
  args: Args,
): Promise<{ token: string; hint: string }> {
  if (args.token) return { token: args.token, hint: '<the token given>' };
  const fromEnv = process.env[command.tokenEnv];
  if (fromEnv) return { token: fromEnv, hint: `$${command.tokenEnv}` };
  if (process.env.NODE_ENV === 'production') {
    fail(
      command,
      `development tokens are not for production: pass --token or set ${command.tokenEnv}`,
    );
  }
  if (command.orgRequired && !args.org) {
    fail(
      command,
      `a development ${command.role} token needs an organisation: pass --org (or --token, or set ${command.tokenEnv})`,
    );
  }
  const token = await mintDevToken(
    {
      sub: `dev-${command.role}`,
      roles: [command.role],
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
  return { token, hint: `$(npm run -s token -- --role ${command.role}${org})` };
}

const size = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;

async function main(command: ImportCommand, argv: string[]): Promise<void> {
  const args = parse(command, argv);
  const { token, hint } = await tokenFor(command, args);
  const total = statSync(args.file).size;
  // The bar follows bytes handed to the connection; the service reads them only as fast as it
  // imports (backpressure), so for a large file it follows the import itself.
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${basename(args.file)} [{bar}] {percentage}% | {sent} of {size} sent | {rows} rows sent{state}`,
    hideCursor: true,
    // Not a terminal (a log, CI): a progress line every 5 s and the last one, not nothing.
    noTTYOutput: true,
    notTTYSchedule: 5000,
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  bar.start(total, 0, { sent: size(0), size: size(total), rows: 0, state: '' });
  const started = Date.now();
  let answer: UploadAnswer;
  try {
    answer = await uploadExtract({
      baseUrl: args.url,
      path: command.path,
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
      command,
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
    fail(
      command,
      `the service answered ${answer.status}: ${body.message ?? JSON.stringify(body)}`,
      1,
    );
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
