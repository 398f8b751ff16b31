/** AI-assisted layout for hard pages (issue 6). See README.md, "AI-assisted layout". */
export { type AiConfig, type AiMode, aiEnvShape, isAiEnabled, parseAiConfig } from './config';
export { type AiLogger, type EnhanceDeps, type EnhanceResult, enhanceContent } from './enhance';
export type { AiPageRecord, AiReport } from './report';
export type { PageInput, PageReader, PageReading, ReadRequest, ReadResult } from './reading';
export { classifyAiFailure } from './errors';
