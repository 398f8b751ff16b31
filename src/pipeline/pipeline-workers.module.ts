import { Module } from '@nestjs/common';
import { AiEnhancementService } from './ai-enhancement.service';
import { PipelineErrorLog } from './pipeline-error-log';
import { StageExecutor } from './stage-executor.service';
import { StageWorkers } from './stage-workers.service';
import { WorkerHeartbeat } from './worker-heartbeat.service';

/** The worker side: the stage workers (one BullMQ Worker per stage queue) and the heartbeat. Roles worker and all. */
@Module({
  providers: [AiEnhancementService, StageExecutor, PipelineErrorLog, WorkerHeartbeat, StageWorkers],
})
export class PipelineWorkersModule {}
