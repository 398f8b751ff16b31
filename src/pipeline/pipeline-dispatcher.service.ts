/** Producer side of the pipeline (both roles): enqueue a stage, and remove a job's queued stages on cancel. */
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { PIPELINE, type Stage } from '../common/enums';
import { queueNameOf, stageJobId, type StageJobData } from './pipeline.constants';

const ENQUEUE_TIMEOUT_MS = 5000;

export interface RemovalResult {
  removed: Stage[];
  /** A stage of this job is being processed right now; it stops at its next checkpoint. */
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
  constructor(private readonly moduleRef: ModuleRef) {}

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

  /** Removes the job's waiting or delayed stage jobs; reports whether one is running. */
  async removePending(jobId: string): Promise<RemovalResult> {
    const result: RemovalResult = { removed: [], active: false };
    for (const stage of PIPELINE) {
      const job = await this.queue(stage).getJob(stageJobId(jobId, stage));
      if (!job) continue;
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
          // It became active between getState and remove: the stage's own checkpoint cancels it.
          () => (result.active = true),
        );
      }
    }
    return result;
  }
}
