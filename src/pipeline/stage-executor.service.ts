/**
 * Runs one stage of one job; every stage processor is a thin adapter over `execute`. Steps: cancellation check →
 * compare-and-set status/progress/stage_metadata → inputs from storage into a per-job temp dir → the stage
 * (runStageIsolated) → outputs to storage → duration into stage_metadata → next stage enqueued (or COMPLETED).
 * The temp dir is always removed.
 */
import { Inject, Injectable } from '@nestjs/common';
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
import { ConversionError, isConversionError } from '../conversion/errors';
import { runStageIsolated } from '../conversion/runner';
import type { StageOutcome } from '../conversion/run-stage';
import { WORK_FILES } from '../conversion/workdir';
import { ConversionJobsRepository } from '../database/conversion-jobs.repository';
import type { JobRecord } from '../database/job-record';
import { JobStateService } from '../jobs/job-state.service';
import { storagePaths, type JobRef } from '../storage/storage-paths';
import { StorageService } from '../storage/storage.service';
import { PipelineDispatcher } from './pipeline-dispatcher.service';
import type { StageJobData } from './pipeline.constants';
import { PipelineErrorLog } from './pipeline-error-log';
import { downloadStageInputs, uploadStageOutputs } from './stage-files';

/** Thrown inside `execute` when a checkpoint finds the job deleted. */
class JobCancelled extends Error {}

const GENERIC_FAILURE = 'An internal error occurred while converting the document.';
const TIMEOUT_MESSAGE = 'The conversion took too long and was stopped.';

/** Conversion messages are meant for users; still, never let a path or an overlong text through. */
export function sanitizeMessage(message: string): string {
  return message
    .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@-]+){2,}[\\/]?/g, '[path]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

@Injectable()
export class StageExecutor {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: ConversionJobsRepository,
    private readonly state: JobStateService,
    private readonly storage: StorageService,
    private readonly dispatcher: PipelineDispatcher,
    private readonly errorLog: PipelineErrorLog,
    @Inject(ROOT_LOGGER) private readonly rootLogger: Logger,
  ) {}

  async execute(stage: Stage, data: StageJobData): Promise<void> {
    const log = this.rootLogger.child({ job_id: data.jobId, stage });
    const job = await this.begin(stage, data, log);
    if (!job) return;
    const ref: JobRef = { userId: job.user_id, jobId: job.id };
    const workDir = await mkdtemp(join(tmpdir(), `pdf2epub-${job.id}-`));
    const startedAt = performance.now();
    try {
      await downloadStageInputs(this.storage, ref, stage, workDir);
      const outcome = await this.runStage(stage, workDir);
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
      await this.handleFailure(stage, job.id, err, log);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Cancellation check, then the compare-and-set that marks the stage as started. Null: nothing to do. */
  private async begin(stage: Stage, data: StageJobData, log: Logger): Promise<JobRecord | null> {
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
      await this.cancel(current.id, log);
      return null;
    }
    const status = STAGE_STATUS[stage];
    const progress = STATUS_PROGRESS[status] ?? 0;
    const started = await this.state.transition(
      current.id,
      [statusBefore(stage), status],
      status,
      {
        progress,
        stageMetadata: {
          current_stage: stage,
          progress_percent: progress,
          stage_started_at: new Date().toISOString(),
        },
      },
      true,
    );
    if (!started) {
      const latest = await this.repository.findById(current.id);
      if (latest?.deleted_at && !isTerminal(latest.status)) await this.cancel(current.id, log);
      else log.warn({ status: latest?.status }, 'job is not where this stage expects it; stage skipped');
      return null;
    }
    log.info({ status, progress }, 'stage started');
    return started;
  }

  private async runStage(stage: Stage, workDir: string): Promise<StageOutcome> {
    const controller = new AbortController();
    const softTimeout = setTimeout(
      () => controller.abort(new ConversionError('TIMEOUT', TIMEOUT_MESSAGE)),
      this.config.get('JOB_SOFT_TIMEOUT_S') * 1000,
    );
    try {
      return await runStageIsolated(stage, workDir, {
        signal: controller.signal,
        maxPages: this.config.get('MAX_PAGES'),
        hardTimeoutMs: this.config.get('JOB_HARD_TIMEOUT_S') * 1000,
      });
    } finally {
      clearTimeout(softTimeout);
    }
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
    await this.removeWorkFiles(ref, log);
  }

  private async checkpoint(jobId: string): Promise<void> {
    const latest = await this.repository.findById(jobId);
    if (!latest || latest.deleted_at || isTerminal(latest.status)) throw new JobCancelled();
  }

  private async cancel(jobId: string, log: Logger): Promise<void> {
    const cancelled = await this.state.cancel(jobId);
    if (cancelled) log.info('job cancelled');
  }

  private async handleFailure(stage: Stage, jobId: string, err: unknown, log: Logger): Promise<void> {
    if (err instanceof JobCancelled || (isConversionError(err) && err.code === 'CANCELLED')) {
      const latest = await this.repository.findById(jobId);
      if (latest && !isTerminal(latest.status)) await this.cancel(jobId, log);
      return;
    }
    const { code, message } = describeFailure(err);
    await this.state.fail(jobId, code, message);
    const error = err instanceof Error ? err : new Error(String(err));
    log.error({ err: error, code }, 'stage failed');
    await this.errorLog
      .append({ job_id: jobId, stage, code, message: error.message, stack: error.stack })
      .catch((logErr: unknown) => log.error({ err: logErr }, 'could not write the pipeline error log'));
  }

  private async removeWorkFiles(ref: JobRef, log: Logger): Promise<void> {
    await this.storage
      .removePrefix(storagePaths.workPrefix(ref))
      .catch((err: unknown) => log.warn({ err }, 'could not remove the work files'));
  }
}

function pageCountOf(stage: Stage, outcome: StageOutcome): number | undefined {
  const pages = outcome.summary.pageCount;
  return stage === 'analyze_layout' && typeof pages === 'number' ? pages : undefined;
}

/** The code and user-facing message a failed job shows. */
export function describeFailure(err: unknown): { code: string; message: string } {
  if (isConversionError(err) && err.permanent)
    return { code: err.code, message: sanitizeMessage(err.message) };
  if (isConversionError(err) && err.code === 'TIMEOUT') return { code: 'TIMEOUT', message: TIMEOUT_MESSAGE };
  return { code: 'INTERNAL_ERROR', message: GENERIC_FAILURE };
}
