/**
 * Retries of transient stage failures. `RETRY_DELAYS_S` lists the wait before each retry (default 60,300,900:
 * three retries); BullMQ's `attempts` counts tries, so it is one more than the number of delays. The custom
 * backoff answers -1 (no retry) for permanent errors, as a second line behind the processor's own
 * UnrecoverableError.
 */
import type { BackoffStrategy, JobsOptions } from 'bullmq';
import { classifyError } from './classify';

export const DEFAULT_RETRY_DELAYS_S: readonly number[] = [60, 300, 900];
export const RETRY_BACKOFF_TYPE = 'pdf2epub-retry';

export interface RetryPolicy {
  /** Wait before retry n (index n - 1), in ms. */
  delaysMs: readonly number[];
  /** Tries in all: first run plus retries. */
  attempts: number;
  /** For the Worker's `settings.backoffStrategy`. */
  backoffStrategy: BackoffStrategy;
  /** For each stage job's options. */
  jobOptions: Pick<JobsOptions, 'attempts' | 'backoff'>;
}

/**
 * Delay in ms before the next try after `triesMade` tries failed (BullMQ passes attemptsMade + 1, i.e. the
 * tries including the one that just failed), or -1 when no retry is left.
 */
export function retryDelayMs(delaysMs: readonly number[], triesMade: number): number {
  if (!Number.isInteger(triesMade) || triesMade < 1 || triesMade > delaysMs.length) return -1;
  return delaysMs[triesMade - 1];
}

export function createRetryPolicy(delaysS: readonly number[] = DEFAULT_RETRY_DELAYS_S): RetryPolicy {
  if (delaysS.some((delay) => !Number.isFinite(delay) || delay < 0)) {
    throw new RangeError('retry delays must be non-negative numbers of seconds');
  }
  const delaysMs = delaysS.map((seconds) => Math.round(seconds * 1000));
  const attempts = delaysMs.length + 1;
  const backoffStrategy: BackoffStrategy = (triesMade, _type, err) => {
    if (err !== undefined && classifyError(err).kind === 'permanent') return -1;
    return retryDelayMs(delaysMs, triesMade);
  };
  return {
    delaysMs,
    attempts,
    backoffStrategy,
    jobOptions: { attempts, backoff: { type: RETRY_BACKOFF_TYPE } },
  };
}

/** When the next try starts, for stage_metadata; null when none is left. */
export function nextRetryAt(policy: RetryPolicy, triesMade: number, now = new Date()): Date | null {
  const delay = retryDelayMs(policy.delaysMs, triesMade);
  return delay < 0 ? null : new Date(now.getTime() + delay);
}
