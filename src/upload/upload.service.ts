import { HttpStatus, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { ApiError } from '../common/errors/api-error';
import { ErrorCode, JobStatus } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { IdempotencyService, sha256OfFile } from '../common/security/idempotency.service';
import { JobStateService } from '../jobs/job-state.service';
import { JobStatusCache } from '../jobs/job-status-cache.service';
import type { JobAcceptedDto } from '../jobs/dto/job.dto';
import { PipelineDispatcher } from '../pipeline/pipeline-dispatcher.service';
import { storagePaths } from '../storage/storage-paths';
import { StorageService } from '../storage/storage.service';

/** The part of multer's file object this service needs (multer wrote it to a temp file). */
export interface ReceivedFile {
  path: string;
  originalname: string;
  size: number;
}

const PDF_MAGIC = Buffer.from('%PDF-');

/** Keeps the last path segment, drops control characters, bounds the length; never empty. */
export function cleanFileName(name: string): string {
  const printable = [...name]
    .filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f)
    .join('');
  const cleaned = basename(printable.replace(/\\/g, '/')).trim();
  return (cleaned || 'document.pdf').slice(0, 255);
}

async function startsWithPdfMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(PDF_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(PDF_MAGIC);
  } finally {
    await handle.close();
  }
}

export interface UploadOutcome {
  body: JobAcceptedDto;
  /** A retry with an Idempotency-Key already used for this file: the original job, nothing new started. */
  replayed: boolean;
}

@Injectable()
export class UploadService implements OnModuleInit {
  private idempotency?: IdempotencyService;

  constructor(
    private readonly storage: StorageService,
    private readonly state: JobStateService,
    private readonly cache: JobStatusCache,
    private readonly dispatcher: PipelineDispatcher,
    private readonly moduleRef: ModuleRef,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** IdempotencyService lives in SecurityModule (a sibling of UploadModule), hence the app-wide lookup. */
  onModuleInit(): void {
    try {
      this.idempotency = this.moduleRef.get(IdempotencyService, { strict: false });
    } catch {
      this.logger.warn('SecurityModule is not loaded: the Idempotency-Key header is ignored');
    }
  }

  /**
   * Stores the PDF, commits the UPLOADED row, enqueues the first stage — all before answering. With an
   * Idempotency-Key already used for the same file, answers with that job instead.
   */
  async accept(
    userId: string,
    file: ReceivedFile | undefined,
    idempotencyKey?: string,
  ): Promise<UploadOutcome> {
    if (!file) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        ErrorCode.FILE_REQUIRED,
        'Send the PDF in the multipart field "file".',
      );
    }
    try {
      if (!(await startsWithPdfMagic(file.path))) {
        throw new ApiError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          ErrorCode.UNSUPPORTED_FORMAT,
          'The file is not a PDF.',
        );
      }
      const createJob = () => this.createJob(userId, file);
      if (!idempotencyKey || !this.idempotency) {
        return { body: { job_id: await createJob(), status: JobStatus.UPLOADED }, replayed: false };
      }
      const outcome = await this.idempotency.run(
        userId,
        idempotencyKey,
        await sha256OfFile(file.path),
        createJob,
      );
      if (!outcome.replayed)
        return { body: { job_id: outcome.jobId, status: JobStatus.UPLOADED }, replayed: false };
      const original = await this.cache.getForUser(outcome.jobId, userId);
      if (!original) throw ApiError.notFound();
      return { body: { job_id: original.id, status: original.status }, replayed: true };
    } finally {
      await rm(file.path, { force: true });
    }
  }

  private async createJob(userId: string, file: ReceivedFile): Promise<string> {
    const jobId = randomUUID();
    const ref = { userId, jobId };
    const inputPath = storagePaths.input(ref);
    await this.storage.putFile(inputPath, file.path, 'application/pdf');
    await this.state.create({
      id: jobId,
      userId,
      originalFilename: cleanFileName(file.originalname),
      inputPath,
    });
    await this.dispatch(ref);
    this.logger.info({ job_id: jobId, bytes: file.size }, 'upload accepted');
    return jobId;
  }

  /** If the first stage cannot be enqueued the job is FAILED (not left UPLOADED) and the client gets a 503. */
  private async dispatch(ref: { userId: string; jobId: string }): Promise<void> {
    try {
      await this.dispatcher.start(ref);
    } catch (err) {
      this.logger.error({ err, job_id: ref.jobId }, 'could not enqueue the first stage');
      await this.state.fail(ref.jobId, ErrorCode.DISPATCH_FAILED, 'The conversion could not be started.');
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.DISPATCH_FAILED,
        'The conversion could not be started; please try again later.',
      );
    }
  }
}
