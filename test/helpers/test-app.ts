/**
 * Boots the real service for integration tests: a fresh PostgreSQL database `pdf2epub_test_<random>` (created by the
 * app's own start-up, dropped on close), a random BullMQ queue prefix, a temp STORAGE_DIR and error log — so tests of
 * several helpers can run at the same time against the same PostgreSQL and Redis.
 *
 *   const t = await createTestApp();                 // role 'all' (api + workers in one process)
 *   const { body } = await t.upload(corpusFile('tracemonkey.pdf'));
 *   const job = await t.waitForTerminal(body.job_id);
 *   await t.close();                                 // closes the app, drops the DB, removes Redis keys and files
 *
 * Options: `role` ('api' | 'worker' | 'all'), `env` (extra/overriding environment, e.g. MAX_UPLOAD_MB), `share`
 * (reuse the database, queue prefix and storage of another TestApp, e.g. an api app next to a worker app; only the
 * app that created them removes them).
 * Corpus files: `corpusFile(name)`, `corpusMissingReason()`, `itWithCorpus(...)` (skip without the corpus unless
 * REQUIRE_CORPUS=1).
 */
import 'reflect-metadata';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { isTerminal, type JobStatus } from '../../src/common/enums';
import { createRootLogger, PinoNestLogger } from '../../src/common/logging/logger';
import { AppConfig } from '../../src/config';
import { dropDatabase } from '../../src/database/ensure-database';
import type { JobRecord } from '../../src/database/job-record';
import { JobStateService } from '../../src/jobs/job-state.service';

export type Role = 'api' | 'worker' | 'all';

/** The job as GET /api/v1/jobs/{id} returns it. */
export interface JobBody {
  id: string;
  status: JobStatus;
  progress: number;
  stage_metadata: {
    current_stage?: string;
    progress_percent?: number;
    stage_started_at?: string;
    durations_ms?: Record<string, number>;
    attempt?: number;
    max_attempts?: number;
    retry?: Record<string, unknown> | null;
    retries?: Record<string, unknown>[];
  };
  error_code: string | null;
  error_message: string | null;
  original_filename: string;
  page_count: number | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  quality_report: Record<string, unknown> | null;
}

export interface TestAppOptions {
  role?: Role;
  env?: Record<string, string>;
  share?: TestApp;
}

export interface TestApp {
  role: Role;
  /** An HTTP application for roles api/all, an application context for the worker role. */
  app: INestApplication | INestApplicationContext;
  /** supertest agent on the app (roles api and all). */
  http: TestAgent;
  config: AppConfig;
  /** The environment the app was configured from (pass it to child processes to join the same test setup). */
  env: Record<string, string>;
  databaseUrl: string;
  queueName: string;
  storageDir: string;
  /** POST /api/v1/upload with the file at `path` (or the bytes given). */
  upload(file: string | Buffer, fileName?: string): Promise<request.Response>;
  getJob(jobId: string): Promise<JobBody>;
  /** Polls GET /api/v1/jobs/{id} every `intervalMs` until COMPLETED, FAILED or CANCELLED. */
  waitForTerminal(jobId: string, timeoutMs?: number, intervalMs?: number): Promise<JobBody>;
  /**
   * Every committed change of job rows in this process (roles all/worker), in commit order — of one job, or of
   * all jobs when `jobId` is omitted (subscribe before the upload to also see the UPLOADED insert).
   */
  recordChanges(jobId?: string): { changes: JobRecord[]; stop: () => void };
  close(): Promise<void>;
}

const REPO_ROOT = resolve(__dirname, '..', '..');
export const CORPUS_DIR = resolve(REPO_ROOT, '..', 'shared', 'corpus');
const PG_SERVER = process.env.TEST_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function corpusFile(name: string, kind: 'books' | 'hostile' = 'books'): string {
  return join(CORPUS_DIR, kind, name);
}

/** Null when the corpus file exists, else why the test cannot run. */
export function corpusMissingReason(
  name = 'tracemonkey.pdf',
  kind: 'books' | 'hostile' = 'books',
): string | null {
  return existsSync(corpusFile(name, kind))
    ? null
    : `corpus file ${kind}/${name} not found under ${CORPUS_DIR}`;
}

