/**
 * The reaper finds jobs that nothing will move any more and moves them. It runs in every instance (api and
 * worker roles) on a timer, but each round first takes a PostgreSQL advisory lock, so exactly one instance
 * reaps at a time. A round looks at non-terminal rows untouched for at least `orphanAgeMs`:
 *
 * - a stage job of the row is waiting, delayed or active in the queues → alive, left alone (unless it has
 *   been active past the hard timeout + grace: the runner kills stages at the hard timeout, so it is wedged);
 * - the row was deleted → CANCELLED;
 * - idle past the hard timeout + grace → FAILED `TIMEOUT`;
 * - otherwise its stage job is missing (the API died between committing the row and enqueueing, or Redis lost
 *   its data): the stage it was at is dispatched again, at most `maxDispatches` times, then FAILED
 *   `WORKER_LOST` — at once when no stage of it can be running (UPLOADED, or between two stages), else only
 *   once idle past the hard timeout (a worker may still be running that stage). Stages are idempotent (inputs
 *   from the previous stage's stored artifact), so re-running one is safe.
 */
import type { Pool } from 'pg';
import { isTerminal, JobStatus, nextStage, PIPELINE, Stage } from '../../common/enums';
import type { JobRecord } from '../../database/job-record';
import { USER_MESSAGES } from './classify';

/** BullMQ job states that mean "something will still run this stage". */
const LIVE_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);

export const REAPER_TIMEOUT_MESSAGE = 'The conversion stopped making progress and was given up.';

export type StageJobState = string;

export interface ReaperQueues {
  /** State of each stage job of this conversion that exists in the queues. */
  stageJobStates(jobId: string): Promise<Partial<Record<Stage, StageJobState>>>;
  /** Enqueues the stage afresh (a finished stage job with the same id is removed first). */
  redispatch(stage: Stage, job: JobRecord): Promise<void>;
}

export interface ReaperJobs {
  /** Non-terminal rows (deleted or not) not updated for `idleMs`. */
  findIdle(idleMs: number): Promise<JobRecord[]>;
  fail(id: string, code: string, message: string): Promise<JobRecord | null>;
  cancel(id: string): Promise<JobRecord | null>;
  /** Merges into stage_metadata, only if the row is still in `status`. */
  noteMetadata(id: string, status: JobStatus, metadata: Record<string, unknown>): Promise<JobRecord | null>;
  /** Removes the job's stored artifacts (after cancelling or failing). */
  removeWorkFiles(job: JobRecord): Promise<void>;
}

export interface ReaperSettings {
  orphanAgeMs: number;
  hardTimeoutMs: number;
  graceMs: number;
  maxDispatches: number;
  /** Advisory lock key; one per deployment (derive it from the queue name). */
  lockKey: number;
}

export type ReapAction = 'redispatched' | 'cancelled' | 'timed-out' | 'worker-lost';

export interface ReapResult {
  /** False when another instance held the lock this round. */
  leader: boolean;
  actions: { jobId: string; action: ReapAction; stage?: Stage }[];
}

/** A stable 31-bit advisory lock key from a name. */
export function advisoryLockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of `pdf2epub-reaper:${name}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x7fffffff;
}

/** Runs `work` only if this instance gets the session advisory lock; the lock dies with the connection. */
export async function withAdvisoryLock<T>(
  pool: Pool,
  key: number,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      key,
    ]);
    if (!rows[0]?.locked) return undefined;
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}

/** The stage a row is at: the one running or last started, or the next one when that finished. */
export function stageToResume(job: JobRecord): Stage {
  const current = job.stage_metadata.current_stage as Stage | undefined;
  if (job.status === JobStatus.UPLOADED || !current || !PIPELINE.includes(current)) return PIPELINE[0];
  const finished = job.stage_metadata.durations_ms?.[current] !== undefined;
  return finished ? (nextStage(current) ?? current) : current;
}

/** The row's current stage started and did not record its duration: it may be running right now. */
function isMidStage(job: JobRecord): boolean {
  const current = job.stage_metadata.current_stage;
  return job.status !== JobStatus.UPLOADED && typeof current === 'string' && stageToResume(job) === current;
}

function dispatchCount(job: JobRecord): number {
  const count = job.stage_metadata.reaper_dispatches;
  return typeof count === 'number' ? count : 0;
}

export class Reaper {
  constructor(
    private readonly pool: Pool,
    private readonly jobs: ReaperJobs,
    private readonly queues: ReaperQueues,
    private readonly settings: ReaperSettings,
  ) {}

  async runOnce(): Promise<ReapResult> {
    const actions = await withAdvisoryLock(this.pool, this.settings.lockKey, () => this.reap());
    return actions ? { leader: true, actions } : { leader: false, actions: [] };
  }

  private async reap(): Promise<ReapResult['actions']> {
    const actions: ReapResult['actions'] = [];
    for (const job of await this.jobs.findIdle(this.settings.orphanAgeMs)) {
      const action = await this.reapOne(job);
      if (action) actions.push({ jobId: job.id, ...action });
    }
    return actions;
  }

  private async reapOne(job: JobRecord): Promise<{ action: ReapAction; stage?: Stage } | undefined> {
    if (isTerminal(job.status)) return undefined;
    const idleMs = Date.now() - Date.parse(job.updated_at);
    const pastDeadline = idleMs > this.settings.hardTimeoutMs + this.settings.graceMs;
    const states = Object.values(await this.queues.stageJobStates(job.id));
    const live = states.some((state) => LIVE_STATES.has(state));
    const wedged = pastDeadline && states.includes('active');

    if (live && !wedged) return undefined;
    if (job.deleted_at)
      return (await this.finish(job, () => this.jobs.cancel(job.id))) ? { action: 'cancelled' } : undefined;
    if (pastDeadline) {
      const failed = await this.finish(job, () => this.jobs.fail(job.id, 'TIMEOUT', REAPER_TIMEOUT_MESSAGE));
      return failed ? { action: 'timed-out' } : undefined;
    }
    // A stage that started and has not finished may still be running in a worker whose queue entry was lost
    // (Redis data loss): the runner ends every stage by the hard timeout, so only then is it surely dead.
    if (isMidStage(job) && idleMs <= this.settings.hardTimeoutMs) return undefined;
    if (dispatchCount(job) >= this.settings.maxDispatches) {
      const lost = await this.finish(job, () =>
        this.jobs.fail(job.id, 'WORKER_LOST', USER_MESSAGES.WORKER_LOST),
      );
      return lost ? { action: 'worker-lost' } : undefined;
    }
    const stage = stageToResume(job);
    const noted = await this.jobs.noteMetadata(job.id, job.status, {
      reaper_dispatches: dispatchCount(job) + 1,
      reaper_dispatched_at: new Date().toISOString(),
    });
    if (!noted) return undefined;
    await this.queues.redispatch(stage, noted);
    return { action: 'redispatched', stage };
  }

  private async finish(job: JobRecord, write: () => Promise<JobRecord | null>): Promise<boolean> {
    const done = await write();
    if (done) await this.jobs.removeWorkFiles(job);
    return done !== null;
  }
}
