import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { UploadIdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Claims lost to a concurrent release are retried this many times before giving up. */
const CLAIM_ATTEMPTS = 3;

export interface IdempotentOutcome {
  jobId: string;
  /** True when this is a retry of an earlier upload: answer with the original job, start nothing. */
  replayed: boolean;
}

function httpError(status: HttpStatus, code: string, detail: string): HttpException {
  return new HttpException({ detail, code }, status);
}

function validKey(raw: string): string {
  if (!KEY_FORMAT.test(raw)) {
    throw httpError(
      HttpStatus.BAD_REQUEST,
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).',
    );
  }
  return raw;
}

/** SHA-256 (hex) of a file, streamed. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * `Idempotency-Key` on upload: the same key and the same file (SHA-256) from the same user returns the original
 * job instead of starting another conversion; the same key with a different file is 422.
 */
export class IdempotencyService {
  constructor(private readonly keys: UploadIdempotencyRepository) {}

  /**
   * Runs `createJob` at most once per (user, key). Without a key it simply runs it.
   * Throws 400 IDEMPOTENCY_KEY_INVALID, 422 IDEMPOTENCY_KEY_REUSED, or 409 IDEMPOTENCY_IN_PROGRESS (the first
   * request with this key is still being processed).
   */
  async run(
    userId: string,
    rawKey: string | undefined,
    fileSha256: string,
    createJob: () => Promise<string>,
  ): Promise<IdempotentOutcome> {
    if (rawKey === undefined || rawKey === '') return { jobId: await createJob(), replayed: false };
    const key = validKey(rawKey);
    if (!SHA256_HEX.test(fileSha256)) throw new Error('fileSha256 must be a lowercase hex SHA-256');
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
      if (await this.keys.claim(userId, key, fileSha256)) {
        return { jobId: await this.createClaimed(userId, key, createJob), replayed: false };
      }
      const held = await this.keys.find(userId, key);
      if (held) return { jobId: this.replayOf(held.fileSha256, held.jobId, fileSha256), replayed: true };
    }
    throw this.inProgress();
  }

  private async createClaimed(
    userId: string,
    key: string,
    createJob: () => Promise<string>,
  ): Promise<string> {
    let jobId: string;
    try {
      jobId = await createJob();
    } catch (err) {
      await this.keys.release(userId, key).catch(() => undefined);
      throw err;
    }
    await this.keys.attachJob(userId, key, jobId);
    return jobId;
  }

  private replayOf(heldSha256: string, heldJobId: string | null, fileSha256: string): string {
    if (heldSha256 !== fileSha256) {
      throw httpError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different file; use a new key for a new upload.',
      );
    }
    if (heldJobId === null) throw this.inProgress();
    return heldJobId;
  }

  private inProgress(): HttpException {
    return httpError(
      HttpStatus.CONFLICT,
      'IDEMPOTENCY_IN_PROGRESS',
      'An upload with this Idempotency-Key is still being processed; retry in a moment.',
    );
  }
}
