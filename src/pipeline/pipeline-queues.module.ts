import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { PIPELINE } from '../common/enums';
import { redisOptionsFromUrl } from '../common/redis/redis-options';
import { AppConfig } from '../config';
import { queueNameOf } from './pipeline.constants';
import { PipelineDispatcher } from './pipeline-dispatcher.service';

/**
 * The five stage queues (`{QUEUE_NAME}:{stage}` in Redis: prefix QUEUE_NAME, queue name = stage name) and the
 * dispatcher that enqueues onto them. Loaded by every role; only the worker role adds processors.
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
  providers: [PipelineDispatcher],
  exports: [PipelineDispatcher, BullModule],
})
export class PipelineQueuesModule {}
