/**
 * Each worker process announces itself in Redis (`{QUEUE_NAME}:workers:{host}:{pid}`, refreshed every 5 s,
 * expiring after 15 s), so the api role can tell whether any worker is alive (GET /api/v1/worker/health).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { PIPELINE } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { REDIS_CLIENT } from '../common/redis/redis.module';
import { AppConfig } from '../config';

export const HEARTBEAT_INTERVAL_MS = 5000;
export const HEARTBEAT_TTL_S = 15;

export interface WorkerInfo {
  name: string;
  host: string;
  pid: number;
  queues: string[];
  concurrency: number;
  started_at: string;
  last_seen: string;
}

export function workerKeyPrefix(queueName: string): string {
  return `${queueName}:workers:`;
}

@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly key: string;
  private readonly info: Omit<WorkerInfo, 'last_seen'>;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    config: AppConfig,
  ) {
    const host = hostname();
    this.key = `${workerKeyPrefix(config.get('QUEUE_NAME'))}${host}:${process.pid}`;
    this.info = {
      name: `worker@${host}:${process.pid}`,
      host,
      pid: process.pid,
      queues: [...PIPELINE],
      concurrency: config.get('WORKER_CONCURRENCY'),
      started_at: new Date().toISOString(),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const value = JSON.stringify({ ...this.info, last_seen: new Date().toISOString() });
    await this.redis
      .set(this.key, value, 'EX', HEARTBEAT_TTL_S)
      .catch((err: unknown) => this.logger.warn({ err }, 'worker heartbeat failed'));
  }
}
