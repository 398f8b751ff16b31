import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { createKeyv } from '@keyv/redis';
import { AppConfig } from '../config';
import { JobStateService } from './job-state.service';
import { JobStatusCache } from './job-status-cache.service';

/** Job state shared by both roles: the Redis status cache (@keyv/redis store) and the single writer of job rows. */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      useFactory: (config: AppConfig) => ({
        stores: [createKeyv(config.get('REDIS_URL'))],
        ttl: config.get('JOB_STATUS_CACHE_TTL_S') * 1000,
      }),
      inject: [AppConfig],
    }),
  ],
  providers: [JobStatusCache, JobStateService],
  exports: [JobStatusCache, JobStateService],
})
export class JobsCoreModule {}
