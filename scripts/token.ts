// `npm run -s token -- --role centre-staff --la E06000045 --centre C1`: prints a development
// token (HS256, the development key) and nothing else, for curl and Swagger's Authorize button.
import { DEV_SECRET_DEFAULT, isRole, mintDevToken, ROLES } from '@lib/auth';

interface Args {
  roles: string[];
  centres: string[];
  la?: string;
  org?: string;
  sub?: string;
  ttl: number;
}

function parse(argv: string[]): Args {
  const args: Args = { roles: [], centres: [], ttl: 3600 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--role':
        if (!isRole(value)) fail(`unknown role ${value}; roles: ${ROLES.join(', ')}`);
        args.roles.push(value);
        break;
      case '--centre':
        args.centres.push(value);
        break;
      case '--la':
        args.la = value;
        break;
      case '--org':
        args.org = value;
        break;
      case '--sub':
        args.sub = value;
        break;
      case '--ttl':
        args.ttl = Number(value);
        if (!Number.isInteger(args.ttl) || args.ttl <= 0) fail('--ttl must be a positive integer');
        break;
      default:
        fail(`unknown option ${flag}`);
    }
  }
  if (args.roles.length === 0) fail(`at least one --role is needed; roles: ${ROLES.join(', ')}`);
  return args;
}

function fail(message: string): never {
  process.stderr.write(
    `token: ${message}\nusage: npm run -s token -- --role <role> [--role <role>] [--la E06000045] [--centre C1 ...] [--org ORG] [--sub name] [--ttl 3600]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') fail('development tokens are not for production');
  const args = parse(process.argv.slice(2));
  const token = await mintDevToken(
    {
      sub: args.sub ?? `dev-${args.roles[0]}`,
      roles: args.roles,
      centres: args.centres,
      ...(args.la ? { la: args.la } : {}),
      ...(args.org ? { org: args.org } : {}),
    },
    {
      secret: process.env.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT,
      ...(process.env.AUTH_ISSUER ? { issuer: process.env.AUTH_ISSUER } : {}),
      ...(process.env.AUTH_AUDIENCE ? { audience: process.env.AUTH_AUDIENCE } : {}),
      ttlSeconds: args.ttl,
    },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
