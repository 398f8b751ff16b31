import { Injectable } from '@nestjs/common';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from './stage-processor';

/** Queue `identify_structure`. */
@Injectable()
export class IdentifyStructureProcessor extends StageProcessor {
  readonly stage = 'identify_structure' as const;

  constructor(executor: StageExecutor) {
    super(executor);
  }
}
