/**
 * Starts the role named by APP_ROLE: `api` (HTTP only), `worker` (stage processors + liveness port) or `all`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { AppConfig, ConfigValidationError } from './config';
import { startLivenessServer } from './health/liveness-server';

async function startApi(config: AppConfig, logger: Logger): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  configureApp(app);
  await app.listen(config.get('PORT'));
  logger.info({ port: config.get('PORT') }, 'HTTP API listening');
}

async function startWorker(config: AppConfig, logger: Logger): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  const liveness: Server = await startLivenessServer(config.get('WORKER_HEALTH_PORT'));
  process.once('SIGTERM', () => liveness.close());
  process.once('SIGINT', () => liveness.close());
  logger.info({ port: config.get('WORKER_HEALTH_PORT') }, 'worker running; liveness on /healthz');
}

/** A `.env` in the working directory fills in variables the environment does not set (see .env.example). */
function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const logger = createRootLogger(config.get('LOG_LEVEL'), { role: config.get('APP_ROLE') });
  try {
    if (config.get('APP_ROLE') === 'worker') await startWorker(config, logger);
    else await startApi(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

void main();
