/** Job statuses, pipeline stages and the error codes clients see — the one place they are defined. */
import { STAGES, type StageName } from '../conversion/stages';

export enum JobStatus {
  UPLOADED = 'UPLOADED',
  ANALYZING = 'ANALYZING',
  EXTRACTING = 'EXTRACTING',
  STRUCTURING = 'STRUCTURING',
  GENERATING = 'GENERATING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

export const TERMINAL_STATUSES: readonly JobStatus[] = [
  JobStatus.COMPLETED,
  JobStatus.FAILED,
  JobStatus.CANCELLED,
];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export const STATUS_PROGRESS: Record<JobStatus, number | null> = {
  [JobStatus.UPLOADED]: 0,
  [JobStatus.ANALYZING]: 25,
  [JobStatus.EXTRACTING]: 50,
  [JobStatus.STRUCTURING]: 75,
  [JobStatus.GENERATING]: 90,
  [JobStatus.COMPLETED]: 100,
  [JobStatus.FAILED]: null,
  [JobStatus.CANCELLED]: null,
};

/** The five stages, in pipeline order; each enqueues the next. Names come from the engine (src/conversion). */
export type Stage = StageName;
export const PIPELINE: readonly Stage[] = STAGES;

/** The status a stage sets before it starts (quality runs while the job shows GENERATING). */
export const STAGE_STATUS: Record<Stage, JobStatus> = {
  analyze_layout: JobStatus.ANALYZING,
  extract_content: JobStatus.EXTRACTING,
  identify_structure: JobStatus.STRUCTURING,
  generate_epub: JobStatus.GENERATING,
  calculate_quality_score: JobStatus.GENERATING,
};

export function nextStage(stage: Stage): Stage | undefined {
  return PIPELINE[PIPELINE.indexOf(stage) + 1];
}

/** The status a job has while the given stage is queued (set by the stage before it). */
export function statusBefore(stage: Stage): JobStatus {
  const index = PIPELINE.indexOf(stage);
  return index === 0 ? JobStatus.UPLOADED : STAGE_STATUS[PIPELINE[index - 1]];
}

/** Codes of `{detail, code}` error bodies. Conversion failure codes come from src/conversion/errors.ts. */
export enum ErrorCode {
  VALIDATION_ERROR = 'VALIDATION_ERROR',
  NOT_FOUND = 'NOT_FOUND',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  JOB_NOT_COMPLETED = 'JOB_NOT_COMPLETED',
  JOB_ALREADY_FINISHED = 'JOB_ALREADY_FINISHED',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  UNSUPPORTED_FORMAT = 'UNSUPPORTED_FORMAT',
  FILE_REQUIRED = 'FILE_REQUIRED',
  TOO_MANY_FILES = 'TOO_MANY_FILES',
  DISPATCH_FAILED = 'DISPATCH_FAILED',
  OUTPUT_MISSING = 'OUTPUT_MISSING',
  NO_WORKERS = 'NO_WORKERS',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  CONFLICT = 'CONFLICT',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}
