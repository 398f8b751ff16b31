/**
 * BullMQ's lock and stall settings: they play the role of Celery's visibility timeout. A worker holds a lock
 * on each active stage job and renews it every lockDuration / 2 from its event loop — which stays free because
 * stages run in worker threads (runner/index.ts) — so a healthy stage of any length keeps its lock. When a
 * worker dies, its lock expires after lockDuration, and the next stalled-job check (every stalledInterval, on
 * any live worker) puts the job back in the queue: picked up again within lockDuration + stalledInterval
 * (30 + 15 = 45 s by default). A job that stalls more than maxStalledCount times is failed by BullMQ with
 * {@link STALLED_TOO_MANY_REASON}; the pipeline turns that into FAILED `WORKER_LOST`.
 */
import type { WorkerOptions } from 'bullmq';
import type { RetryPolicy } from './retry-policy';

export interface StallSettings {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

export const DEFAULT_STALL_SETTINGS: StallSettings = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  maxStalledCount: 1,
};

/** The reason BullMQ gives a job that stalled more than maxStalledCount times. */
export const STALLED_TOO_MANY_REASON = 'job stalled more than allowable limit';

export function isStalledTooMany(err: Error | undefined): boolean {
  return err?.message === STALLED_TOO_MANY_REASON;
}

/** Longest time a dead worker's stage waits before another worker can take it. */
export function worstPickupDelayMs(settings: StallSettings): number {
  return settings.lockDurationMs + settings.stalledIntervalMs;
}

export function stageWorkerOptions(
  settings: StallSettings,
  retry: RetryPolicy,
): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'settings'> {
  return {
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    settings: { backoffStrategy: retry.backoffStrategy },
  };
}
