/**
 * Read-through cache of job rows in Redis under `job_status:{job_id}` (TTL JOB_STATUS_CACHE_TTL_S).
 * The row is cached whole and ownership is checked on every read, so the cache never bypasses user scoping.
 * Concurrent misses for one job share one database query, so a poll storm reaches PostgreSQL once per change.
 */
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Logger } from 'pino';
import { AppConfig } from '../config';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { JOB_CACHE_STORE, type LateClosingKeyv } from './cache-store.module';
import { ConversionJobsRepository } from '../database/conversion-jobs.repository';
import type { JobRecord } from '../database/job-record';

const STALE_CHECK_MS = 500;

export function jobStatusKey(jobId: string): string {
  return `job_status:${jobId}`;
}

@Injectable()
export class JobStatusCache implements OnModuleDestroy {
  private readonly inflight = new Map<string, Promise<JobRecord | null>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ttlMs: number;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly repository: ConversionJobsRepository,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(JOB_CACHE_STORE) private readonly store: LateClosingKeyv,
    config: AppConfig,
  ) {
    this.ttlMs = config.get('JOB_STATUS_CACHE_TTL_S') * 1000;
  }

  /** The job if it belongs to the user, else null (another user's job looks exactly like a missing one). */
  async getForUser(jobId: string, userId: string): Promise<JobRecord | null> {
    const cached = await this.read(jobId);
    if (cached) return cached.user_id === userId ? cached : null;
    return this.loadOnce(jobId, userId);
  }

  /**
   * Called after every write of the row (database first, then the cache). A reader that loaded the row just before
   * the write may still put the old row back; a second look a moment later removes a row older than this write.
   */
  async invalidate(written: Pick<JobRecord, 'id' | 'updated_at'>): Promise<void> {
    await this.remove(written.id);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.removeIfOlder(written);
    }, STALE_CHECK_MS);
    timer.unref();
    this.timers.add(timer);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private loadOnce(jobId: string, userId: string): Promise<JobRecord | null> {
    const flightKey = `${jobId}/${userId}`;
    const pending = this.inflight.get(flightKey);
    if (pending) return pending;
    const loading = this.load(jobId, userId).finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, loading);
    return loading;
  }

  private async load(jobId: string, userId: string): Promise<JobRecord | null> {
    const record = await this.repository.findForUser(jobId, userId);
    if (record) await this.write(record);
    return record;
  }

  private async read(jobId: string): Promise<JobRecord | undefined> {
    if (this.store.closed) return undefined;
    try {
      return (await this.cache.get<JobRecord>(jobStatusKey(jobId))) ?? undefined;
    } catch (err) {
      this.logger.warn({ err, job_id: jobId }, 'job status cache read failed; using the database');
      return undefined;
    }
  }

  private async write(record: JobRecord): Promise<void> {
    if (this.store.closed) return;
    try {
      await this.cache.set(jobStatusKey(record.id), record, this.ttlMs);
    } catch (err) {
      this.logger.warn({ err, job_id: record.id }, 'job status cache write failed');
    }
  }

  private async removeIfOlder(written: Pick<JobRecord, 'id' | 'updated_at'>): Promise<void> {
    const cached = await this.read(written.id);
    if (cached && cached.updated_at < written.updated_at) await this.remove(written.id);
  }

  private async remove(jobId: string): Promise<void> {
    if (this.store.closed) return;
    try {
      await this.cache.del(jobStatusKey(jobId));
    } catch (err) {
      this.logger.warn({ err, job_id: jobId }, 'job status cache invalidation failed');
    }
  }
}
