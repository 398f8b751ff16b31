/**
 * Every write of a job row goes through here: the database first (compare-and-set on the status), then the
 * status cache is invalidated, then in-process listeners hear about the change (logs, tests).
 */
import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { JobStatus } from '../common/enums';
import {
  ConversionJobsRepository,
  type NewJob,
  type StatusChange,
} from '../database/conversion-jobs.repository';
import type { JobRecord } from '../database/job-record';
import { JobStatusCache } from './job-status-cache.service';

export type JobChangeListener = (record: JobRecord) => void;

@Injectable()
export class JobStateService {
  private readonly events = new EventEmitter().setMaxListeners(100);

  constructor(
    private readonly repository: ConversionJobsRepository,
    private readonly cache: JobStatusCache,
  ) {}

  /** Subscribe to every committed change of any job row in this process; returns the unsubscribe function. */
  onChange(listener: JobChangeListener): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  async create(job: NewJob): Promise<JobRecord> {
    return this.changed(await this.repository.create(job));
  }

  /** Compare-and-set status write; null when the job was not in one of the `from` statuses (or, live only, deleted). */
  async transition(
    id: string,
    from: readonly JobStatus[],
    to: JobStatus,
    change: StatusChange = {},
    requireLive = false,
  ): Promise<JobRecord | null> {
    return this.changed(await this.repository.transition(id, from, to, change, requireLive));
  }

  async fail(id: string, errorCode: string, errorMessage: string): Promise<JobRecord | null> {
    return this.changed(await this.repository.fail(id, errorCode, errorMessage));
  }

  async cancel(id: string): Promise<JobRecord | null> {
    return this.changed(await this.repository.cancel(id));
  }

  async recordStageDone(
    id: string,
    stage: string,
    durationMs: number,
    pageCount?: number,
  ): Promise<JobRecord | null> {
    return this.changed(await this.repository.recordStageDone(id, stage, durationMs, pageCount));
  }

  async markDeleted(id: string, userId: string): Promise<JobRecord | null> {
    return this.changed(await this.repository.markDeleted(id, userId));
  }

  private async changed<T extends JobRecord | null>(record: T): Promise<T> {
    if (record) {
      await this.cache.invalidate(record);
      this.events.emit('change', record);
    }
    return record;
  }
}
