import type { JobStatus } from '../common/enums';

/** What the pipeline writes into `stage_metadata` (JSONB). */
export interface StageMetadata {
  current_stage?: string;
  progress_percent?: number;
  stage_started_at?: string;
  /** Wall time of each finished stage. */
  durations_ms?: Record<string, number>;
  warnings?: string[];
  /** Retry bookkeeping written by the pipeline (issue 3); shape documented by RetryDto in src/jobs/dto/job.dto.ts. */
  attempt?: number;
  max_attempts?: number;
  retry?: unknown;
  retries?: unknown;
  [key: string]: unknown;
}

/** One conversion_jobs row, with timestamps as ISO-8601 UTC strings (JSON-safe, so it can be cached). */
export interface JobRecord {
  id: string;
  user_id: string;
  status: JobStatus;
  progress: number;
  stage_metadata: StageMetadata;
  error_code: string | null;
  error_message: string | null;
  original_filename: string;
  page_count: number | null;
  quality_report: Record<string, unknown> | null;
  input_path: string;
  output_path: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  deleted_at: string | null;
}
