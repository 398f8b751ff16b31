import { WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Stage } from '../../common/enums';
import type { StageJobData } from '../pipeline.constants';
import { StageExecutor, StageHandedBack } from '../stage-executor.service';

/**
 * One stage's BullMQ processor: a thin adapter from a queue job to the shared StageExecutor. StageWorkers creates
 * one BullMQ Worker per processor, with the lock, stall, backoff and shutdown settings from configuration.
 */
export abstract class StageProcessor {
  abstract readonly stage: Stage;

  constructor(private readonly executor: StageExecutor) {}

  async process(job: Job<StageJobData>, token: string | undefined, log: Logger): Promise<void> {
    try {
      await this.executor.execute(this.stage, job.data, {
        attemptsMade: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
      });
    } catch (err) {
      if (!(err instanceof StageHandedBack) || !token) throw err;
      await job.moveToWait(token);
      log.info({ stage: this.stage, job_id: job.data.jobId }, 'stage handed back to the queue');
      throw new WaitingError();
    }
  }
}
