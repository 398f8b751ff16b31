import { Injectable } from '@nestjs/common';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from './stage-processor';

/** Queue `analyze_layout`. */
@Injectable()
export class AnalyzeLayoutProcessor extends StageProcessor {
  readonly stage = 'analyze_layout' as const;

  constructor(executor: StageExecutor) {
    super(executor);
  }
}
