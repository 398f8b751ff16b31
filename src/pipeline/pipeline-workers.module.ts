import { Module } from '@nestjs/common';
import { AnalyzeLayoutProcessor } from './processors/analyze-layout.processor';
import { CalculateQualityScoreProcessor } from './processors/calculate-quality-score.processor';
import { ExtractContentProcessor } from './processors/extract-content.processor';
import { GenerateEpubProcessor } from './processors/generate-epub.processor';
import { IdentifyStructureProcessor } from './processors/identify-structure.processor';
import { PipelineErrorLog } from './pipeline-error-log';
import { StageExecutor } from './stage-executor.service';
import { WorkerHeartbeat } from './worker-heartbeat.service';

/** The worker side: stage processors (BullMQ workers) and the heartbeat. Only loaded by the worker and all roles. */
@Module({
  providers: [
    StageExecutor,
    PipelineErrorLog,
    WorkerHeartbeat,
    AnalyzeLayoutProcessor,
    ExtractContentProcessor,
    IdentifyStructureProcessor,
    GenerateEpubProcessor,
    CalculateQualityScoreProcessor,
  ],
})
export class PipelineWorkersModule {}
