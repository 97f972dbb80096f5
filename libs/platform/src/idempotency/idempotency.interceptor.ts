import { principalOf } from '@lib/auth';
import { ROOT_LOGGER } from '@lib/logging';
import {
  CallHandler,
  ConflictException,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
  StreamableFile,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  REDIRECT_METADATA,
  RENDER_METADATA,
  RESPONSE_PASSTHROUGH_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request, Response } from 'express';
import { Stream } from 'node:stream';
import type { Logger } from 'pino';
import { defer, lastValueFrom, Observable } from 'rxjs';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyScopeHash,
  parseIdempotencyKey,
  requestFingerprint,
} from './idempotency-key';
import { isReplayableStatus, type StoredAnswer } from './idempotency-record';
import { IdempotencyStore, type ClaimOutcome, type IdempotencyClaim } from './idempotency.store';

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Answers larger than this are not stored (the request is then not idempotent). */
export const MAX_STORED_BODY_BYTES = 1024 * 1024;
/** Marks a request one interceptor has taken, should the module be registered twice. */
const TAKEN = Symbol('eyb.idempotency');

/**
 * `Idempotency-Key` for POST, PUT, PATCH and DELETE (after Stripe and the IETF draft "The
 * Idempotency-Key HTTP Header Field"): a request retried with the same key gets the first answer
 * again (status, JSON body, Location, plus `Idempotent-Replayed: true`) and its handler does not
 * run again.
 *
 * - Optional: requests without the header, other methods, and unauthenticated requests pass
 *   untouched. A malformed key is a 400 naming the header.
 * - Keys belong to the verified caller and the route (method and path); the same key with
 *   another body or query is a 422, and while the first request runs, a 409 (Retry-After: 1).
 * - Stored and replayed: answers with 2xx to 4xx statuses, including HttpExceptions (a retry
 *   gets the same refusal), except 401, 403, 404, 409 and 429, which depend on the moment or the
 *   token. A 5xx or any other error frees the key (a retry runs again), as does an answer that
 *   cannot be stored: a stream (StreamableFile, Buffer), one over MAX_STORED_BODY_BYTES, or one
 *   JSON cannot represent. Only Location is stored of the headers the handler set.
 * - Handlers using `@Res({ passthrough: true })` (status chosen at run time) are supported;
 *   routes that write the response themselves (`@Res()`/`@Next()` without passthrough,
 *   `@Redirect`, `@Render`, `@Sse`) pass untouched, with a warning.
 * - Nothing identifying is logged: the route's class and method, never a key, body or subject.
 *
 * How records are kept (insert-only claims, generations, no TTL): see IdempotencyStore.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly warnedRoutes = new Set<string>();

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { [TAKEN]?: true }>();
    const res = context.switchToHttp().getResponse<Response>();
    const header = req.headers['idempotency-key'];
    if (!IDEMPOTENT_METHODS.has(req.method) || header === undefined || req[TAKEN]) {
      return next.handle();
    }
    const principal = principalOf(req);
    if (!principal) return next.handle();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    if (!repliesThroughNest(context)) {
      if (!this.warnedRoutes.has(route)) {
        this.warnedRoutes.add(route);
        this.logger.warn({ route }, 'route writes its own response: Idempotency-Key ignored');
      }
      return next.handle();
    }
    const key = parseIdempotencyKey(header);
    req[TAKEN] = true;

    const url = req.originalUrl ?? req.url;
    const q = url.indexOf('?');
    const scope = idempotencyScopeHash({
      subject: principal.subject,
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      key,
    });
    const fingerprint = requestFingerprint(req.body, q < 0 ? '' : url.slice(q + 1));
    return defer(() => this.serve(scope, fingerprint, res, next, route));
  }

  private async serve(
    scope: string,
    fingerprint: string,
    res: Response,
    next: CallHandler,
    route: string,
  ): Promise<unknown> {
    let outcome: ClaimOutcome;
    try {
      outcome = await this.store.claim(scope, fingerprint);
    } catch (error) {
      this.logger.error({ route, code: errorCode(error) }, 'idempotency records unavailable');
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'idempotency records are unavailable; nothing was done, retry later',
      });
    }
    switch (outcome.kind) {
      case 'claimed':
        return this.runHandler(outcome.claim, res, next, route);
      case 'replay':
        return replay(outcome.answer, res);
      case 'in-progress':
        res.setHeader('Retry-After', '1');
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: `a request with this ${IDEMPOTENCY_KEY_HEADER} is still in progress; retry later`,
        });
      case 'mismatch':
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `this ${IDEMPOTENCY_KEY_HEADER} was already used for a different request (another body or query); use a new key`,
        });
      case 'exhausted':
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `this ${IDEMPOTENCY_KEY_HEADER} has been used too many times; use a new key`,
        });
    }
  }

  private async runHandler(
    claim: IdempotencyClaim,
    res: Response,
    next: CallHandler,
    route: string,
  ): Promise<unknown> {
    let result: unknown;
    try {
      result = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      const refusal = storableRefusal(error, res);
      await (refusal ? this.complete(claim, refusal, route) : this.release(claim, route));
      throw error;
    }
    const answer = storableAnswer(result, res);
    await (answer ? this.complete(claim, answer, route) : this.release(claim, route));
    return result;
  }

  /**
   * The work is done whatever happens here: a failed write is logged and the answer still sent.
   * The record then stays in progress (409 to retries) until it is stale and taken over.
   */
  private async complete(claim: IdempotencyClaim, answer: StoredAnswer, route: string) {
    try {
      await this.store.complete(claim, answer);
    } catch (error) {
      this.logger.warn(
        { route, code: errorCode(error) },
        'idempotent answer not stored; retries get 409 until the claim is stale',
      );
    }
  }

  private async release(claim: IdempotencyClaim, route: string) {
    try {
      await this.store.release(claim);
    } catch (error) {
      this.logger.warn(
        { route, code: errorCode(error) },
        'idempotency claim not released; retries get 409 until it is stale',
      );
    }
  }
}

