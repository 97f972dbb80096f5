import 'reflect-metadata';
import { ServiceConfig } from '@lib/config';
import { AppLogger, httpLoggingMiddleware, ROOT_LOGGER } from '@lib/logging';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AllExceptionsFilter, bodyParserErrorHandler } from './errors';
import { strictValidationPipe } from './validation';

export interface ServiceDescription {
  title: string;
  description: string;
}

/**
 * Builds (but does not start) a service's HTTP application with the same hardening for every
 * app: JSON body limit (413), strict validation (400 with fields), helmet headers, correlation
 * ids and access logs, Swagger at /docs, and ordered shutdown hooks.
 */
export async function createServiceApp(
  appModule: Type<unknown>,
  description: ServiceDescription,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(appModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  const config = app.get(ServiceConfig);
  const logger = app.get<Logger>(ROOT_LOGGER);
  app.useLogger(app.get(AppLogger));
  app.use(helmet());
  app.use(httpLoggingMiddleware(logger));
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT_BYTES });
  // FHIR messages (XML, and JSON sent as application/fhir+json) arrive as text for their parser.
  app.useBodyParser('text', {
    limit: config.HTTP_BODY_LIMIT_BYTES,
    type: ['application/fhir+xml', 'application/xml', 'text/xml', 'application/fhir+json'],
  });
  app.use(bodyParserErrorHandler);
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.enableShutdownHooks();
  setupSwagger(app, description);
  return app;
}

function setupSwagger(app: INestApplication, description: ServiceDescription): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(description.title)
      .setDescription(description.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Entry point of an app's main.ts: create, listen on 127.0.0.1:PORT, log where. */
export async function runService(
  appModule: Type<unknown>,
  description: ServiceDescription,
): Promise<void> {
  const app = await createServiceApp(appModule, description);
  const config = app.get(ServiceConfig);
  const host = process.env.HTTP_HOST ?? '127.0.0.1';
  await app.listen(config.PORT, host);
  app
    .get<Logger>(ROOT_LOGGER)
    .info(
      { url: `http://${host}:${config.PORT}`, docs: `/docs` },
      `${description.title} listening`,
    );
}

/** For main.ts: run the service, or print why it cannot start (e.g. every bad variable) and exit 1. */
export function startService(appModule: Type<unknown>, description: ServiceDescription): void {
  runService(appModule, description).catch((error: unknown) => {
    // Before the logger exists nothing else can report it; a config error lists every bad variable.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
