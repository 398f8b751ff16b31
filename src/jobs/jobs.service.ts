import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { ApiError } from '../common/errors/api-error';
import { ErrorCode, isTerminal, JobStatus } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { ConversionJobsRepository } from '../database/conversion-jobs.repository';
import type { JobRecord } from '../database/job-record';
import { PipelineDispatcher } from '../pipeline/pipeline-dispatcher.service';
import { storagePaths } from '../storage/storage-paths';
import { StorageNotFoundError, StorageService } from '../storage/storage.service';
import { JobStateService } from './job-state.service';
import { JobStatusCache } from './job-status-cache.service';
import type { JobListDto } from './dto/job.dto';
import { JobDto } from './dto/job.dto';

export interface EpubDownload {
  stream: Readable;
  fileName: string;
}

/** "Annual Report (final).pdf" → "Annual Report (final).epub". */
export function epubFileName(originalFilename: string): string {
  const base = originalFilename.replace(/\.pdf$/i, '').trim() || 'book';
  return `${base}.epub`;
}

export interface CancelOutcome {
  job: JobDto;
  /** True when the job was CANCELLED before this request (answered 200 rather than 202). */
  alreadyCancelled: boolean;
}

function finishedOutcome(job: JobRecord): CancelOutcome {
  if (job.status === JobStatus.CANCELLED) return { job: JobDto.from(job), alreadyCancelled: true };
  throw new ApiError(
    HttpStatus.CONFLICT,
    ErrorCode.JOB_ALREADY_FINISHED,
    `The job has already finished (${job.status}); there is nothing to cancel.`,
  );
}

@Injectable()
export class JobsService {
  constructor(
    private readonly cache: JobStatusCache,
    private readonly repository: ConversionJobsRepository,
    private readonly state: JobStateService,
    private readonly dispatcher: PipelineDispatcher,
    private readonly storage: StorageService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async get(jobId: string, userId: string): Promise<JobDto> {
    return JobDto.from(await this.require(jobId, userId));
  }

  async list(userId: string, page: number, pageSize: number): Promise<JobListDto> {
    const { items, total } = await this.repository.listForUser(userId, pageSize, (page - 1) * pageSize);
    return { items: items.map((item) => JobDto.from(item)), total, page, page_size: pageSize };
  }

  async openDownload(jobId: string, userId: string): Promise<EpubDownload> {
    const job = await this.require(jobId, userId);
    if (job.status !== JobStatus.COMPLETED) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        ErrorCode.JOB_NOT_COMPLETED,
        `The EPUB is not ready: the job is ${job.status}.`,
      );
    }
    const key = job.output_path ?? storagePaths.output({ userId: job.user_id, jobId: job.id });
    try {
      return { stream: await this.storage.getStream(key), fileName: epubFileName(job.original_filename) };
    } catch (err) {
      if (!(err instanceof StorageNotFoundError)) throw err;
      this.logger.error({ job_id: job.id }, 'completed job has no EPUB in storage');
      throw new ApiError(
        HttpStatus.GONE,
        ErrorCode.OUTPUT_MISSING,
        'The EPUB of this job is no longer available.',
      );
    }
  }

  /**
   * Cancels a job. Not finished: marks it deleted (202); with no stage running it becomes CANCELLED now and its
   * queued stage is removed, a running stage sees deleted_at at its next checkpoint and cancels the job then.
   * Already CANCELLED: 200, nothing changes. COMPLETED or FAILED: 409, there is nothing left to cancel.
   */
  async cancel(jobId: string, userId: string): Promise<CancelOutcome> {
    const current = await this.repository.findForUser(jobId, userId);
    if (!current) throw ApiError.notFound();
    if (isTerminal(current.status)) return finishedOutcome(current);
    const job = await this.state.markDeleted(jobId, userId);
    if (!job) throw ApiError.notFound();
    if (isTerminal(job.status)) return finishedOutcome(job);
    const removal = await this.dispatcher.removePending(job.id);
    this.logger.info({ job_id: job.id, removed: removal.removed, active: removal.active }, 'job deleted');
    if (removal.active) return { job: JobDto.from(job), alreadyCancelled: false };
    return { job: JobDto.from((await this.state.cancel(job.id)) ?? job), alreadyCancelled: false };
  }

  private async require(jobId: string, userId: string): Promise<JobRecord> {
    const job = await this.cache.getForUser(jobId, userId);
    if (!job) throw ApiError.notFound();
    return job;
  }
}
