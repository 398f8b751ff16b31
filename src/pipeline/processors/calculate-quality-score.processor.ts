import { Injectable } from '@nestjs/common';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from './stage-processor';

/** Queue `calculate_quality_score`. */
@Injectable()
export class CalculateQualityScoreProcessor extends StageProcessor {
  readonly stage = 'calculate_quality_score' as const;

  constructor(executor: StageExecutor) {
    super(executor);
  }
}
