import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { CORRELATION_HEADER, normaliseCorrelationId, runWithCorrelationId } from './correlation';

/**
 * Express middleware: adopts or creates the request's correlation id, echoes it in the
 * response, and writes one access-log line with method, route, status and duration.
 * The path is logged redacted (it may carry an NHS number).
 */
export function httpLoggingMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers[CORRELATION_HEADER];
    const correlationId = normaliseCorrelationId(Array.isArray(header) ? header[0] : header);
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    runWithCorrelationId(correlationId, () => {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        runWithCorrelationId(correlationId, () =>
          logger.info(
            { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) },
            'http request',
          ),
        );
      });
      next();
    });
  };
}
