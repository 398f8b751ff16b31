/**
 * Cancellation and the reaper, through the real service (api and workers in one process, real PostgreSQL,
 * Redis and files): cancel while queued, while running (a hanging stage, and mid-extract on a big book), cancel
 * racing completion (exactly one terminal state), twice; the reaper with an orphaned row, a deleted one and a
 * stuck one, run by two instances at once.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Pool } from 'pg';
import { LOCAL_USER_ID } from '../../src/auth/auth-user';
import { isTerminal, JobStatus } from '../../src/common/enums';
import { TEST_EXECUTOR_ENV } from '../../src/conversion/runner';
import { TEST_FAULTS_ENV, type FaultPlan } from '../../src/conversion/runner/fault-executor';
import { ConversionJobsRepository } from '../../src/database/conversion-jobs.repository';
import type { JobRecord } from '../../src/database/job-record';
import { JobStateService } from '../../src/jobs/job-state.service';
import { PipelineDispatcher } from '../../src/pipeline/pipeline-dispatcher.service';
import { stageJobId } from '../../src/pipeline/pipeline.constants';
import { ReaperService } from '../../src/pipeline/reaper.service';
import { LocalStorage } from '../../src/storage/local-storage';
import { storagePaths } from '../../src/storage/storage-paths';
import { corpusFile, createTestApp, itWithCorpus, type TestApp } from '../helpers/test-app';
import { sleep, smallPdf } from './failure-helpers';

const FAULT_EXECUTOR = require.resolve('../../src/conversion/runner/fault-executor.ts');

function injectFaults(plan: FaultPlan): void {
  process.env[TEST_FAULTS_ENV] = JSON.stringify(plan);
}

/** The job's files once its clean-up (which follows the terminal status write) had up to 3 s to run. */
async function filesLeft(
  t: TestApp,
  jobId: string,
  withOutput = false,
): Promise<{ work: string[]; output: boolean }> {
  const storage = new LocalStorage(t.storageDir);
  const ref = { userId: LOCAL_USER_ID, jobId };
  const deadline = Date.now() + 3000;
  for (;;) {
    const work = await storage.list(storagePaths.workPrefix(ref));
    const output = await storage.exists(storagePaths.output(ref));
    if ((work.length === 0 && output === withOutput) || Date.now() > deadline) return { work, output };
    await sleep(100);
  }
}

function tempDirsOf(jobId: string): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`pdf2epub-${jobId}-`));
}

/** Resolves when the job's row satisfies `predicate`: now (read after subscribing, so no change is missed) or later. */
function whenRow(t: TestApp, jobId: string, predicate: (row: JobRecord) => boolean): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const stop = t.app.get(JobStateService).onChange((row) => {
      if (row.id === jobId && predicate(row)) {
        stop();
        resolve(row);
      }
    });
    t.app
      .get(ConversionJobsRepository)
      .findById(jobId)
      .then((row) => {
        if (row && predicate(row)) {
          stop();
          resolve(row);
        }
      }, reject);
  });
}

beforeAll(() => {
  process.env[TEST_EXECUTOR_ENV] = FAULT_EXECUTOR;
});

afterAll(() => {
  delete process.env[TEST_EXECUTOR_ENV];
  delete process.env[TEST_FAULTS_ENV];
});

describe('cancellation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { WORKER_CONCURRENCY: '1' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  beforeEach(() => injectFaults({}));

  it('cancels a queued job at once (its stage job removed) and a running one at its next checkpoint', async () => {
    injectFaults({ analyze_layout: { kind: 'slow', ms: 30_000, then: 'engine' } });
    const running = (await t.upload(await smallPdf(1), 'running.pdf')).body.job_id as string;
    await whenRow(t, running, (row) => row.status === JobStatus.ANALYZING);
    const queued = (await t.upload(await smallPdf(1), 'queued.pdf')).body.job_id as string;

    const deleteQueued = await t.http.delete(`/api/v1/jobs/${queued}`);
    expect(deleteQueued.status).toBe(202);
    expect((await t.getJob(queued)).status).toBe(JobStatus.CANCELLED);
    const queue = t.app.get(PipelineDispatcher).queue('analyze_layout');
    expect(await queue.getJob(stageJobId(queued, 'analyze_layout'))).toBeUndefined();

    const cancelledAt = Date.now();
    const deleteRunning = await t.http.delete(`/api/v1/jobs/${running}`);
    expect(deleteRunning.status).toBe(202);
    const job = await t.waitForTerminal(running, 10_000, 25);
    expect(job).toMatchObject({ status: JobStatus.CANCELLED, error_code: 'CANCELLED' });
    expect(Date.now() - cancelledAt).toBeLessThan(3000);
    expect(await filesLeft(t, running)).toEqual({ work: [], output: false });
    await sleep(200);
    expect(tempDirsOf(running)).toEqual([]);

    // Twice is harmless: still CANCELLED (200 or 202, never an error).
    const again = await t.http.delete(`/api/v1/jobs/${running}`);
    expect([200, 202]).toContain(again.status);
    expect((await t.getJob(running)).status).toBe(JobStatus.CANCELLED);
  }, 120_000);

  itWithCorpus(
    'cancels mid-extract on a big book: CANCELLED within seconds, no EPUB, no artifacts, no temp dir',
    'R-intro.pdf',
    async () => {
      const jobId = (await t.upload(corpusFile('R-intro.pdf'))).body.job_id as string;
      await whenRow(t, jobId, (row) => row.status === JobStatus.EXTRACTING);
      await sleep(300);
      const cancelledAt = Date.now();
      expect((await t.http.delete(`/api/v1/jobs/${jobId}`)).status).toBe(202);
      const job = await t.waitForTerminal(jobId, 60_000, 50);
      const seconds = (Date.now() - cancelledAt) / 1000;

      expect(job.status).toBe(JobStatus.CANCELLED);
      expect(job.stage_metadata.current_stage).toBe('extract_content');
      expect(seconds).toBeLessThan(10);
      expect(await filesLeft(t, jobId)).toEqual({ work: [], output: false });
      await sleep(200);
      expect(tempDirsOf(jobId)).toEqual([]);
    },
    180_000,
  );

  it('cancel racing completion: exactly one terminal state wins, and the files agree with it', async () => {
    injectFaults({ calculate_quality_score: { kind: 'slow', ms: 300, stepMs: 20 } });
    const outcomes: string[] = [];
    for (const delayMs of [0, 150, 300, 450, 700]) {
      const recorder = t.recordChanges();
      const jobId = (await t.upload(await smallPdf(1), `race-${delayMs}.pdf`)).body.job_id as string;
      await whenRow(t, jobId, (row) => row.stage_metadata.current_stage === 'calculate_quality_score');
      await sleep(delayMs);
      await t.http.delete(`/api/v1/jobs/${jobId}`);
      const job = await t.waitForTerminal(jobId, 30_000, 25);
      await sleep(300);
      recorder.stop();

      // Status moves into a terminal state exactly once and never changes after that (later writes, e.g. the
      // DELETE stamping deleted_at on a COMPLETED row, keep the status).
      const statuses = recorder.changes.filter((row) => row.id === jobId).map((row) => row.status);
      const firstTerminal = statuses.findIndex((status) => isTerminal(status));
      expect(statuses.slice(firstTerminal)).toEqual(statuses.slice(firstTerminal).map(() => job.status));
      expect([JobStatus.COMPLETED, JobStatus.CANCELLED]).toContain(job.status);
      const files = await filesLeft(t, jobId, job.status === JobStatus.COMPLETED);
      expect(files).toEqual({ work: [], output: job.status === JobStatus.COMPLETED });
      outcomes.push(job.status);
    }
    // Both sides of the race were seen at least once across the delays (cancel early, completion late).
    expect(outcomes).toContain(JobStatus.CANCELLED);
  }, 120_000);
});

