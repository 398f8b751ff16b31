/** Every SQL statement on upload_idempotency_keys (migrations/100_upload_idempotency.sql). */
import type { Pool } from 'pg';

export interface IdempotencyRecord {
  fileSha256: string;
  /** null while the first request is still creating its job. */
  jobId: string | null;
}

export interface IdempotencyTimings {
  /** A key is remembered this long, then may be reused for anything. */
  keyTtlSeconds: number;
  /** A claim whose job never got attached (the process died) is abandoned after this long. */
  claimTimeoutSeconds: number;
}

export class UploadIdempotencyRepository {
  constructor(
    private readonly pool: Pool,
    private readonly timings: IdempotencyTimings,
  ) {}

  /**
   * Atomically takes the key for this upload. True when this caller now owns it: the key was new, expired, or an
   * abandoned claim. The primary key (user_id, idempotency_key) makes concurrent claims race-safe.
   */
  async claim(userId: string, key: string, fileSha256: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO upload_idempotency_keys AS held (user_id, idempotency_key, file_sha256)
       VALUES ($1, $2, $3)
       ON CONFLICT (user_id, idempotency_key) DO UPDATE
         SET file_sha256 = EXCLUDED.file_sha256, job_id = NULL, created_at = now()
         WHERE held.created_at < now() - make_interval(secs => $4)
            OR (held.job_id IS NULL AND held.created_at < now() - make_interval(secs => $5))
       RETURNING 1`,
      [userId, key, fileSha256, this.timings.keyTtlSeconds, this.timings.claimTimeoutSeconds],
    );
    return rowCount === 1;
  }

  async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    const { rows } = await this.pool.query<{ file_sha256: string; job_id: string | null }>(
      'SELECT file_sha256, job_id FROM upload_idempotency_keys WHERE user_id = $1 AND idempotency_key = $2',
      [userId, key],
    );
    return rows[0] ? { fileSha256: rows[0].file_sha256, jobId: rows[0].job_id } : null;
  }

  async attachJob(userId: string, key: string, jobId: string): Promise<void> {
    await this.pool.query(
      'UPDATE upload_idempotency_keys SET job_id = $3 WHERE user_id = $1 AND idempotency_key = $2',
      [userId, key, jobId],
    );
  }

  /** Gives a claim back when its job could not be created, so the client's retry can try again. */
  async release(userId: string, key: string): Promise<void> {
    await this.pool.query(
      'DELETE FROM upload_idempotency_keys WHERE user_id = $1 AND idempotency_key = $2 AND job_id IS NULL',
      [userId, key],
    );
  }
}
