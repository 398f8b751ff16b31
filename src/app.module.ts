import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { SecurityModule } from './common/security/security.module';
import { LoggingModule } from './common/logging/logging.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig, ConfigModule } from './config';
import { ConversionJobsRepository } from './database/conversion-jobs.repository';
import { DatabaseModule } from './database/database.module';
import { PG_POOL } from './database/database.tokens';
import { HealthModule } from './health/health.module';
import { JobsCoreModule } from './jobs/jobs-core.module';
import { JobsModule } from './jobs/jobs.module';
import { PipelineQueuesModule } from './pipeline/pipeline-queues.module';
import { PipelineWorkersModule } from './pipeline/pipeline-workers.module';
import { StorageModule } from './storage/storage.module';
import { UploadModule } from './upload/upload.module';

type Imports = NonNullable<ModuleMetadata['imports']>;

/** HTTP API modules (APP_ROLE api and all). SecurityModule before AuthModule: its rate limiter must guard first. */
const apiModules: Imports = [
  SecurityModule.forRoot({ pgPool: PG_POOL, activeJobsCounter: ConversionJobsRepository }),
  AuthModule,
  UploadModule,
  JobsModule,
  HealthModule,
];

/** Stage processors (APP_ROLE worker and all); the api role never instantiates them. */
const workerModules: Imports = [PipelineWorkersModule];

/** The application for one role. Shared by both roles: config, logging, database, Redis, storage, job state, queues. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule,
        RedisModule,
        StorageModule,
        JobsCoreModule,
        PipelineQueuesModule,
        ...(config.runsApi ? apiModules : []),
        ...(config.runsWorkers ? workerModules : []),
      ],
    };
  }
}
