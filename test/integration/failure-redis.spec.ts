/**
 * Redis restarted (without persistence: every queue is lost) while one job runs a stage and another waits:
 * both still end in a terminal state — the running stage finishes and enqueues the next one on the new Redis,
 * the lost waiting job is found by the reaper and dispatched again. Uses a private redis-server on a free port
 * (the shared one must not be restarted); skipped when redis-server is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { JobStatus } from '../../src/common/enums';
import { TEST_EXECUTOR_ENV } from '../../src/conversion/runner';
import { TEST_FAULTS_ENV } from '../../src/conversion/runner/fault-executor';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { sleep, smallPdf } from './failure-helpers';

const FAULT_EXECUTOR = require.resolve('../../src/conversion/runner/fault-executor.ts');
const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {
      stdio: 'ignore',
    },
  );
  for (let tries = 0; tries < 50; tries += 1) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout.trim() === 'PONG') return child;
    await sleep(100);
  }
  throw new Error('private redis-server did not start');
}

function stopRedis(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

// Skipped on purpose when redis-server is not installed (the test needs a Redis it may kill).
(haveRedisServer ? describe : describe.skip)('Redis restarted while jobs run and wait', () => {
  let t: TestApp;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    process.env[TEST_EXECUTOR_ENV] = FAULT_EXECUTOR;
    process.env[TEST_FAULTS_ENV] = JSON.stringify({
      analyze_layout: { kind: 'slow', ms: 4000, then: 'engine' },
    });
    port = await freePort();
    redis = await startRedis(port);
    t = await createTestApp({
      env: {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        WORKER_CONCURRENCY: '1',
        REAPER_INTERVAL_S: '1',
        REAPER_ORPHAN_AGE_S: '2',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    if (redis) await stopRedis(redis);
    delete process.env[TEST_EXECUTOR_ENV];
    delete process.env[TEST_FAULTS_ENV];
  });

  it('the running and the waiting job both end terminal (COMPLETED) after Redis lost everything', async () => {
    const running = (await t.upload(await smallPdf(1), 'running.pdf')).body.job_id as string;
    const waiting = (await t.upload(await smallPdf(1), 'waiting.pdf')).body.job_id as string;
    await sleep(1500);

    await stopRedis(redis);
    await sleep(1000);
    redis = await startRedis(port);
    const restartedAt = Date.now();

    const jobs = await Promise.all([
      t.waitForTerminal(running, 90_000, 250),
      t.waitForTerminal(waiting, 90_000, 250),
    ]);
    const seconds = (Date.now() - restartedAt) / 1000;

    expect(jobs.map((job) => [job.original_filename, job.status, job.error_code])).toEqual([
      ['running.pdf', JobStatus.COMPLETED, null],
      ['waiting.pdf', JobStatus.COMPLETED, null],
    ]);
    expect(seconds).toBeLessThan(80);
  }, 150_000);
});
