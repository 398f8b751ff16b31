import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import { SECURITY_SETTINGS, type SecuritySettings } from '../../auth/security-settings';
import { ACTIVE_JOBS_COUNTER, ActiveJobsGuard } from './active-jobs.guard';
import { UploadIdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';
import { isUploadRequest, type RoutedRequest } from './request-kind';
import { UPLOADS_THROTTLER, UserThrottlerGuard } from './rate-limit.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { RATE_LIMIT_REDIS } from './security.tokens';
import { UploadSlots } from './upload-slots';

export { RATE_LIMIT_REDIS };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const IDEMPOTENCY_TIMINGS = { keyTtlSeconds: 24 * 3600, claimTimeoutSeconds: 300 };

/**
 * The limiter's own Redis connection: no offline queue and one retry, so a Redis outage fails a hit fast and the
 * storage lets the request through (see RedisThrottlerStorage.failOpen) instead of making it wait.
 */
async function connectRateLimitRedis(settings: SecuritySettings): Promise<Redis> {
  const redis = new Redis(settings.rateLimit.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'pdf2epub-ratelimit',
  });
  redis.on('error', () => undefined); // reported by the storage when a hit fails
  if (settings.rateLimit.enabled) {
    await redis.connect().catch((err: Error) => {
      new Logger('RateLimit').warn(
        `Redis not reachable at start-up (${err.message}); limits apply once it is`,
      );
    });
  }
  return redis;
}

@Module({
  providers: [{ provide: RATE_LIMIT_REDIS, useFactory: connectRateLimitRedis, inject: [SECURITY_SETTINGS] }],
  exports: [RATE_LIMIT_REDIS],
})
class RateLimitRedisModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

function throttlerOptions(settings: SecuritySettings, redis: Redis): ThrottlerModuleOptions {
  return {
    storage: new RedisThrottlerStorage(redis, settings.rateLimit.keyPrefix),
    throttlers: [
      { name: 'default', ttl: MINUTE_MS, limit: settings.rateLimit.perMinute },
      {
        name: UPLOADS_THROTTLER,
        ttl: HOUR_MS,
        limit: settings.rateLimit.uploadsPerHour,
        skipIf: (context) => !isUploadRequest(context.switchToHttp().getRequest<RoutedRequest>()),
      },
    ],
  };
}

export interface SecurityModuleOptions {
  /** The pg Pool (idempotency keys live in PostgreSQL). */
  pgPool: InjectionToken;
  /** A provider with `countActiveByUser(userId)`, e.g. ConversionJobsRepository. */
  activeJobsCounter: InjectionToken;
}

/**
 * Rate limits (per user, Redis-backed: requests per minute, uploads per hour), the active-conversions cap and the
 * Idempotency-Key store. Needs AuthModule (SECURITY_SETTINGS, RequestAuthenticator) in the app.
 * Import it BEFORE AuthModule: Nest runs global guards in registration order, and the limiter must run first so
 * that requests with bad tokens are counted (per IP) before the AuthGuard rejects them.
 */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityModuleOptions): DynamicModule {
    return {
      module: SecurityModule,
      global: true, // IdempotencyService is injected by the upload service
      imports: [
        RateLimitRedisModule,
        ThrottlerModule.forRootAsync({
          imports: [RateLimitRedisModule],
          inject: [SECURITY_SETTINGS, RATE_LIMIT_REDIS],
          useFactory: throttlerOptions,
        }),
      ],
      providers: [
        { provide: ACTIVE_JOBS_COUNTER, useExisting: options.activeJobsCounter },
        {
          provide: UploadSlots,
          useFactory: (settings: SecuritySettings, redis: Redis) =>
            new UploadSlots(redis, settings.rateLimit.keyPrefix),
          inject: [SECURITY_SETTINGS, RATE_LIMIT_REDIS],
        },
        {
          provide: UploadIdempotencyRepository,
          useFactory: (pool: Pool) => new UploadIdempotencyRepository(pool, IDEMPOTENCY_TIMINGS),
          inject: [options.pgPool],
        },
        {
          provide: IdempotencyService,
          useFactory: (keys: UploadIdempotencyRepository) => new IdempotencyService(keys),
          inject: [UploadIdempotencyRepository],
        },
        { provide: APP_GUARD, useClass: UserThrottlerGuard },
        { provide: APP_GUARD, useClass: ActiveJobsGuard },
      ],
      exports: [IdempotencyService],
    };
  }
}