/** `it` when the corpus file exists; else a skipped test naming the reason, or a failing one with REQUIRE_CORPUS=1. */
export function itWithCorpus(name: string, file: string, fn: () => Promise<void>, timeout?: number): void {
  const missing = corpusMissingReason(file);
  if (missing === null) it(name, fn, timeout);
  else if (process.env.REQUIRE_CORPUS === '1') {
    it(name, () => {
      throw new Error(`REQUIRE_CORPUS=1 but ${missing}`);
    });
  } else {
    // Skipped on purpose: the shared corpus is not on this machine (the reason is in the test name).
    it.skip(`${name} [skipped: ${missing}]`, fn);
  }
}

export function randomSuffix(): string {
  return randomBytes(5).toString('hex');
}

/** The environment of a fresh, isolated test setup. */
export async function isolatedEnv(): Promise<Record<string, string>> {
  const suffix = randomSuffix();
  const dir = await mkdtemp(join(tmpdir(), `pdf2epub-test-${suffix}-`));
  return {
    DATABASE_URL: `${PG_SERVER}/pdf2epub_test_${suffix}`,
    REDIS_URL,
    QUEUE_NAME: `pdf2epub_test_${suffix}`,
    STORAGE_DRIVER: 'local',
    STORAGE_DIR: join(dir, 'storage'),
    PIPELINE_ERROR_LOG: join(dir, 'logs', 'pipeline-errors.log'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    AUTH_MODE: 'none',
    WORKER_CONCURRENCY: '2',
    PORT: '0',
    WORKER_HEALTH_PORT: '0',
  };
}

async function bootstrap(config: AppConfig): Promise<INestApplication | INestApplicationContext> {
  const logger = createRootLogger(config.get('LOG_LEVEL'), { role: config.get('APP_ROLE'), test: true });
  const module = AppModule.forRoot(config, logger);
  const nestLogger = new PinoNestLogger(logger);
  if (config.get('APP_ROLE') === 'worker') {
    const context = await NestFactory.createApplicationContext(module, { logger: nestLogger });
    context.enableShutdownHooks();
    return context;
  }
  const app = await NestFactory.create(module, { logger: nestLogger });
  configureApp(app);
  await app.init();
  return app;
}

/** Removes the Redis keys of a test setup: the queues, heartbeats and the cached rows of its jobs. */
async function cleanRedis(redisUrl: string, queueName: string, jobIds: string[]): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys: string[] = jobIds.map((id) => `job_status:${id}`);
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${queueName}:*`, 'COUNT', 500);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    for (let start = 0; start < keys.length; start += 500) await redis.del(...keys.slice(start, start + 500));
  } finally {
    redis.disconnect();
  }
}

async function jobIdsIn(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ id: string }>('SELECT id FROM conversion_jobs');
    return rows.map((row) => row.id);
  } catch {
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const role = options.role ?? 'all';
  const owned = !options.share;
  const env: Record<string, string> = {
    ...(options.share?.env ?? (await isolatedEnv())),
    ...options.env,
    APP_ROLE: role,
  };
  const config = AppConfig.fromEnv(env);
  const app = await bootstrap(config);
  const server = role === 'worker' ? undefined : ((app as INestApplication).getHttpServer() as Server);
  const http = server ? request.agent(server) : (undefined as unknown as TestAgent);

  const getJob = async (jobId: string): Promise<JobBody> => {
    const response = await http.get(`/api/v1/jobs/${jobId}`);
    if (response.status !== 200)
      throw new Error(`GET job ${jobId}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as JobBody;
  };

  return {
    role,
    app,
    http,
    config,
    env,
    databaseUrl: env.DATABASE_URL,
    queueName: env.QUEUE_NAME,
    storageDir: env.STORAGE_DIR,
    upload: (file, fileName) => {
      const name =
        fileName ?? (typeof file === 'string' ? (file.split('/').pop() ?? 'file.pdf') : 'file.pdf');
      return http.post('/api/v1/upload').attach('file', file, name);
    },
    getJob,
    async waitForTerminal(jobId, timeoutMs = 120_000, intervalMs = 50) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await getJob(jobId);
        if (isTerminal(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
        await new Promise((done) => setTimeout(done, intervalMs));
      }
    },
    recordChanges(jobId) {
      const changes: JobRecord[] = [];
      const stop = app.get(JobStateService).onChange((record) => {
        if (jobId === undefined || record.id === jobId) changes.push(record);
      });
      return { changes, stop };
    },
    async close() {
      await app.close();
      if (!owned) return;
      const jobIds = await jobIdsIn(env.DATABASE_URL);
      await cleanRedis(env.REDIS_URL, env.QUEUE_NAME, jobIds);
      await dropDatabase(env.DATABASE_URL);
      await rm(resolve(env.STORAGE_DIR, '..'), { recursive: true, force: true });
    },
  };
}
