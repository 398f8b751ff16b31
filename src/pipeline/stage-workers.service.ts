/**
 * The worker side of the pipeline: one BullMQ Worker per stage queue, created here (not through @Processor)
 * so that their lock/stall settings, retry backoff and shutdown come from configuration:
 *
 * - lock/stall (stall-settings.ts): a healthy stage keeps its lock; a dead worker's stage is taken again within
 *   WORKER_LOCK_DURATION_S + WORKER_STALLED_INTERVAL_S; more than WORKER_MAX_STALLED_COUNT stalls → WORKER_LOST;
 * - every terminal BullMQ failure also reaches the database ('failed' listener), including those that never ran
 *   the stage's own catch (stalled too often, errors before the stage started);
 * - cancellation broadcasts are heard here and abort the stage running in this process;
 * - graceful shutdown: stop taking jobs, give active stages WORKER_SHUTDOWN_GRACE_S, then abort them and hand
 *   their jobs back to the queue (no attempt counted) for another worker.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { isTerminal, type Stage } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { redisOptionsFromUrl } from '../common/redis/redis-options';
import { AppConfig } from '../config';
import { ConversionJobsRepository } from '../database/conversion-jobs.repository';
import { JobStateService } from '../jobs/job-state.service';
import { storagePaths } from '../storage/storage-paths';
import { StorageService } from '../storage/storage.service';
import {
  CancellationBus,
  classifyError,
  isStalledTooMany,
  RunningStages,
  stageWorkerOptions,
  USER_MESSAGES,
  type StallSettings,
} from './failure';
import { queueNameOf, type StageJobData } from './pipeline.constants';
import { STAGE_PROCESSOR_LIST, type StageProcessorList } from './processors';
import { ShutdownAbort, StageExecutor } from './stage-executor.service';

/** After the grace period and the abort, how long handed-back stages get to reach a checkpoint. */
const HAND_BACK_WAIT_MS = 10_000;

export function stallSettingsFrom(config: AppConfig): StallSettings {
  return {
    lockDurationMs: config.get('WORKER_LOCK_DURATION_S') * 1000,
    stalledIntervalMs: config.get('WORKER_STALLED_INTERVAL_S') * 1000,
    maxStalledCount: config.get('WORKER_MAX_STALLED_COUNT'),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

@Injectable()
export class StageWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers = new Map<Stage, Worker<StageJobData>>();
  private readonly log: Logger;

  constructor(
    private readonly config: AppConfig,
    private readonly executor: StageExecutor,
    private readonly running: RunningStages,
    private readonly bus: CancellationBus,
    private readonly repository: ConversionJobsRepository,
    private readonly state: JobStateService,
    private readonly storage: StorageService,
    @Inject(STAGE_PROCESSOR_LIST) private readonly processors: StageProcessorList,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.log = rootLogger.child({ component: 'stage-workers' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.listen();
    const options = {
      connection: { ...redisOptionsFromUrl(this.config.get('REDIS_URL')), maxRetriesPerRequest: null },
      prefix: this.config.get('QUEUE_NAME'),
      concurrency: this.config.get('WORKER_CONCURRENCY'),
      ...stageWorkerOptions(stallSettingsFrom(this.config), this.executor.retryPolicy),
    };
    for (const processor of this.processors) {
      const stage = processor.stage;
      const worker = new Worker<StageJobData>(
        queueNameOf(stage),
        (job, token) => processor.process(job, token, this.log),
        options,
      );
      worker.on('failed', (job, err) => void this.onFailed(stage, job, err));
      worker.on('stalled', (jobId) =>
        this.log.warn({ stage, bull_job_id: jobId }, 'stage job stalled; re-queued'),
      );
      worker.on('error', (err) => this.log.error({ err, stage }, 'stage worker error'));
      this.workers.set(stage, worker);
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    const workers = [...this.workers.values()];
    await Promise.all(workers.map((worker) => worker.pause(true)));
    const finished = await this.waitForIdle(this.config.get('WORKER_SHUTDOWN_GRACE_S') * 1000);
    if (!finished) {
      const told = this.running.abortAll(new ShutdownAbort());
      this.log.warn({ signal, stages: told }, 'shutdown grace over; handing active stages back to the queue');
      if (!(await this.waitForIdle(HAND_BACK_WAIT_MS)))
        this.log.error('stages still running at shutdown; they will stall');
    }
    await Promise.all(workers.map((worker) => worker.close(!finished && this.running.size > 0)));
    await this.bus.close();
  }

  private async waitForIdle(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.running.size > 0 && Date.now() < deadline) await sleep(100);
    return this.running.size === 0;
  }

  /** A stage job failed for good (no retry left): make sure the row says so too. */
  private async onFailed(stage: Stage, job: Job<StageJobData> | undefined, err: Error): Promise<void> {
    if (!job) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      const row = await this.repository.findById(job.data.jobId);
      if (!row || isTerminal(row.status)) return;
      const log = this.log.child({ job_id: row.id, stage });
      if (row.deleted_at) {
        await this.state.cancel(row.id);
      } else if (isStalledTooMany(err)) {
        await this.state.fail(row.id, 'WORKER_LOST', USER_MESSAGES.WORKER_LOST);
        log.error({ reason: err.message }, 'stage stalled too often; job failed');
      } else {
        const failure = classifyError(err);
        await this.state.fail(row.id, failure.code, failure.userMessage);
        log.error({ err, code: failure.code }, 'stage job failed outside the stage; job failed');
      }
      const ref = { userId: row.user_id, jobId: row.id };
      for (const prefix of [
        storagePaths.workPrefix(ref),
        storagePaths.output(ref).replace(/output\.epub$/, ''),
      ]) {
        await this.storage.removePrefix(prefix).catch(() => undefined);
      }
    } catch (listenerErr) {
      this.log.error({ err: listenerErr, stage }, 'could not record a failed stage job');
    }
  }
}
