import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../common/redis/redis.module';
import { AppConfig } from '../config';
import { workerKeyPrefix, type WorkerInfo } from '../pipeline/worker-heartbeat.service';

/** Reads the workers' heartbeats (see WorkerHeartbeat): a worker is live while its key has not expired. */
@Injectable()
export class WorkerRegistry {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async liveWorkers(): Promise<WorkerInfo[]> {
    const keys = await this.scan(`${workerKeyPrefix(this.config.get('QUEUE_NAME'))}*`);
    if (keys.length === 0) return [];
    const values = await this.redis.mget(keys);
    return values
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as WorkerInfo)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }
}
