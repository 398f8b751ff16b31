/**
 * Runs one stage of one job; the stage workers (stage-workers.service.ts) are thin adapters over `execute`.
 * Steps: cancellation check → compare-and-set status/progress/stage_metadata → inputs from storage into a
 * per-job temp dir → the stage in its killable worker thread (runStageIsolated: soft timeout and cancellation
 * as an AbortSignal, hard timeout) → outputs to storage → duration into stage_metadata → next stage enqueued
 * (or COMPLETED). The temp dir is always removed.
 *
 * Failures (README.md, "Failure semantics"): cancellation → CANCELLED and the job's files removed; a transient error
 * with tries left → stage_metadata records the retry and the error is rethrown for BullMQ to retry this stage
 * only; a permanent error or the last try → FAILED with the classified code and message, files removed;
 * a graceful shutdown → {@link StageHandedBack}, nothing written, the job goes back to the queue.
 */
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  isTerminal,
  JobStatus,
  nextStage,
  STAGE_STATUS,
  STATUS_PROGRESS,
  statusBefore,
  type Stage,
} from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { AppConfig } from '../config';
import { ConversionError } from '../conversion/errors';
import { runStageIsolated } from '../conversion/runner';
import type { StageOutcome } from '../conversion/run-stage';
import { WORK_FILES } from '../conversion/workdir';
import { ConversionJobsRepository } from '../database/conversion-jobs.repository';
import type { JobRecord, StageMetadata } from '../database/job-record';
import { JobStateService } from '../jobs/job-state.service';
import { storagePaths, type JobRef } from '../storage/storage-paths';
import { StorageService } from '../storage/storage.service';
import { AiEnhancementService } from './ai-enhancement.service';
import { classifyError, createRetryPolicy, nextRetryAt, RunningStages, type RetryPolicy } from './failure';
import { PipelineDispatcher } from './pipeline-dispatcher.service';
import type { StageJobData } from './pipeline.constants';
import { PipelineErrorLog } from './pipeline-error-log';
import { downloadStageInputs, uploadStageOutputs } from './stage-files';

/** Thrown inside `execute` when a checkpoint finds the job deleted or already finished. */
class JobCancelled extends Error {}

/** The stage was stopped by a graceful shutdown; its BullMQ job should go back to the queue untouched. */
export class StageHandedBack extends Error {
  constructor() {
    super('stage handed back to the queue by a worker shutdown');
    this.name = 'StageHandedBack';
  }
}

/** Abort reason used by a graceful shutdown (see StageWorkers). */
export class ShutdownAbort extends Error {
  constructor() {
    super('worker shutting down');
    this.name = 'ShutdownAbort';
  }
}

/** Tries of this BullMQ stage job: `attemptsMade` finished before this one, `attempts` allowed in all. */
export interface AttemptInfo {
  attemptsMade: number;
  attempts: number;
}

const SOFT_TIMEOUT_MESSAGE = 'The conversion took too long and was stopped.';
/** A running stage checks deleted_at this often, besides hearing the cancellation broadcast. */
const CANCEL_POLL_MS = 3000;
/** After an abort, a stage that reaches no checkpoint (e.g. a long AI call) is terminated after this long. */
const ABORT_GRACE_MS = 60_000;
/** Heap ceiling of a stage's thread: a pathological PDF fails alone instead of taking the process down. */
export const STAGE_MEMORY_LIMIT_MB = 4096;

