import { Processor } from '@nestjs/bullmq';
import { AppConfig } from '../../config';
import { StageExecutor } from '../stage-executor.service';
import { StageProcessor } from '../stage-processor';

@Processor('extract_content')
export class ExtractContentProcessor extends StageProcessor {
  constructor(executor: StageExecutor, config: AppConfig) {
    super('extract_content', executor, config);
  }
}
