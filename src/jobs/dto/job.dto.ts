import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JobStatus } from '../../common/enums';
import type { JobRecord } from '../../database/job-record';

export class RetryErrorDto {
  @ApiProperty({ example: 'STORAGE_UNAVAILABLE' })
  code!: string;

  @ApiProperty({ description: 'User-facing text (sanitized).' })
  message!: string;
}

export class RetryDto {
  @ApiProperty({ example: 'extract_content' })
  stage!: string;

  @ApiProperty({ description: 'The try that failed (1-based).', example: 1 })
  attempt!: number;

  @ApiProperty({ example: 4 })
  max_attempts!: number;

  @ApiProperty({ type: RetryErrorDto })
  last_error!: RetryErrorDto;

  @ApiProperty({ format: 'date-time' })
  failed_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Null when no retry is left.',
  })
  next_retry_at!: string | null;
}

export class StageMetadataDto {
  @ApiPropertyOptional({ description: 'Stage running (or last run).', example: 'extract_content' })
  current_stage?: string;

  @ApiPropertyOptional({ description: 'Progress when that stage started.', example: 50 })
  progress_percent?: number;

  @ApiPropertyOptional({
    description: 'When that stage started (ISO-8601 UTC).',
    example: '2026-01-01T12:00:00.000Z',
  })
  stage_started_at?: string;

  @ApiPropertyOptional({
    description: 'Wall time of each finished stage in milliseconds.',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { analyze_layout: 812, extract_content: 2310 },
  })
  durations_ms?: Record<string, number>;

  @ApiPropertyOptional({ description: 'Try of the current stage (1-based).', example: 1 })
  attempt?: number;

  @ApiPropertyOptional({ description: 'Tries a stage gets before the job fails.', example: 4 })
  max_attempts?: number;

  @ApiPropertyOptional({
    type: RetryDto,
    nullable: true,
    description: 'Set while the current stage waits to be retried; null once the next try starts.',
  })
  retry?: RetryDto | null;

  @ApiPropertyOptional({ type: [RetryDto], description: 'Every retry so far (kept after success).' })
  retries?: RetryDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'AI-assisted layout summary (only when AI is on): mode, pages per tier and why, calls, cache hits, tokens, warnings.',
  })
  ai?: Record<string, unknown>;
}

export class JobDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: JobStatus, enumName: 'JobStatus', example: JobStatus.EXTRACTING })
  status!: JobStatus;

  @ApiProperty({
    description: 'UPLOADED 0, ANALYZING 25, EXTRACTING 50, STRUCTURING 75, GENERATING 90, COMPLETED 100.',
  })
  progress!: number;

  @ApiProperty({ type: StageMetadataDto })
  stage_metadata!: StageMetadataDto;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Set when FAILED or CANCELLED.' })
  error_code!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  error_message!: string | null;

  @ApiProperty({ example: 'book.pdf' })
  original_filename!: string;

  @ApiProperty({ type: Number, nullable: true, example: 14 })
  page_count!: number | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completed_at!: string | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'The quality report of calculate_quality_score, once COMPLETED.',
  })
  quality_report!: Record<string, unknown> | null;

  static from(record: JobRecord): JobDto {
    const {
      current_stage,
      progress_percent,
      stage_started_at,
      durations_ms,
      attempt,
      max_attempts,
      retry,
      retries,
      ai,
    } = record.stage_metadata;
    return {
      id: record.id,
      status: record.status,
      progress: record.progress,
      stage_metadata: {
        current_stage,
        progress_percent,
        stage_started_at,
        durations_ms,
        attempt,
        max_attempts,
        retry: retry as RetryDto | null | undefined,
        retries: retries as RetryDto[] | undefined,
        ai: ai as Record<string, unknown> | undefined,
      },
      error_code: record.error_code,
      error_message: record.error_message,
      original_filename: record.original_filename,
      page_count: record.page_count,
      created_at: record.created_at,
      updated_at: record.updated_at,
      completed_at: record.completed_at,
      quality_report: record.quality_report,
    };
  }
}

export class JobListDto {
  @ApiProperty({ type: [JobDto] })
  items!: JobDto[];

  @ApiProperty({ description: 'Number of jobs in all pages.' })
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  page_size!: number;
}

export class JobAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  job_id!: string;

  @ApiProperty({ enum: JobStatus, enumName: 'JobStatus', example: JobStatus.UPLOADED })
  status!: JobStatus;
}