@Injectable()
export class StageExecutor {
  readonly retryPolicy: RetryPolicy;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: ConversionJobsRepository,
    private readonly state: JobStateService,
    private readonly storage: StorageService,
    private readonly dispatcher: PipelineDispatcher,
    private readonly errorLog: PipelineErrorLog,
    private readonly running: RunningStages,
    private readonly ai: AiEnhancementService,
    @Inject(ROOT_LOGGER) private readonly rootLogger: Logger,
  ) {
    this.retryPolicy = createRetryPolicy(config.get('RETRY_DELAYS_S'));
  }

  async execute(
    stage: Stage,
    data: StageJobData,
    attempt: AttemptInfo = { attemptsMade: 0, attempts: 1 },
  ): Promise<void> {
    const log = this.rootLogger.child({ job_id: data.jobId, stage, attempt: attempt.attemptsMade + 1 });
    const job = await this.begin(stage, data, attempt, log);
    if (!job) return;
    const ref: JobRef = { userId: job.user_id, jobId: job.id };
    const controller = new AbortController();
    const untrack = this.running.track(job.id, controller);
    const stopWatching = this.watchForCancellation(job.id, controller, log);
    const workDir = await mkdtemp(join(tmpdir(), `pdf2epub-${job.id}-`));
    const startedAt = performance.now();
    try {
      await downloadStageInputs(this.storage, ref, stage, workDir);
      const outcome = await this.runStage(stage, workDir, controller, log);
      await this.ai.afterStage(stage, job, workDir, controller.signal, log);
      await this.checkpoint(job.id);
      await uploadStageOutputs(this.storage, ref, stage, workDir);
      const durationMs = performance.now() - startedAt;
      await this.state.recordStageDone(job.id, stage, durationMs, pageCountOf(stage, outcome));
      log.info(
        { duration_ms: Math.round(durationMs), summary: outcome.summary, warnings: outcome.warnings },
        'stage done',
      );
      await this.advance(stage, ref, workDir, log);
    } catch (err) {
      if (controller.signal.reason instanceof ShutdownAbort) throw new StageHandedBack();
      await this.handleFailure(stage, job, err, attempt, log);
    } finally {
      stopWatching();
      untrack();
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Cancellation check, then the compare-and-set that marks the stage as started. Null: nothing to do. */
  private async begin(
    stage: Stage,
    data: StageJobData,
    attempt: AttemptInfo,
    log: Logger,
  ): Promise<JobRecord | null> {
    const current = await this.repository.findById(data.jobId);
    if (!current) {
      log.warn('job row not found; stage skipped');
      return null;
    }
    if (isTerminal(current.status)) {
      log.info({ status: current.status }, 'job already finished; stage skipped');
      return null;
    }
    if (current.deleted_at) {
      await this.cancel(current, log);
      return null;
    }
    const status = STAGE_STATUS[stage];
    const progress = STATUS_PROGRESS[status] ?? 0;
    const stageMetadata: StageMetadata = {
      current_stage: stage,
      progress_percent: progress,
      stage_started_at: new Date().toISOString(),
      attempt: attempt.attemptsMade + 1,
      max_attempts: attempt.attempts,
    };
    if (current.stage_metadata.retry) stageMetadata.retry = null;
    const started = await this.state.transition(
      current.id,
      [statusBefore(stage), status],
      status,
      { progress, stageMetadata },
      true,
    );
    if (!started) {
      const latest = await this.repository.findById(current.id);
      if (latest?.deleted_at && !isTerminal(latest.status)) await this.cancel(latest, log);
      else log.warn({ status: latest?.status }, 'job is not where this stage expects it; stage skipped');
      return null;
    }
    log.info({ status, progress }, 'stage started');
    return started;
  }

  private async runStage(
    stage: Stage,
    workDir: string,
    controller: AbortController,
    log: Logger,
  ): Promise<StageOutcome> {
    const softTimeout = setTimeout(
      () => {
        log.warn(
          { soft_timeout_s: this.config.get('JOB_SOFT_TIMEOUT_S') },
          'soft timeout reached; stopping the stage',
        );
        controller.abort(new ConversionError('TIMEOUT', SOFT_TIMEOUT_MESSAGE));
      },
      this.config.get('JOB_SOFT_TIMEOUT_S') * 1000,
    );
    try {
      return await runStageIsolated(stage, workDir, {
        signal: controller.signal,
        maxPages: this.config.get('MAX_PAGES'),
        hardTimeoutMs: this.config.get('JOB_HARD_TIMEOUT_S') * 1000,
        abortGraceMs: ABORT_GRACE_MS,
        memoryLimitMb: STAGE_MEMORY_LIMIT_MB,
      });
    } finally {
      clearTimeout(softTimeout);
    }
  }

  /** Fallback for a missed broadcast: look at deleted_at every few seconds while the stage runs. */
  private watchForCancellation(jobId: string, controller: AbortController, log: Logger): () => void {
    const timer = setInterval(() => {
      this.repository.findById(jobId).then(
        (row) => {
          if (row && (row.deleted_at || isTerminal(row.status)) && !controller.signal.aborted) {
            controller.abort(new ConversionError('CANCELLED', 'The conversion was cancelled.'));
          }
        },
        (err: unknown) => log.warn({ err }, 'cancellation poll failed'),
      );
    }, CANCEL_POLL_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Enqueue the next stage, or — after the quality stage — store the report and complete the job. */
  private async advance(stage: Stage, ref: JobRef, workDir: string, log: Logger): Promise<void> {
    const next = nextStage(stage);
    if (next) {
      await this.checkpoint(ref.jobId);
      await this.dispatcher.enqueue(next, { jobId: ref.jobId, userId: ref.userId });
      return;
    }
    const report = JSON.parse(await readFile(join(workDir, WORK_FILES.quality), 'utf8')) as unknown;
    const completed = await this.state.transition(
      ref.jobId,
      [JobStatus.GENERATING],
      JobStatus.COMPLETED,
      {
        progress: 100,
        stageMetadata: { current_stage: stage, progress_percent: 100 },
        qualityReport: report,
        outputPath: storagePaths.output(ref),
        completed: true,
      },
      true,
    );
    if (!completed) throw new JobCancelled();
    log.info('job completed');
    await this.removeFiles(ref, log, false);
  }

  private async checkpoint(jobId: string): Promise<void> {
    const latest = await this.repository.findById(jobId);
    if (!latest || latest.deleted_at || isTerminal(latest.status)) throw new JobCancelled();
  }

  /** CANCELLED (compare-and-set: never over a terminal status), then the job's artifacts and output removed. */
  private async cancel(job: JobRecord, log: Logger): Promise<void> {
    const cancelled = await this.state.cancel(job.id);
    if (cancelled) log.info('job cancelled');
    await this.removeFiles({ userId: job.user_id, jobId: job.id }, log, true);
  }

  private async handleFailure(
    stage: Stage,
    job: JobRecord,
    err: unknown,
    attempt: AttemptInfo,
    log: Logger,
  ): Promise<void> {
    if (err instanceof JobCancelled || (err instanceof ConversionError && err.code === 'CANCELLED')) {
      const latest = await this.repository.findById(job.id);
      if (latest && !isTerminal(latest.status)) await this.cancel(latest, log);
      return;
    }
    const failure = classifyError(err);
    const error = err instanceof Error ? err : new Error(String(err));
    const triesMade = attempt.attemptsMade + 1;
    if (failure.kind === 'transient' && triesMade < attempt.attempts) {
      await this.recordRetry(stage, job, failure, triesMade, attempt.attempts, log, error);
      throw err;
    }
    // Files first, then the status: a client that sees FAILED never finds leftovers. Not if the job already
    // ended otherwise (e.g. another run of this stage completed it after a Redis data loss).
    const latest = await this.repository.findById(job.id);
    if (latest && !isTerminal(latest.status))
      await this.removeFiles({ userId: job.user_id, jobId: job.id }, log, true);
    await this.state.fail(job.id, failure.code, failure.userMessage);
    log.error({ err: error, code: failure.code, kind: failure.kind, tries: triesMade }, 'stage failed');
    await this.errorLog
      .append({ job_id: job.id, stage, code: failure.code, message: error.message, stack: error.stack })
      .catch((logErr: unknown) => log.error({ err: logErr }, 'could not write the pipeline error log'));
    throw new UnrecoverableError(`${failure.code}: ${failure.userMessage}`);
  }

  private async recordRetry(
    stage: Stage,
    job: JobRecord,
    failure: ReturnType<typeof classifyError>,
    triesMade: number,
    attempts: number,
    log: Logger,
    error: Error,
  ): Promise<void> {
    const retry = {
      stage,
      attempt: triesMade,
      max_attempts: attempts,
      last_error: { code: failure.code, message: failure.userMessage },
      failed_at: new Date().toISOString(),
      next_retry_at: nextRetryAt(this.retryPolicy, triesMade)?.toISOString() ?? null,
    };
    const history = Array.isArray(job.stage_metadata.retries)
      ? (job.stage_metadata.retries as unknown[])
      : [];
    const status = STAGE_STATUS[stage];
    await this.state.transition(
      job.id,
      [status],
      status,
      { stageMetadata: { retry, retries: [...history, retry] } },
      true,
    );
    log.warn(
      { err: error, code: failure.code, next_retry_at: retry.next_retry_at, tries: triesMade },
      'stage will be retried',
    );
  }

  /** Stage artifacts always; the output EPUB too unless the job completed. Failures here are only logged. */
  private async removeFiles(ref: JobRef, log: Logger, includeOutput: boolean): Promise<void> {
    const prefixes = [storagePaths.workPrefix(ref)];
    if (includeOutput) prefixes.push(storagePaths.output(ref).replace(/output\.epub$/, ''));
    for (const prefix of prefixes) {
      await this.storage
        .removePrefix(prefix)
        .catch((err: unknown) => log.warn({ err, prefix }, 'could not remove files'));
    }
  }
}

function pageCountOf(stage: Stage, outcome: StageOutcome): number | undefined {
  const pages = outcome.summary.pageCount;
  return stage === 'analyze_layout' && typeof pages === 'number' ? pages : undefined;
}
