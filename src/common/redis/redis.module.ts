import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config';
import { redisOptionsFromUrl } from './redis-options';

/** Injection token of the process's general-purpose ioredis client (health, worker heartbeats). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      useFactory: (config: AppConfig) =>
        new Redis({
          ...redisOptionsFromUrl(config.get('REDIS_URL')),
          maxRetriesPerRequest: 2,
          lazyConnect: false,
        }),
      inject: [AppConfig],
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
