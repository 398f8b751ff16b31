import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config';
import { CacheStoreModule, JOB_CACHE_STORE, type LateClosingKeyv } from './cache-store.module';
import { JobStateService } from './job-state.service';
import { JobStatusCache } from './job-status-cache.service';

/** Job state shared by both roles: the Redis status cache (@keyv/redis store) and the single writer of job rows. */
@Global()
@Module({
  imports: [
    CacheStoreModule,
    CacheModule.registerAsync({
      imports: [CacheStoreModule],
      useFactory: (config: AppConfig, store: LateClosingKeyv) => ({
        stores: [store],
        ttl: config.get('JOB_STATUS_CACHE_TTL_S') * 1000,
      }),
      inject: [AppConfig, JOB_CACHE_STORE],
    }),
  ],
  providers: [JobStatusCache, JobStateService],
  // CacheStoreModule also here, so JobStatusCache can see when the store has closed.
  exports: [JobStatusCache, JobStateService],
})
export class JobsCoreModule {}
