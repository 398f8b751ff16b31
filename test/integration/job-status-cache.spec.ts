/**
 * The job-status cache (Redis, key job_status:{job_id}): a poll storm on one job reaches PostgreSQL at most once
 * per change of the row, every status write invalidates it, and it never lets another user read a job.
 * Runs the api role only, so no worker changes the job behind the test's back.
 */
import Redis from 'ioredis';
import { LOCAL_USER_ID } from '../../src/auth/auth-user';
import { JobStatus } from '../../src/common/enums';
import { ConversionJobsRepository } from '../../src/database/conversion-jobs.repository';
import { JobStateService } from '../../src/jobs/job-state.service';
import { JobStatusCache, jobStatusKey } from '../../src/jobs/job-status-cache.service';
import { PipelineDispatcher } from '../../src/pipeline/pipeline-dispatcher.service';
import { PDFDocument } from 'pdf-lib';
import { createTestApp, type TestApp } from '../helpers/test-app';

const POLLS = 40;

describe('job status cache', () => {
  let t: TestApp;
  let repository: ConversionJobsRepository;
  let state: JobStateService;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: { JOB_STATUS_CACHE_TTL_S: '300' } });
    repository = t.app.get(ConversionJobsRepository);
    state = t.app.get(JobStateService);
    redis = new Redis(t.env.REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function pollStorm(jobId: string): Promise<{ queries: number; statuses: Set<string> }> {
    const before = repository.queryCount;
    const responses = await Promise.all(
      Array.from({ length: POLLS }, () => t.http.get(`/api/v1/jobs/${jobId}`)),
    );
    const more = [];
    for (let index = 0; index < POLLS; index += 1) more.push(await t.http.get(`/api/v1/jobs/${jobId}`));
    for (const response of [...responses, ...more]) expect(response.status).toBe(200);
    return {
      queries: repository.queryCount - before,
      statuses: new Set(
        [...responses, ...more].map((response) => `${response.body.status}/${response.body.progress}`),
      ),
    };
  }

  it('serves a poll storm with at most one PostgreSQL query per status change', async () => {
    const job = await state.create({
      id: crypto.randomUUID(),
      userId: LOCAL_USER_ID,
      originalFilename: 'storm.pdf',
      inputPath: 'uploads/u/j/input.pdf',
    });

    const first = await pollStorm(job.id);
    expect(first.queries).toBeLessThanOrEqual(1);
    expect(first.statuses).toEqual(new Set(['UPLOADED/0']));
    expect(await redis.exists(jobStatusKey(job.id))).toBe(1);

    await state.transition(job.id, [JobStatus.UPLOADED], JobStatus.ANALYZING, { progress: 25 });
    expect(await redis.exists(jobStatusKey(job.id))).toBe(0);
    const second = await pollStorm(job.id);
    expect(second.queries).toBeLessThanOrEqual(1);
    expect(second.statuses).toEqual(new Set(['ANALYZING/25']));

    await state.fail(job.id, 'INVALID_PDF', 'The file is not a valid PDF.');
    const third = await pollStorm(job.id);
    expect(third.queries).toBeLessThanOrEqual(1);
    expect(third.statuses).toEqual(new Set(['FAILED/25']));
  });

  it('never lets a cached row reach another user', async () => {
    const job = await state.create({
      id: crypto.randomUUID(),
      userId: LOCAL_USER_ID,
      originalFilename: 'mine.pdf',
      inputPath: 'uploads/u/j/input.pdf',
    });
    const cache = t.app.get(JobStatusCache);
    expect(await cache.getForUser(job.id, LOCAL_USER_ID)).toEqual(expect.objectContaining({ id: job.id }));
    expect(await redis.exists(jobStatusKey(job.id))).toBe(1);
    expect(await cache.getForUser(job.id, '00000000-0000-4000-8000-0000000000bb')).toBeNull();
  });

  it('compare-and-set: a late stage cannot overwrite CANCELLED or FAILED', async () => {
    const job = await state.create({
      id: crypto.randomUUID(),
      userId: LOCAL_USER_ID,
      originalFilename: 'late.pdf',
      inputPath: 'uploads/u/j/input.pdf',
    });
    await state.transition(job.id, [JobStatus.UPLOADED], JobStatus.ANALYZING, { progress: 25 });
    expect(await state.cancel(job.id)).toEqual(expect.objectContaining({ status: JobStatus.CANCELLED }));
    const late = await state.transition(job.id, [JobStatus.ANALYZING], JobStatus.EXTRACTING, {
      progress: 50,
    });
    expect(late).toBeNull();
    expect(await state.fail(job.id, 'INTERNAL_ERROR', 'x')).toBeNull();
    expect((await t.getJob(job.id)).status).toBe(JobStatus.CANCELLED);
  });

  it('DELETE of a queued job: CANCELLED at once, its queued stage removed from the queue', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const accepted = await t.upload(Buffer.from(await doc.save()), 'queued.pdf');
    expect(accepted.status).toBe(202);
    const jobId = accepted.body.job_id as string;
    const queue = t.app.get(PipelineDispatcher).queue('analyze_layout');
    expect(await queue.getJob(`${jobId}-analyze_layout`)).toBeDefined();

    const deleted = await t.http.delete(`/api/v1/jobs/${jobId}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body).toEqual(expect.objectContaining({ id: jobId, status: 'CANCELLED' }));
    expect(await queue.getJob(`${jobId}-analyze_layout`)).toBeUndefined();
    expect((await t.getJob(jobId)).status).toBe(JobStatus.CANCELLED);

    const again = await t.http.delete(`/api/v1/jobs/${jobId}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(expect.objectContaining({ id: jobId, status: 'CANCELLED' }));
  });
});
