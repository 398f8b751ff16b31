/**
 * The api and worker roles as two separate processes (`node dist/main.js`, built first by
 * scripts/ensure-build.mjs), sharing one fresh database, queue prefix and storage directory:
 * worker/health is 503 without a worker and 200 with one, a PDF converts through them, and only the worker runs
 * stages. Also: a bad configuration stops start-up with exit code 2 and a readable message.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { JobStatus } from '../../src/common/enums';
import { dropDatabase } from '../../src/database/ensure-database';
import { corpusFile, isolatedEnv, itWithCorpus, type JobBody } from '../helpers/test-app';
import Redis from 'ioredis';

const REPO = resolve(__dirname, '..', '..');
const TERMINAL = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED];

interface Running {
  child: ChildProcess;
  output: () => string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: REPO,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitFor(url: string, running: Running, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null)
      throw new Error(`process exited early:\n${running.output().slice(-3000)}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer in time:\n${running.output().slice(-3000)}`);
}

/** SIGTERM, and SIGKILL after 20 s. Nest closes the app, then re-raises the signal: a clean stop ends by SIGTERM. */
async function stop(running: Running | undefined): Promise<NodeJS.Signals | number | null> {
  if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return null;
  const exited = new Promise<NodeJS.Signals | number | null>((done) =>
    running.child.once('exit', (code, signal) => done(signal ?? code)),
  );
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 20_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

async function cleanRedis(redisUrl: string, queueName: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${queueName}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

describe('api and worker as separate processes', () => {
  let env: Record<string, string>;
  let api: Running | undefined;
  let worker: Running | undefined;
  let apiUrl: string;
  let workerHealthUrl: string;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: REPO, stdio: 'pipe' });
    env = { ...(await isolatedEnv()), LOG_LEVEL: 'info' };
    const apiPort = await freePort();
    const workerPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}/api/v1`;
    workerHealthUrl = `http://127.0.0.1:${workerPort}/healthz`;
    api = start({ ...env, APP_ROLE: 'api', PORT: String(apiPort) });
    await waitFor(`${apiUrl}/health`, api);
    env.WORKER_HEALTH_PORT = String(workerPort);
  }, 180_000);

  afterAll(async () => {
    await stop(worker);
    await stop(api);
    if (env) {
      await cleanRedis(env.REDIS_URL, env.QUEUE_NAME);
      await dropDatabase(env.DATABASE_URL);
      await rm(resolve(env.STORAGE_DIR, '..'), { recursive: true, force: true });
    }
  });

  it('worker/health is 503 {detail, code} while no worker runs', async () => {
    const response = await fetch(`${apiUrl}/worker/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      detail: 'No conversion worker is connected.',
      code: 'NO_WORKERS',
    });
  });

  itWithCorpus(
    'converts tracemonkey.pdf through an api process and a worker process',
    'tracemonkey.pdf',
    async () => {
      worker = start({ ...env, APP_ROLE: 'worker' });
      await waitFor(workerHealthUrl, worker);
      const health = await fetch(`${apiUrl}/worker/health`);
      expect(health.status).toBe(200);
      const { workers } = (await health.json()) as {
        workers: { pid: number; queues: string[]; concurrency: number }[];
      };
      expect(workers).toEqual([
        expect.objectContaining({
          pid: worker.child.pid,
          concurrency: 2,
          queues: expect.arrayContaining(['generate_epub']),
        }),
      ]);

      const form = new FormData();
      form.append('file', new Blob([await readFile(corpusFile('tracemonkey.pdf'))]), 'tracemonkey.pdf');
      const upload = await fetch(`${apiUrl}/upload`, { method: 'POST', body: form });
      expect(upload.status).toBe(202);
      const { job_id: jobId } = (await upload.json()) as { job_id: string };

      const seen: string[] = [];
      let job: JobBody;
      const deadline = Date.now() + 150_000;
      for (;;) {
        job = (await (await fetch(`${apiUrl}/jobs/${jobId}`)).json()) as JobBody;
        const label = `${job.status}/${job.progress}`;
        if (seen[seen.length - 1] !== label) seen.push(label);
        if (TERMINAL.includes(job.status) || Date.now() > deadline) break;
        await new Promise((done) => setTimeout(done, 50));
      }
      expect(job.status).toBe(JobStatus.COMPLETED);
      const order = [
        'UPLOADED/0',
        'ANALYZING/25',
        'EXTRACTING/50',
        'STRUCTURING/75',
        'GENERATING/90',
        'COMPLETED/100',
      ];
      // What a poller sees is the documented sequence, in order, possibly with steps it polled too slowly to see.
      for (const label of seen) expect(order).toContain(label);
      const positions = seen.map((label) => order.indexOf(label));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));

      const download = await fetch(`${apiUrl}/jobs/${jobId}/download`);
      expect(download.status).toBe(200);
      expect(
        Buffer.from(await download.arrayBuffer())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');

      // Stages ran in the worker process only.
      expect(worker.output()).toContain(`"job_id":"${jobId}","stage":"analyze_layout"`);
      expect(api?.output()).not.toContain('"msg":"stage started"');

      // A stopped worker leaves no heartbeat: worker/health goes back to 503.
      expect(await stop(worker)).toBe('SIGTERM');
      const after = await fetch(`${apiUrl}/worker/health`);
      expect(after.status).toBe(503);
    },
    240_000,
  );

  it('refuses to start with a bad configuration: exit code 2, the variable named, no stack trace', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', PORT: 'eighty', APP_ROLE: 'api' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
