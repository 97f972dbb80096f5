export { REDACTED, redactDeep, redactText } from './redact';
export {
  CORRELATION_HEADER,
  currentCorrelationId,
  normaliseCorrelationId,
  runWithCorrelationId,
} from './correlation';
export { AppLogger, createLogger, type LogLevel, type LoggerOptions } from './logger';
export { httpLoggingMiddleware } from './http-logging.middleware';
export { LoggingModule, ROOT_LOGGER } from './logging.module';
