import { Processor } from '@nestjs/bullmq';
import { AppConfig } from '../../config';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from '../stage-processor';

@Processor('identify_structure')
export class IdentifyStructureProcessor extends StageProcessor {
  constructor(executor: StageExecutor, config: AppConfig) {
    super('identify_structure', executor, config);
  }
}
