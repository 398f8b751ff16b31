import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { PIPELINE } from '../common/enums';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { redisOptionsFromUrl } from '../common/redis/redis-options';
import { AppConfig } from '../config';
import { CancellationBus, cancellationChannel, RunningStages } from './failure';
import { queueNameOf } from './pipeline.constants';
import { PipelineDispatcher } from './pipeline-dispatcher.service';
import { ReaperService } from './reaper.service';

function createCancellationBus(config: AppConfig, stages: RunningStages, logger: Logger): CancellationBus {
  const publisher = new Redis({ ...redisOptionsFromUrl(config.get('REDIS_URL')), maxRetriesPerRequest: 1 });
  publisher.on('error', (err) => logger.warn({ err }, 'cancellation channel: Redis error'));
  const onCancel = (jobId: string, told: number): void => {
    if (told > 0) logger.info({ job_id: jobId, stages: told }, 'cancellation received; stopping the stage');
  };
  return new CancellationBus(
    publisher,
    cancellationChannel(config.get('QUEUE_NAME')),
    stages,
    onCancel,
    true,
  );
}

/**
 * The five stage queues (`{QUEUE_NAME}:{stage}` in Redis: prefix QUEUE_NAME, queue name = stage name), the
 * dispatcher that enqueues onto them, the cancellation channel and the reaper. Loaded by every role; only the
 * worker role adds the stage workers.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      useFactory: (config: AppConfig) => ({
        connection: { ...redisOptionsFromUrl(config.get('REDIS_URL')), maxRetriesPerRequest: null },
        prefix: config.get('QUEUE_NAME'),
      }),
      inject: [AppConfig],
    }),
    BullModule.registerQueue(...PIPELINE.map((stage) => ({ name: queueNameOf(stage) }))),
  ],
  providers: [
    PipelineDispatcher,
    RunningStages,
    {
      provide: CancellationBus,
      useFactory: createCancellationBus,
      inject: [AppConfig, RunningStages, ROOT_LOGGER],
    },
    ReaperService,
  ],
  exports: [PipelineDispatcher, BullModule, RunningStages, CancellationBus, ReaperService],
})
export class PipelineQueuesModule implements OnApplicationShutdown {
  constructor(@Inject(CancellationBus) private readonly bus: CancellationBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