describe('reaper', () => {
  let t: TestApp;
  let second: TestApp;
  let pool: Pool;

  beforeAll(async () => {
    t = await createTestApp({
      env: { REAPER_ORPHAN_AGE_S: '0.5', REAPER_INTERVAL_S: '3600', REAPER_GRACE_S: '1' },
    });
    second = await createTestApp({ role: 'api', share: t });
    pool = new Pool({ connectionString: t.databaseUrl, max: 2 });
    pool.on('error', () => undefined); // clients still closing when the test database is dropped
  });

  afterAll(async () => {
    await pool?.end();
    await second?.close();
    await t?.close();
  });

  beforeEach(() => injectFaults({}));

  async function orphanRow(deleted = false): Promise<JobRecord> {
    const id = randomUUID();
    const ref = { userId: LOCAL_USER_ID, jobId: id };
    await new LocalStorage(t.storageDir).putBytes(storagePaths.input(ref), await smallPdf(1));
    // The API "crashed" after committing the row: no stage job was ever enqueued.
    const row = await t.app.get(JobStateService).create({
      id,
      userId: LOCAL_USER_ID,
      originalFilename: 'orphan.pdf',
      inputPath: storagePaths.input(ref),
    });
    if (deleted) await pool.query('UPDATE conversion_jobs SET deleted_at = now() WHERE id = $1', [id]);
    return row;
  }

  async function reapTwiceAtOnce(): Promise<{ jobId: string; action: string }[]> {
    await sleep(700);
    const results = await Promise.all([
      t.app.get(ReaperService).runOnce(),
      second.app.get(ReaperService).runOnce(),
    ]);
    return results.flatMap((result) => result.actions);
  }

  it('dispatches an orphaned UPLOADED row exactly once across two instances; the job then completes', async () => {
    const row = await orphanRow();
    const actions = await reapTwiceAtOnce();

    expect(actions.filter((action) => action.jobId === row.id)).toEqual([
      { jobId: row.id, action: 'redispatched', stage: 'analyze_layout' },
    ]);
    const job = await t.waitForTerminal(row.id, 150_000);
    expect(job.status).toBe(JobStatus.COMPLETED);
    const stored = (await pool.query('SELECT stage_metadata FROM conversion_jobs WHERE id = $1', [row.id]))
      .rows[0];
    expect(stored.stage_metadata.reaper_dispatches).toBe(1);
  }, 180_000);

  it('cancels a deleted orphan, and fails a row stuck past the hard timeout + grace with TIMEOUT', async () => {
    const deleted = await orphanRow(true);
    const stuck = await orphanRow();
    await pool.query(
      `UPDATE conversion_jobs SET status = 'EXTRACTING', updated_at = now() - interval '1 hour' WHERE id = $1`,
      [stuck.id],
    );
    const actions = await reapTwiceAtOnce();

    expect(
      actions
        .filter((action) => [deleted.id, stuck.id].includes(action.jobId))
        .sort((a, b) => a.action.localeCompare(b.action)),
    ).toEqual([
      { jobId: deleted.id, action: 'cancelled' },
      { jobId: stuck.id, action: 'timed-out' },
    ]);
    expect((await t.getJob(deleted.id)).status).toBe(JobStatus.CANCELLED);
    expect(await t.getJob(stuck.id)).toMatchObject({ status: JobStatus.FAILED, error_code: 'TIMEOUT' });
  }, 30_000);
});
