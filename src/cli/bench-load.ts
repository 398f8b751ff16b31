#!/usr/bin/env node
/**
 * npm run bench:load [-- --uploads 10 --workers 2 --concurrency 1 --poll-ms 200]
 *
 * The service under load, with real processes: one API process and N worker processes (dist/main.js) on a fresh
 * database, queue prefix and storage folder. First each distinct corpus book is converted alone (the reference
 * EPUB content), then `--uploads` conversions are uploaded at once (the corpus books in turn, so some twice)
 * while a poller reads every job's status. Reports throughput, per-job latency (upload → COMPLETED), status-poll
 * latency, and whether every EPUB has the same content as its one-at-a-time reference. Exit code 1 when a job
 * does not complete or an EPUB differs. Everything it created is removed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import Redis from 'ioredis';
import { dropDatabase } from '../database/ensure-database';

const ROOT = resolve(__dirname, '..', '..');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'books');
const MAIN = resolve(__dirname, '..', 'main.js');
const PG_SERVER = process.env.BENCH_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOB_TIMEOUT_MS = 15 * 60_000;

interface JobView {
  status: string;
  error_code: string | null;
}

interface Finished {
  file: string;
  jobId: string;
  status: string;
  errorCode: string | null;
  latencyMs: number;
  digest: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

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

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * A digest of an EPUB's content: every entry's name and bytes, with the per-build values (modification time,
 * generated identifiers) blanked, so two conversions of the same PDF compare equal when their content is.
 */
export function epubContentDigest(epub: Uint8Array): string {
  const entries = unzipSync(epub);
  const hash = createHash('sha256');
  for (const name of Object.keys(entries).sort()) {
    let text = Buffer.from(entries[name]).toString('latin1');
    if (/\.(opf|ncx|xhtml|html)$/.test(name)) {
      text = text
        .replace(/<meta property="dcterms:modified">[^<]*<\/meta>/g, '')
        .replace(/urn:uuid:[0-9a-f-]{36}/gi, 'urn:uuid:*');
    }
    hash.update(name).update('\0').update(text, 'latin1').update('\0');
  }
  return hash.digest('hex');
}

class Service {
  private readonly processes: ChildProcess[] = [];
  readonly env: Record<string, string>;
  readonly baseUrl: string;

  constructor(port: number, storageDir: string, concurrency: number) {
    const suffix = randomBytes(4).toString('hex');
    this.env = {
      DATABASE_URL: `${PG_SERVER}/pdf2epub_bench_${suffix}`,
      REDIS_URL,
      QUEUE_NAME: `pdf2epub_bench_${suffix}`,
      STORAGE_DRIVER: 'local',
      STORAGE_DIR: join(storageDir, 'storage'),
      PIPELINE_ERROR_LOG: join(storageDir, 'pipeline-errors.log'),
      AUTH_MODE: 'none',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      WORKER_HEALTH_PORT: '0',
      WORKER_CONCURRENCY: String(concurrency),
    };
    this.baseUrl = `http://127.0.0.1:${port}/api/v1`;
  }

  start(role: 'api' | 'worker'): void {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, ...this.env, APP_ROLE: role, NODE_ENV: process.env.NODE_ENV ?? 'development' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.processes.push(child);
  }

