import { Module } from '@nestjs/common';
import { AiEnhancementService } from './ai-enhancement.service';
import { PipelineErrorLog } from './pipeline-error-log';
import { STAGE_PROCESSOR_LIST, STAGE_PROCESSORS, type StageProcessor } from './processors';
import { StageExecutor } from './stage-executor.service';
import { StageWorkers } from './stage-workers.service';
import { WorkerHeartbeat } from './worker-heartbeat.service';

/**
 * The worker side: one processor class per stage, the stage workers (one BullMQ Worker per processor) and the
 * heartbeat. Roles worker and all.
 */
@Module({
  providers: [
    AiEnhancementService,
    StageExecutor,
    PipelineErrorLog,
    WorkerHeartbeat,
    ...STAGE_PROCESSORS,
    {
      provide: STAGE_PROCESSOR_LIST,
      useFactory: (...processors: StageProcessor[]) => processors,
      inject: [...STAGE_PROCESSORS],
    },
    StageWorkers,
  ],
})
export class PipelineWorkersModule {}
