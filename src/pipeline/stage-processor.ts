import { WorkerHost } from '@nestjs/bullmq';
import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Stage } from '../common/enums';
import type { AppConfig } from '../config';
import type { StageJobData } from './pipeline.constants';
import type { StageExecutor } from './stage-executor.service';

/** Base of the five stage processors: one BullMQ worker per stage queue, delegating to the StageExecutor. */
export abstract class StageProcessor extends WorkerHost implements OnApplicationBootstrap {
  protected constructor(
    readonly stage: Stage,
    private readonly executor: StageExecutor,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /** The worker exists once BullModule has registered it; concurrency comes from WORKER_CONCURRENCY. */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.get('WORKER_CONCURRENCY');
  }

  async process(job: Job<StageJobData>): Promise<void> {
    await this.executor.execute(this.stage, job.data);
  }
}
