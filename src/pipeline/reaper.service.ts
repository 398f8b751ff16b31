/**
 * Runs the reaper (failure/reaper.ts) every REAPER_INTERVAL_S in every instance; the advisory lock makes one
 * instance at a time do the work. Finds orphaned rows (no stage job: the API died before enqueueing, or Redis
 * lost its data) and re-dispatches them; cancels deleted ones; fails rows stuck past the hard timeout + grace.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { JobStatus, Stage } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { AppConfig } from '../config';
import { ConversionJobsRepository } from '../database/conversion-jobs.repository';
import { PG_POOL } from '../database/database.tokens';
import type { JobRecord } from '../database/job-record';
import { JobStateService } from '../jobs/job-state.service';
import { storagePaths } from '../storage/storage-paths';
import { StorageService } from '../storage/storage.service';
import { advisoryLockKey, Reaper, type ReapResult, type ReaperJobs, type ReaperQueues } from './failure';
import { PipelineDispatcher } from './pipeline-dispatcher.service';

/** Re-dispatches of one row before it is given up as WORKER_LOST. */
const MAX_DISPATCHES = 3;

@Injectable()
export class ReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly reaper: Reaper;
  private timer?: NodeJS.Timeout;
  private round?: Promise<unknown>;
  private readonly log: Logger;
  private readonly intervalMs: number;

  constructor(
    config: AppConfig,
    @Inject(PG_POOL) pool: Pool,
    repository: ConversionJobsRepository,
    state: JobStateService,
    storage: StorageService,
    dispatcher: PipelineDispatcher,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.intervalMs = config.get('REAPER_INTERVAL_S') * 1000;
    this.log = rootLogger.child({ component: 'reaper' });
    const jobs: ReaperJobs = {
      findIdle: (idleMs) => repository.findIdle(idleMs),
      fail: (id, code, message) => state.fail(id, code, message),
      cancel: (id) => state.cancel(id),
      noteMetadata: (id: string, status: JobStatus, metadata: Record<string, unknown>) =>
        state.transition(id, [status], status, { stageMetadata: metadata }, true),
      removeWorkFiles: async (job: JobRecord) => {
        const ref = { userId: job.user_id, jobId: job.id };
        await storage.removePrefix(storagePaths.workPrefix(ref)).catch(() => 0);
        await storage.removePrefix(storagePaths.output(ref).replace(/output\.epub$/, '')).catch(() => 0);
      },
    };
    const queues: ReaperQueues = {
      stageJobStates: (jobId) => dispatcher.stageJobStates(jobId),
      redispatch: (stage: Stage, job: JobRecord) =>
        dispatcher.redispatch(stage, { jobId: job.id, userId: job.user_id }),
    };
    this.reaper = new Reaper(pool, jobs, queues, {
      orphanAgeMs: config.get('REAPER_ORPHAN_AGE_S') * 1000,
      hardTimeoutMs: config.get('JOB_HARD_TIMEOUT_S') * 1000,
      graceMs: config.get('REAPER_GRACE_S') * 1000,
      maxDispatches: MAX_DISPATCHES,
      lockKey: advisoryLockKey(config.get('QUEUE_NAME')),
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round?.catch(() => undefined);
  }

  /** One round now (also used by tests); rounds never overlap within an instance. */
  async runOnce(): Promise<ReapResult> {
    if (this.round) return { leader: false, actions: [] };
    const round = this.reaper.runOnce();
    this.round = round;
    try {
      const result = await round;
      if (result.actions.length > 0) this.log.warn({ actions: result.actions }, 'reaper acted');
      return result;
    } catch (err) {
      this.log.error({ err }, 'reaper round failed');
      return { leader: false, actions: [] };
    } finally {
      this.round = undefined;
    }
  }
}
