/** JSON over HTTP with the retries a long send needs: 429 (Retry-After), 5xx and lost connections. */
import { DEV_SECRET_DEFAULT, mintDevToken, type DevTokenClaims } from '@lib/auth';
import type { Clock } from './pacer';
import { realClock } from './pacer';

export interface Answer {
  status: number;
  body: unknown;
}

/** The service could not be reached or kept failing: the run stops, the state keeps its place. */
export class ServiceUnavailable extends Error {}

export interface RequestSpec {
  method: string;
  url: string;
  token: string;
  body?: unknown;
  /** Sent as is (e.g. a FHIR bundle line); else `body` as JSON. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

let lastRateLimitLog = 0;

export async function requestWithRetry(
  spec: RequestSpec,
  options: { attempts?: number; clock?: Clock; log?: (line: string) => void } = {},
): Promise<Answer> {
  const attempts = options.attempts ?? 8;
  const clock = options.clock ?? realClock;
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let res: Response;
    try {
      res = await fetch(spec.url, {
        method: spec.method,
        headers: {
          authorization: `Bearer ${spec.token}`,
          'content-type': spec.contentType ?? 'application/json',
          ...spec.headers,
        },
        ...(spec.rawBody !== undefined
          ? { body: spec.rawBody }
          : spec.body !== undefined
            ? { body: JSON.stringify(spec.body) }
            : {}),
      });
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await clock.sleep(Math.min(30_000, 500 * 2 ** attempt));
      continue;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // keep the text
    }
    if (res.status === 429) {
      const after = Number(res.headers.get('retry-after') ?? '1');
      if (Date.now() - lastRateLimitLog > 30_000) {
        lastRateLimitLog = Date.now();
        options.log?.(
          `rate limited by ${new URL(spec.url).host} (RATE_LIMIT_PER_MINUTE); waiting ${after} s each time`,
        );
      }
      await clock.sleep(Math.max(1, after) * 1000);
      attempt--; // a rate limit is not a failure
      continue;
    }
    if (res.status >= 500) {
      lastError = `${res.status} ${text.slice(0, 200)}`;
      await clock.sleep(Math.min(30_000, 500 * 2 ** attempt));
      continue;
    }
    return { status: res.status, body };
  }
  throw new ServiceUnavailable(`${spec.method} ${spec.url}: ${lastError}`);
}

/** Development tokens, minted once per claims and again before they expire. */
export class Tokens {
  private readonly cache = new Map<string, { token: string; at: number }>();

  constructor(private readonly clock: Clock = realClock) {}

  async get(claims: DevTokenClaims): Promise<string> {
    const key = JSON.stringify(claims);
    const held = this.cache.get(key);
    if (held && this.clock.now() - held.at < 30 * 60_000) return held.token;
    const token = await mintDevToken(claims, {
      secret: process.env.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT,
      ttlSeconds: 3600,
      ...(process.env.AUTH_ISSUER ? { issuer: process.env.AUTH_ISSUER } : {}),
      ...(process.env.AUTH_AUDIENCE ? { audience: process.env.AUTH_AUDIENCE } : {}),
    });
    this.cache.set(key, { token, at: this.clock.now() });
    return token;
  }
}
