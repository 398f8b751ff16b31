import { Processor } from '@nestjs/bullmq';
import { AppConfig } from '../../config';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from '../stage-processor';

@Processor('analyze_layout')
export class AnalyzeLayoutProcessor extends StageProcessor {
  constructor(executor: StageExecutor, config: AppConfig) {
    super('analyze_layout', executor, config);
  }
}
