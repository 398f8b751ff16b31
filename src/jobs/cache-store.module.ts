import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { AppConfig } from '../config';

/** Injection token of the status cache's Redis store. */
export const JOB_CACHE_STORE = Symbol('JOB_CACHE_STORE');

/**
 * A Keyv on @keyv/redis (keys exactly `job_status:{id}`: no namespace prefix) that ignores the cache manager's
 * disconnect at module destroy and closes at application shutdown instead. Nest destroys CacheModule before the
 * stage workers have finished their last stages (they stop in onApplicationShutdown), and a store used after its
 * disconnect silently opens a new Redis connection that keeps the process alive.
 */
export class LateClosingKeyv extends Keyv {
  /** After close() the status cache stops using the store (a late use would reconnect). */
  closed = false;

  override async disconnect(): Promise<void> {
    // Deliberately deferred to close(), called by CacheStoreModule.onApplicationShutdown.
  }

  async close(): Promise<void> {
    this.closed = true;
    await super.disconnect();
  }
}

function createStore(config: AppConfig): LateClosingKeyv {
  const keyv = new LateClosingKeyv(new KeyvRedis(config.get('REDIS_URL')), { useKeyPrefix: false });
  keyv.namespace = undefined;
  return keyv;
}

@Module({
  providers: [{ provide: JOB_CACHE_STORE, useFactory: createStore, inject: [AppConfig] }],
  exports: [JOB_CACHE_STORE],
})
export class CacheStoreModule implements OnApplicationShutdown {
  constructor(@Inject(JOB_CACHE_STORE) private readonly store: LateClosingKeyv) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