  async waitUntilReady(workers: number): Promise<void> {
    const redis = new Redis(REDIS_URL);
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const api = await fetch(`${this.baseUrl}/health`).then(
          (response) => response.ok,
          () => false,
        );
        const alive = (await redis.keys(`${this.env.QUEUE_NAME}:workers:*`)).length;
        if (api && alive >= workers) return;
        if (Date.now() > deadline)
          throw new Error(`service not ready (api ${api}, workers ${alive}/${workers})`);
        await sleep(250);
      }
    } finally {
      redis.disconnect();
    }
  }

  async upload(file: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)], { type: 'application/pdf' }), basename(file));
    const response = await fetch(`${this.baseUrl}/upload`, { method: 'POST', body: form });
    const body = (await response.json()) as { job_id?: string; detail?: string };
    if (response.status !== 202 || !body.job_id)
      throw new Error(`upload ${basename(file)}: ${response.status} ${body.detail}`);
    return body.job_id;
  }

  async job(jobId: string): Promise<JobView> {
    const response = await fetch(`${this.baseUrl}/jobs/${jobId}`);
    return (await response.json()) as JobView;
  }

  async epub(jobId: string): Promise<Uint8Array> {
    const response = await fetch(`${this.baseUrl}/jobs/${jobId}/download`);
    if (!response.ok) throw new Error(`download ${jobId}: ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async stop(): Promise<void> {
    const exits = this.processes.map(
      (child) =>
        new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done()))),
    );
    for (const child of this.processes) child.kill('SIGTERM');
    await Promise.race([Promise.all(exits), sleep(60_000)]);
    for (const child of this.processes)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${this.env.QUEUE_NAME}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await dropDatabase(this.env.DATABASE_URL).catch(() => undefined);
  }
}

async function convert(
  service: Service,
  file: string,
  poll: (jobId: string) => Promise<JobView>,
): Promise<Finished> {
  const started = Date.now();
  const jobId = await service.upload(file);
  for (;;) {
    const job = await poll(jobId);
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) {
      const latencyMs = Date.now() - started;
      const digest = job.status === 'COMPLETED' ? epubContentDigest(await service.epub(jobId)) : null;
      return {
        file: basename(file),
        jobId,
        status: job.status,
        errorCode: job.error_code,
        latencyMs,
        digest,
      };
    }
    if (Date.now() - started > JOB_TIMEOUT_MS) throw new Error(`${basename(file)} still ${job.status}`);
    await sleep(500);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      uploads: { type: 'string', default: '10' },
      workers: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '1' },
      'poll-ms': { type: 'string', default: '200' },
    },
  });
  const uploads = Number(values.uploads);
  const workers = Number(values.workers);
  const pollMs = Number(values['poll-ms']);
  if (!existsSync(CORPUS)) throw new Error(`corpus not found at ${CORPUS}`);
  const books = readdirSync(CORPUS)
    .filter((name) => name.endsWith('.pdf'))
    .sort()
    .map((name) => join(CORPUS, name));
  const batch = Array.from({ length: uploads }, (_, index) => books[index % books.length]);

  const dir = await mkdtemp(join(tmpdir(), 'pdf2epub-bench-load-'));
  const service = new Service(await freePort(), dir, Number(values.concurrency));
  let failed = false;
  try {
    service.start('api');
    await service.waitUntilReady(0);
    for (let index = 0; index < workers; index += 1) service.start('worker');
    await service.waitUntilReady(workers);
    process.stdout.write(
      `service up: 1 api + ${workers} worker processes (concurrency ${values.concurrency})\n`,
    );

    const reference = new Map<string, Finished>();
    for (const book of books) {
      const alone = await convert(service, book, (id) => service.job(id));
      reference.set(alone.file, alone);
      process.stdout.write(
        `alone: ${alone.file} ${alone.status} in ${(alone.latencyMs / 1000).toFixed(1)} s\n`,
      );
    }

    const pollLatencies: number[] = [];
    const timedPoll = async (jobId: string): Promise<JobView> => {
      const started = performance.now();
      const job = await service.job(jobId);
      pollLatencies.push(performance.now() - started);
      return job;
    };
    let polling = true;
    const jobIds: string[] = [];
    const poller = (async () => {
      while (polling) {
        await Promise.all(jobIds.map((id) => timedPoll(id)));
        await sleep(pollMs);
      }
    })();
    const started = Date.now();
    const results = await Promise.all(
      batch.map((file) =>
        convert(service, file, async (id) => {
          if (!jobIds.includes(id)) jobIds.push(id);
          return timedPoll(id);
        }),
      ),
    );
    const wallS = (Date.now() - started) / 1000;
    polling = false;
    await poller;

    process.stdout.write(
      `\n| # | book | status | latency s | same content as alone |\n|---|---|---|---|---|\n`,
    );
    results.forEach((result, index) => {
      const same = result.digest !== null && result.digest === reference.get(result.file)?.digest;
      if (result.status !== 'COMPLETED' || !same) failed = true;
      process.stdout.write(
        `| ${index + 1} | ${result.file} | ${result.status}${result.errorCode ? ` ${result.errorCode}` : ''} | ` +
          `${(result.latencyMs / 1000).toFixed(1)} | ${same ? 'yes' : 'NO'} |\n`,
      );
    });
    const latencies = results.map((result) => result.latencyMs / 1000);
    process.stdout.write(
      `\n${uploads} uploads at once: all done in ${wallS.toFixed(1)} s → ${((uploads / wallS) * 60).toFixed(2)} jobs/min\n` +
        `per-job latency s: min ${Math.min(...latencies).toFixed(1)}  median ${percentile(latencies, 50).toFixed(1)}  ` +
        `max ${Math.max(...latencies).toFixed(1)}\n` +
        `status polls: ${pollLatencies.length}, latency ms p50 ${percentile(pollLatencies, 50).toFixed(1)}  ` +
        `p95 ${percentile(pollLatencies, 95).toFixed(1)}  max ${Math.max(...pollLatencies).toFixed(1)}\n` +
        `result: ${failed ? 'FAILED (a job did not complete or its EPUB differs)' : 'all completed with identical content'}\n`,
    );
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:load failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
