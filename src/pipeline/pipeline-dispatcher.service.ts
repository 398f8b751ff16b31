/**
 * Producer side of the pipeline (both roles): enqueue a stage (with the retry policy's attempts and backoff),
 * remove a job's queued stages on cancel and broadcast the cancellation to the worker running one, and the
 * queue facts the reaper needs.
 */
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { PIPELINE, type Stage } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { AppConfig } from '../config';
import { storagePaths } from '../storage/storage-paths';
import { StorageService } from '../storage/storage.service';
import { CancellationBus, createRetryPolicy, type RetryPolicy } from './failure';
import { queueNameOf, stageJobId, type StageJobData } from './pipeline.constants';

const ENQUEUE_TIMEOUT_MS = 5000;
const FINISHED_STATES = new Set(['completed', 'failed']);

export interface RemovalResult {
  removed: Stage[];
  /** A stage of this job is being processed right now; it was told to stop (broadcast). */
  active: boolean;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class PipelineDispatcher {
  private readonly retryPolicy: RetryPolicy;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly cancellation: CancellationBus,
    private readonly storage: StorageService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    config: AppConfig,
  ) {
    this.retryPolicy = createRetryPolicy(config.get('RETRY_DELAYS_S'));
  }

  queue(stage: Stage): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(queueNameOf(stage)), { strict: false });
  }

  queues(): Queue[] {
    return PIPELINE.map((stage) => this.queue(stage));
  }

  /** Enqueues one stage of a job; fails (rather than hangs) when Redis does not answer. */
  async enqueue(stage: Stage, data: StageJobData): Promise<void> {
    await withTimeout(
      this.queue(stage).add(stage, data, {
        jobId: stageJobId(data.jobId, stage),
        ...this.retryPolicy.jobOptions,
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      }),
      ENQUEUE_TIMEOUT_MS,
      `enqueueing ${stage}`,
    );
  }

  start(data: StageJobData): Promise<void> {
    return this.enqueue(PIPELINE[0], data);
  }

  /** Enqueues a stage again, removing a finished stage job with the same id first (the reaper's re-dispatch). */
  async redispatch(stage: Stage, data: StageJobData): Promise<void> {
    const existing = await this.queue(stage).getJob(stageJobId(data.jobId, stage));
    if (existing && FINISHED_STATES.has(await existing.getState())) await existing.remove();
    await this.enqueue(stage, data);
  }

  /** State of each of the job's stage jobs present in the queues. */
  async stageJobStates(jobId: string): Promise<Partial<Record<Stage, string>>> {
    const states: Partial<Record<Stage, string>> = {};
    for (const stage of PIPELINE) {
      const job = await this.queue(stage).getJob(stageJobId(jobId, stage));
      if (job) states[stage] = await job.getState();
    }
    return states;
  }

  /**
   * Removes the job's waiting or delayed stage jobs and, when none runs, the artifacts of its finished stages;
   * a running one is told to stop through every worker (and cleans up itself).
   */
  async removePending(jobId: string): Promise<RemovalResult> {
    const result: RemovalResult = { removed: [], active: false };
    let userId: string | undefined;
    for (const stage of PIPELINE) {
      const job = await this.queue(stage).getJob(stageJobId(jobId, stage));
      if (!job) continue;
      userId = (job.data as StageJobData).userId;
      const state = await job.getState();
      if (state === 'active') result.active = true;
      else if (
        state === 'waiting' ||
        state === 'delayed' ||
        state === 'prioritized' ||
        state === 'waiting-children'
      ) {
        await job.remove().then(
          () => result.removed.push(stage),
          // It became active between getState and remove: the broadcast below (or its checkpoint) stops it.
          () => (result.active = true),
        );
      }
    }
    if (result.active) await this.broadcastCancel(jobId);
    else if (userId) await this.removeArtifacts({ userId, jobId });
    return result;
  }

  private async removeArtifacts(ref: { userId: string; jobId: string }): Promise<void> {
    for (const prefix of [
      storagePaths.workPrefix(ref),
      storagePaths.output(ref).replace(/output\.epub$/, ''),
    ]) {
      await this.storage
        .removePrefix(prefix)
        .catch((err: unknown) => this.logger.warn({ err, job_id: ref.jobId }, 'could not remove files'));
    }
  }

  /** Best effort: a worker that misses it still sees deleted_at within a few seconds. */
  private async broadcastCancel(jobId: string): Promise<void> {
    try {
      const heard = await this.cancellation.publish(jobId);
      this.logger.info({ job_id: jobId, listeners: heard }, 'cancellation broadcast');
    } catch (err) {
      this.logger.warn(
        { err, job_id: jobId },
        'cancellation broadcast failed; workers will notice deleted_at',
      );
    }
  }
}
