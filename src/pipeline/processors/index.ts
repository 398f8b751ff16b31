import { AnalyzeLayoutProcessor } from './analyze-layout.processor';
import { CalculateQualityScoreProcessor } from './calculate-quality-score.processor';
import { ExtractContentProcessor } from './extract-content.processor';
import { GenerateEpubProcessor } from './generate-epub.processor';
import { IdentifyStructureProcessor } from './identify-structure.processor';

import type { StageProcessor } from './stage-processor';

export { StageProcessor } from './stage-processor';

/** Injection token for the list of the five processor instances (see PipelineWorkersModule). */
export const STAGE_PROCESSOR_LIST = Symbol('STAGE_PROCESSOR_LIST');
export type StageProcessorList = readonly StageProcessor[];

/** The five stage processors, in pipeline order. */
export const STAGE_PROCESSORS = [
  AnalyzeLayoutProcessor,
  ExtractContentProcessor,
  IdentifyStructureProcessor,
  GenerateEpubProcessor,
  CalculateQualityScoreProcessor,
] as const;

export {
  AnalyzeLayoutProcessor,
  CalculateQualityScoreProcessor,
  ExtractContentProcessor,
  GenerateEpubProcessor,
  IdentifyStructureProcessor,
};
