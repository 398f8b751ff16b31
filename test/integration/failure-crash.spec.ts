/**
 * Crashes with real processes: the API runs in this process, the stage workers are separate worker processes
 * (`node main.js` compiled from src/, APP_ROLE=worker) sharing PostgreSQL, Redis and storage. A worker SIGKILLed
 * mid-stage: another process picks the stage up (BullMQ stall recovery, shortened lock/stall settings) and the
 * job completes with a correct EPUB; with no stall allowed it ends FAILED WORKER_LOST instead of stuck; a
 * SIGTERMed worker hands its stage back within its grace period and another completes the job.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { JobStatus } from '../../src/common/enums';
import { TEST_EXECUTOR_ENV } from '../../src/conversion/runner';
import { TEST_FAULTS_ENV, type FaultPlan } from '../../src/conversion/runner/fault-executor';
import { USER_MESSAGES } from '../../src/pipeline/failure';
import { createTestApp, type JobBody, type TestApp } from '../helpers/test-app';
import { compileForProcesses, sleep, smallPdf } from './failure-helpers';

const REPO_ROOT = resolve(__dirname, '..', '..');

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: string[];
}

describe('worker processes that die or stop', () => {
  let t: TestApp;
  let redis: Redis;
  let compiled: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    compiled = await compileForProcesses();
    t = await createTestApp({ role: 'api' });
    redis = new Redis(t.env.REDIS_URL);
  }, 180_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    redis?.disconnect();
    await t?.close();
    if (compiled) await rm(compiled, { recursive: true, force: true });
  });

  /** Starts a worker process on the test setup and waits for its heartbeat (it is taking jobs then). */
  async function startWorker(env: Record<string, string>, faults: FaultPlan): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [join(compiled, 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...t.env,
        APP_ROLE: 'worker',
        NODE_ENV: 'test',
        NODE_OPTIONS: '',
        WORKER_HEALTH_PORT: '0',
        WORKER_CONCURRENCY: '1',
        LOG_LEVEL: 'info',
        [TEST_EXECUTOR_ENV]: join(compiled, 'dist', 'conversion/runner/fault-executor.js'),
        [TEST_FAULTS_ENV]: JSON.stringify(faults),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const worker = { child, exited, output };
    workers.push(worker);
    const key = `${t.queueName}:workers:${hostname()}:${child.pid}`;
    const deadline = Date.now() + 60_000;
    while (!(await redis.exists(key))) {
      if (child.exitCode !== null) throw new Error(`worker exited at start-up:\n${output.join('')}`);
      if (Date.now() > deadline) throw new Error(`worker not ready:\n${output.join('')}`);
      await sleep(200);
    }
    return worker;
  }

  async function waitForStatus(jobId: string, status: JobStatus, timeoutMs = 60_000): Promise<JobBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await t.getJob(jobId);
      if (job.status === status) return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
      await sleep(50);
    }
  }

  async function downloadEpub(jobId: string): Promise<Buffer> {
    const response = await t.http
      .get(`/api/v1/jobs/${jobId}/download`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    return response.body as Buffer;
  }

  const STALL_FAST = { WORKER_LOCK_DURATION_S: '2', WORKER_STALLED_INTERVAL_S: '1' };
  const SLOW_EXTRACT: FaultPlan = { extract_content: { kind: 'slow', ms: 3000, then: 'engine' } };

  it('SIGKILL mid-stage: another worker process picks the stage up and the job completes with an EPUB', async () => {
    const env = { ...STALL_FAST, WORKER_MAX_STALLED_COUNT: '1' };
    const first = await startWorker(env, SLOW_EXTRACT);
    const jobId = (await t.upload(await smallPdf(2), 'killed.pdf')).body.job_id as string;
    await waitForStatus(jobId, JobStatus.EXTRACTING);
    const second = await startWorker(env, SLOW_EXTRACT);

    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    const job = await t.waitForTerminal(jobId, 90_000);
    const recoverySeconds = (Date.now() - killedAt) / 1000;

    expect(job).toMatchObject({ status: JobStatus.COMPLETED, error_code: null });
    // Lock 2 s + stall check 1 s + the 3 s extract again + the remaining stages.
    expect(recoverySeconds).toBeLessThan(45);
    const epub = await downloadEpub(jobId);
    expect(epub.subarray(0, 2).toString()).toBe('PK');
    expect(epub.includes(Buffer.from('application/epub+zip'))).toBe(true);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 180_000);

  it('a stage that stalls more than allowed ends FAILED WORKER_LOST, not stuck', async () => {
    const env = { ...STALL_FAST, WORKER_MAX_STALLED_COUNT: '0' };
    const first = await startWorker(env, SLOW_EXTRACT);
    const jobId = (await t.upload(await smallPdf(1), 'lost.pdf')).body.job_id as string;
    await waitForStatus(jobId, JobStatus.EXTRACTING);
    const second = await startWorker(env, SLOW_EXTRACT);

    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    const job = await t.waitForTerminal(jobId, 60_000);

    expect(job).toMatchObject({
      status: JobStatus.FAILED,
      error_code: 'WORKER_LOST',
      error_message: USER_MESSAGES.WORKER_LOST,
    });
    expect((Date.now() - killedAt) / 1000).toBeLessThan(20);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 180_000);

  it('SIGTERM: the worker hands its running stage back within its grace period; another completes the job', async () => {
    const env = { ...STALL_FAST, WORKER_MAX_STALLED_COUNT: '1', WORKER_SHUTDOWN_GRACE_S: '1' };
    const slow: FaultPlan = { extract_content: { kind: 'slow', ms: 5000, then: 'engine' } };
    const first = await startWorker(env, slow);
    const jobId = (await t.upload(await smallPdf(1), 'handed-back.pdf')).body.job_id as string;
    await waitForStatus(jobId, JobStatus.EXTRACTING);
    await startWorker(env, slow);

    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    const exitCode = await first.exited;
    const stopSeconds = (Date.now() - stoppedAt) / 1000;
    const job = await t.waitForTerminal(jobId, 90_000);

    // Nest re-raises the signal once its shutdown hooks are done: exit by SIGTERM after a clean close.
    expect(exitCode).toBeNull();
    expect(first.child.signalCode).toBe('SIGTERM');
    expect(stopSeconds).toBeLessThan(15);
    expect(first.output.join('')).toContain('stage handed back to the queue');
    expect(job).toMatchObject({ status: JobStatus.COMPLETED, error_code: null });
    expect((await downloadEpub(jobId)).subarray(0, 2).toString()).toBe('PK');
  }, 180_000);
});
