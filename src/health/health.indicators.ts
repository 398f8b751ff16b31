import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { REDIS_CLIENT } from '../common/redis/redis.module';
import { PG_POOL } from '../database/database.tokens';
import { StorageService } from '../storage/storage.service';

const CHECK_TIMEOUT_MS = 3000;

function within<T>(promise: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** PostgreSQL, Redis and storage checks for @nestjs/terminus. Failure details stay generic (no hosts or paths). */
@Injectable()
export class DependencyIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly storage: StorageService,
  ) {}

  postgres(): Promise<HealthIndicatorResult> {
    return this.probe('postgres', async () => {
      await this.pool.query('SELECT 1');
    });
  }

  redisPing(): Promise<HealthIndicatorResult> {
    return this.probe('redis', async () => {
      await this.redis.ping();
    });
  }

  storageCheck(): Promise<HealthIndicatorResult> {
    return this.probe('storage', () => this.storage.check(), { driver: this.storage.driver });
  }

  private async probe(
    key: string,
    check: () => Promise<void>,
    details: Record<string, string> = {},
  ): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await within(check());
      return indicator.up(details);
    } catch {
      return indicator.down({ ...details, message: `${key} is unreachable` });
    }
  }
}