/** Whether Nest sends the handler's result (so it can be captured and replayed). */
function repliesThroughNest(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  const controller = context.getClass();
  for (const key of [REDIRECT_METADATA, RENDER_METADATA, SSE_METADATA]) {
    if (Reflect.getMetadata(key, handler) !== undefined) return false;
  }
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<
    string,
    unknown
  >;
  const handlesResponse = Object.keys(args).some((k) => {
    const type = Number(k.split(':')[0]);
    return type === Number(RouteParamtypes.RESPONSE) || type === Number(RouteParamtypes.NEXT);
  });
  return (
    !handlesResponse ||
    Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, controller, handler.name) === true
  );
}

function replay(answer: StoredAnswer, res: Response): unknown {
  res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  if (answer.location !== null) res.setHeader('Location', answer.location);
  const body: unknown = answer.body === null ? undefined : JSON.parse(answer.body);
  if (answer.refusal) throw new HttpException(body as Record<string, unknown>, answer.status);
  res.status(answer.status);
  return body;
}

/** A lasting 4xx HttpException, as the exception filter answers it. */
function storableRefusal(error: unknown, res: Response): StoredAnswer | undefined {
  if (!(error instanceof HttpException)) return undefined;
  const status = error.getStatus();
  if (status < 400 || !isReplayableStatus(status)) return undefined;
  const response = error.getResponse();
  // AllExceptionsFilter (and Nest's own filter) answer a string response in this form.
  const body = jsonText(
    typeof response === 'string' ? { statusCode: status, message: response } : response,
  );
  if (body === undefined || body === null) return undefined;
  return { status, body, location: locationOf(res), refusal: true };
}

function storableAnswer(result: unknown, res: Response): StoredAnswer | undefined {
  if (!isReplayableStatus(res.statusCode)) return undefined;
  if (
    result instanceof StreamableFile ||
    result instanceof Stream ||
    result instanceof Uint8Array ||
    result instanceof Observable
  ) {
    return undefined;
  }
  const body = jsonText(result);
  if (body === undefined) return undefined;
  return { status: res.statusCode, body, location: locationOf(res), refusal: false };
}

/** The body as Express's res.json sends it; null for no body; undefined when not storable. */
function jsonText(value: unknown): string | null | undefined {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value); // undefined for a function or symbol, whatever its type says
  } catch {
    return undefined; // a cycle or a BigInt: Nest cannot send it either
  }
  if (text === undefined || Buffer.byteLength(text) > MAX_STORED_BODY_BYTES) return undefined;
  return text;
}

function locationOf(res: Response): string | null {
  const location = res.getHeader('location');
  return typeof location === 'string' ? location : null;
}

function errorCode(error: unknown): string | number | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') return code;
  return error instanceof Error ? error.name : undefined;
}
