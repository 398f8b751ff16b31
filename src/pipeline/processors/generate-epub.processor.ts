import { Processor } from '@nestjs/bullmq';
import { AppConfig } from '../../config';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from '../stage-processor';

@Processor('generate_epub')
export class GenerateEpubProcessor extends StageProcessor {
  constructor(executor: StageExecutor, config: AppConfig) {
    super('generate_epub', executor, config);
  }
}
