import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { ErrorBodyDto } from './common/errors/error-body.dto';
import { ROOT_LOGGER } from './common/logging/logging.module';
import { SECURITY_SETTINGS, type SecuritySettings } from './auth/security-settings';
import { applyHttpSecurity } from './common/security/http-security';

export const API_PREFIX = 'api/v1';

/** HTTP set-up shared by main.ts and the tests: prefix, validation, `{detail, code}` errors, Swagger, shutdown. */
export function configureApp(app: INestApplication): INestApplication {
  const logger = app.get<Logger>(ROOT_LOGGER);
  applyHttpSecurity(app, app.get<SecuritySettings>(SECURITY_SETTINGS));
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: true,
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.enableShutdownHooks();
  setUpSwagger(app);
  return app;
}

function setUpSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('pdf2epub')
    .setDescription(
      'Converts PDFs into reflowable EPUB 3. Upload a PDF, poll the job, download the EPUB. ' +
        'Every error is `{ "detail": "...", "code": "..." }`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyDto] });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
