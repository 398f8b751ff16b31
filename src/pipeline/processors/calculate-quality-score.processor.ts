import { Processor } from '@nestjs/bullmq';
import { AppConfig } from '../../config';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from '../stage-processor';

@Processor('calculate_quality_score')
export class CalculateQualityScoreProcessor extends StageProcessor {
  constructor(executor: StageExecutor, config: AppConfig) {
    super('calculate_quality_score', executor, config);
  }
}
