import { Injectable } from '@nestjs/common';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from './stage-processor';

/** Queue `extract_content`. */
@Injectable()
export class ExtractContentProcessor extends StageProcessor {
  readonly stage = 'extract_content' as const;

  constructor(executor: StageExecutor) {
    super(executor);
  }
}
