import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { AppConfig } from '../config';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { ConversionJobsRepository } from './conversion-jobs.repository';
import { PG_POOL } from './database.tokens';
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './migrator';

/** Creates the database if missing and applies migrations before anything uses the pool. */
async function createPool(config: AppConfig, logger: Logger): Promise<Pool> {
  const url = config.get('DATABASE_URL');
  if (await ensureDatabase(url)) logger.info('created the database');
  const result = await runMigrations(url);
  if (result.applied.length > 0) logger.info({ applied: result.applied }, 'applied migrations');
  const pool = new Pool({ connectionString: url, max: 10 });
  pool.on('error', (err) => logger.error({ err }, 'idle PostgreSQL client error'));
  return pool;
}

@Global()
@Module({
  providers: [
    { provide: PG_POOL, useFactory: createPool, inject: [AppConfig, ROOT_LOGGER] },
    ConversionJobsRepository,
  ],
  exports: [PG_POOL, ConversionJobsRepository],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
