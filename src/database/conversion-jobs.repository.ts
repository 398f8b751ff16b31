/** Every SQL statement on conversion_jobs. Status writes are compare-and-set on the expected current status. */
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import { JobStatus, TERMINAL_STATUSES } from '../common/enums';
import { PG_POOL } from './database.tokens';
import type { JobRecord, StageMetadata } from './job-record';

interface JobRow extends QueryResultRow {
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
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  deleted_at: Date | null;
}

export interface NewJob {
  id: string;
  userId: string;
  originalFilename: string;
  inputPath: string;
}

/** Fields a status write may set besides the status; undefined = leave as is. */
export interface StatusChange {
  progress?: number;
  stageMetadata?: StageMetadata;
  errorCode?: string;
  errorMessage?: string;
  qualityReport?: unknown;
  outputPath?: string;
  completed?: boolean;
}

export interface JobPage {
  items: JobRecord[];
  total: number;
}

const NON_TERMINAL: JobStatus[] = Object.values(JobStatus).filter(
  (status) => !TERMINAL_STATUSES.includes(status),
);

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

function toRecord(row: JobRow): JobRecord {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    completed_at: iso(row.completed_at),
    deleted_at: iso(row.deleted_at),
  };
}

@Injectable()
export class ConversionJobsRepository {
  /** Statements sent to PostgreSQL by this repository (tests use it to prove the status cache works). */
  queryCount = 0;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async create(job: NewJob): Promise<JobRecord> {
    const rows = await this.query(
      `INSERT INTO conversion_jobs (id, user_id, status, progress, original_filename, input_path)
       VALUES ($1, $2, 'UPLOADED', 0, $3, $4) RETURNING *`,
      [job.id, job.userId, job.originalFilename, job.inputPath],
    );
    return toRecord(rows[0]);
  }

  /** Any user's job, deleted or not: for the pipeline, which acts on behalf of the job's owner. */
  async findById(id: string): Promise<JobRecord | null> {
    const rows = await this.query('SELECT * FROM conversion_jobs WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findForUser(id: string, userId: string): Promise<JobRecord | null> {
    const rows = await this.query('SELECT * FROM conversion_jobs WHERE id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The user's jobs that are not deleted, newest first. */
  async listForUser(userId: string, limit: number, offset: number): Promise<JobPage> {
    const rows = await this.query<JobRow & { total: string }>(
      `SELECT *, count(*) OVER () AS total FROM conversion_jobs
       WHERE user_id = $1 AND deleted_at IS NULL
       ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    if (rows.length > 0) return { items: rows.map(toRecord), total: Number(rows[0].total) };
    const counted = await this.query<{ total: string }>(
      'SELECT count(*) AS total FROM conversion_jobs WHERE user_id = $1 AND deleted_at IS NULL',
      [userId],
    );
    return { items: [], total: Number(counted[0].total) };
  }

  /**
   * Compare-and-set: moves the job to `to` only if its status is one of `from` (and, with `requireLive`, it is
   * not deleted). Returns the updated row, or null when the job was not in an expected state.
   */
  async transition(
    id: string,
    from: readonly JobStatus[],
    to: JobStatus,
    change: StatusChange = {},
    requireLive = false,
  ): Promise<JobRecord | null> {
    const rows = await this.query(
      `UPDATE conversion_jobs SET
         status = $3,
         progress = COALESCE($4, progress),
         stage_metadata = stage_metadata || $5::jsonb,
         error_code = COALESCE($6, error_code),
         error_message = COALESCE($7, error_message),
         quality_report = COALESCE($8::jsonb, quality_report),
         output_path = COALESCE($9, output_path),
         completed_at = CASE WHEN $10::boolean THEN now() ELSE completed_at END,
         updated_at = now()
       WHERE id = $1 AND status = ANY($2::job_status[]) AND (NOT $11::boolean OR deleted_at IS NULL)
       RETURNING *`,
      [
        id,
        from,
        to,
        change.progress ?? null,
        JSON.stringify(change.stageMetadata ?? {}),
        change.errorCode ?? null,
        change.errorMessage ?? null,
        change.qualityReport === undefined ? null : JSON.stringify(change.qualityReport),
        change.outputPath ?? null,
        change.completed ?? false,
        requireLive,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** FAILED from whatever non-terminal status the job is in. */
  fail(id: string, errorCode: string, errorMessage: string): Promise<JobRecord | null> {
    return this.transition(id, NON_TERMINAL, JobStatus.FAILED, { errorCode, errorMessage });
  }

  /** CANCELLED from whatever non-terminal status the job is in. */
  cancel(id: string): Promise<JobRecord | null> {
    return this.transition(id, NON_TERMINAL, JobStatus.CANCELLED, {
      errorCode: 'CANCELLED',
      errorMessage: 'The conversion was cancelled.',
    });
  }

  /** Records a finished stage's wall time (and page count after analysis) without changing the status. */
  async recordStageDone(
    id: string,
    stage: string,
    durationMs: number,
    pageCount?: number,
  ): Promise<JobRecord | null> {
    const rows = await this.query(
      `UPDATE conversion_jobs SET
         stage_metadata = jsonb_set(
           stage_metadata, '{durations_ms}',
           COALESCE(stage_metadata->'durations_ms', '{}'::jsonb) || jsonb_build_object($2::text, $3::integer)),
         page_count = COALESCE($4, page_count),
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, stage, Math.round(durationMs), pageCount ?? null],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Jobs of the user that are neither finished nor deleted (the security layer caps this). */
  async countActiveByUser(userId: string): Promise<number> {
    const rows = await this.query<{ active: number }>(
      `SELECT count(*)::int AS active FROM conversion_jobs
       WHERE user_id = $1 AND deleted_at IS NULL AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')`,
      [userId],
    );
    return rows[0].active;
  }

  /** Non-terminal rows (deleted or not) not updated for `idleMs`, oldest first: the reaper's candidates. */
  async findIdle(idleMs: number, limit = 200): Promise<JobRecord[]> {
    const rows = await this.query(
      `SELECT * FROM conversion_jobs
       WHERE status <> ALL($1::job_status[]) AND updated_at < now() - make_interval(secs => $2::double precision)
       ORDER BY updated_at LIMIT $3`,
      [TERMINAL_STATUSES, idleMs / 1000, limit],
    );
    return rows.map(toRecord);
  }

  /** Soft delete, scoped to the owner. Returns the row (also when it was already deleted), null if not theirs. */
  async markDeleted(id: string, userId: string): Promise<JobRecord | null> {
    const rows = await this.query(
      `UPDATE conversion_jobs SET deleted_at = COALESCE(deleted_at, now()), updated_at = now()
       WHERE id = $1 AND user_id = $2 RETURNING *`,
      [id, userId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  private async query<R extends QueryResultRow = JobRow>(sql: string, params: unknown[]): Promise<R[]> {
    this.queryCount += 1;
    const result = await this.pool.query<R>(sql, params);
    return result.rows;
  }
}
