import { Injectable } from '@nestjs/common';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from './stage-processor';

/** Queue `generate_epub`. */
@Injectable()
export class GenerateEpubProcessor extends StageProcessor {
  readonly stage = 'generate_epub' as const;

  constructor(executor: StageExecutor) {
    super(executor);
  }
}
