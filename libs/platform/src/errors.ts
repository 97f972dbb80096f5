import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * The last word on errors: HttpExceptions keep their status and body; anything else is logged
 * (redacted by the logger) and answered with a plain 500 that reveals nothing.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      res
        .status(exception.getStatus())
        .json(
          typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body,
        );
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    res
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ statusCode: 500, message: 'internal error' });
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Express error handler for what fails before Nest sees the request (the body parser):
 * an oversized body is a 413 and malformed JSON a 400, both as JSON, never a 500.
 */
export function bodyParserErrorHandler(
  err: unknown,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  const e = err as BodyParserError;
  if (e?.type === 'entity.too.large') {
    res.status(413).json({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `request body exceeds ${e.limit ?? 'the'} bytes`,
    });
    return;
  }
  if (e?.type === 'entity.parse.failed') {
    res
      .status(400)
      .json({ statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' });
    return;
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    res.status(e.status).json({ statusCode: e.status, message: 'request body could not be read' });
    return;
  }
  next(err);
}
