/**
 * The service end to end in one process (APP_ROLE=all) against real PostgreSQL, Redis and files: upload a corpus
 * book over HTTP, follow it through the five stages, download the EPUB and run epubcheck on it; cancel a running
 * job; and the HTTP contract around it (errors, pagination, ownership, Swagger).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { JobStatus } from '../../src/common/enums';
import type { JobRecord } from '../../src/database/job-record';
import { JobStateService } from '../../src/jobs/job-state.service';
import { PipelineDispatcher } from '../../src/pipeline/pipeline-dispatcher.service';
import { LocalStorage } from '../../src/storage/local-storage';
import { storagePaths } from '../../src/storage/storage-paths';
import { epubcheckMissingReason, epubcheckRequired, runEpubcheck } from '../helpers/epubcheck';
import { corpusFile, createTestApp, itWithCorpus, type JobBody, type TestApp } from '../helpers/test-app';
import { LOCAL_USER_ID } from '../../src/auth/auth-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const OTHER_USER = '00000000-0000-4000-8000-0000000000aa';

const EXPECTED_SEQUENCE: [JobStatus, number][] = [
  [JobStatus.UPLOADED, 0],
  [JobStatus.ANALYZING, 25],
  [JobStatus.EXTRACTING, 50],
  [JobStatus.STRUCTURING, 75],
  [JobStatus.GENERATING, 90],
  [JobStatus.COMPLETED, 100],
];

async function smallPdf(pages = 2): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let index = 0; index < pages; index += 1) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Page ${index + 1}: a short paragraph of text for the converter.`, {
      x: 72,
      y: 760,
      size: 12,
      font,
    });
  }
  return Buffer.from(await doc.save());
}

/** (status, progress) pairs with consecutive repeats removed. */
function statusSequence(records: { status: JobStatus; progress: number }[]): [JobStatus, number][] {
  const sequence: [JobStatus, number][] = [];
  for (const { status, progress } of records) {
    const last = sequence[sequence.length - 1];
    if (!last || last[0] !== status || last[1] !== progress) sequence.push([status, progress]);
  }
  return sequence;
}

function isSubsequence<T>(items: T[], of: T[]): boolean {
  let position = 0;
  for (const item of items) {
    position = of.findIndex(
      (candidate, index) => index >= position && JSON.stringify(candidate) === JSON.stringify(item),
    );
    if (position < 0) return false;
  }
  return true;
}

describe('conversion service, api and workers in one process', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_UPLOAD_MB: '3' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  itWithCorpus(
    'converts tracemonkey.pdf through all five stages in order and serves an EPUB that passes epubcheck',
    'tracemonkey.pdf',
    async () => {
      const recorder = t.recordChanges();
      const accepted = await t.upload(corpusFile('tracemonkey.pdf'));
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ job_id: expect.stringMatching(UUID), status: 'UPLOADED' });
      const jobId = accepted.body.job_id as string;

      const polled: JobBody[] = [];
      const poll = async (): Promise<JobBody> => {
        const deadline = Date.now() + 150_000;
        for (;;) {
          const job = await t.getJob(jobId);
          polled.push(job);
          if ([JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED].includes(job.status)) return job;
          if (Date.now() > deadline) throw new Error(`still ${job.status}`);
          await new Promise((done) => setTimeout(done, 50));
        }
      };
      const job = await poll();
      recorder.stop();
      const changes = recorder.changes.filter((change) => change.id === jobId);

      expect({ status: job.status, error_code: job.error_code, error_message: job.error_message }).toEqual({
        status: JobStatus.COMPLETED,
        error_code: null,
        error_message: null,
      });
      // Every committed status write, in commit order: exactly the documented sequence.
      expect(statusSequence(changes)).toEqual(EXPECTED_SEQUENCE);
      // What a polling client saw is a part of that sequence, in the same order.
      expect(isSubsequence(statusSequence(polled), EXPECTED_SEQUENCE)).toBe(true);

      // Each stage set current_stage/progress_percent/stage_started_at before its work.
      const starts = changes.filter(
        (change: JobRecord, index) =>
          change.stage_metadata.stage_started_at !== changes[index - 1]?.stage_metadata.stage_started_at,
      );
      expect(
        starts.map((change) => [change.stage_metadata.current_stage, change.stage_metadata.progress_percent]),
      ).toEqual([
        ['analyze_layout', 25],
        ['extract_content', 50],
        ['identify_structure', 75],
        ['generate_epub', 90],
        ['calculate_quality_score', 90],
      ]);
      const startTimes = starts.map((change) => change.stage_metadata.stage_started_at ?? '');
      for (const time of startTimes) expect(time).toMatch(ISO_UTC);
      expect([...startTimes].sort()).toEqual(startTimes);

      expect(job.progress).toBe(100);
      expect(job.page_count).toBe(14);
      expect(job.completed_at).toMatch(ISO_UTC);
      expect(job.original_filename).toBe('tracemonkey.pdf');
      expect(Object.keys(job.stage_metadata.durations_ms ?? {}).sort()).toEqual(
        [
          'analyze_layout',
          'calculate_quality_score',
          'extract_content',
          'generate_epub',
          'identify_structure',
        ].sort(),
      );
      expect(job.quality_report).toEqual(expect.objectContaining({ score: expect.any(Number) }));

      const download = await t.http
        .get(`/api/v1/jobs/${jobId}/download`)
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('application/epub+zip');
      expect(download.headers['content-disposition']).toContain('filename="tracemonkey.epub"');
      const epub = download.body as Buffer;
      expect(epub.subarray(0, 2).toString()).toBe('PK');

      // Storage layout: the PDF and the EPUB at their documented keys; the per-job work files are gone.
      const storage = new LocalStorage(t.storageDir);
      const ref = { userId: LOCAL_USER_ID, jobId };
      expect(await storage.exists(storagePaths.input(ref))).toBe(true);
      expect(await storage.exists(storagePaths.output(ref))).toBe(true);
      expect(await storage.list(storagePaths.workPrefix(ref))).toEqual([]);

      const list = await t.http.get('/api/v1/jobs?page=1&page_size=5');
      expect(list.status).toBe(200);
      expect(list.body.items[0].id).toBe(jobId);

      // A finished job cannot be cancelled: 409, and it stays COMPLETED and listed.
      const cancelFinished = await t.http.delete(`/api/v1/jobs/${jobId}`);
      expect(cancelFinished.status).toBe(409);
      expect(cancelFinished.body).toEqual({ detail: expect.any(String), code: 'JOB_ALREADY_FINISHED' });
      expect((await t.getJob(jobId)).status).toBe(JobStatus.COMPLETED);

      const missing = epubcheckMissingReason();
      if (missing && epubcheckRequired()) throw new Error(`REQUIRE_EPUBCHECK=1 but ${missing}`);
      if (!missing) {
        const file = join(t.storageDir, '..', 'tracemonkey.epub');
        await writeFile(file, epub);
        expect((await runEpubcheck(file)).errors).toEqual([]);
      }
    },
    240_000,
  );

  itWithCorpus(
    'DELETE on a running job ends it CANCELLED and no later stage starts',
    'tracemonkey.pdf',
    async () => {
      const recorder = t.recordChanges();
      const accepted = await t.upload(corpusFile('tracemonkey.pdf'));
      const jobId = accepted.body.job_id as string;
      const running = new Promise<void>((resolve) => {
        const stop = t.app.get(JobStateService).onChange((record) => {
          if (record.id === jobId && record.status === JobStatus.ANALYZING) {
            stop();
            resolve();
          }
        });
      });
      await running;
      const deleted = await t.http.delete(`/api/v1/jobs/${jobId}`);
      expect(deleted.status).toBe(202);
      const job = await t.waitForTerminal(jobId, 120_000);
      await new Promise((done) => setTimeout(done, 500));
      recorder.stop();
      expect(job.status).toBe(JobStatus.CANCELLED);
      const after = recorder.changes.filter((change) => change.id === jobId && change.deleted_at !== null);
      const statusesAfterDelete = [...new Set(after.map((change) => change.status))];
      // After the delete the row only ever moves to CANCELLED (no stage starts, nothing completes).
      expect(
        statusesAfterDelete.filter((status) => status !== JobStatus.CANCELLED).length,
      ).toBeLessThanOrEqual(1);
      expect(after[after.length - 1].status).toBe(JobStatus.CANCELLED);
      expect((await t.getJob(jobId)).status).toBe(JobStatus.CANCELLED);
      // A deleted job no longer shows in the list.
      const list = await t.http.get('/api/v1/jobs?page_size=100');
      expect(list.body.items.map((item: JobBody) => item.id)).not.toContain(jobId);
    },
    180_000,
  );

  it('refuses a file that is not a PDF, whatever its name and type, with 415 UNSUPPORTED_FORMAT', async () => {
    const response = await t.http
      .post('/api/v1/upload')
      .attach('file', Buffer.from('GIF89a not a pdf at all'), {
        filename: 'book.pdf',
        contentType: 'application/pdf',
      });
    expect(response.status).toBe(415);
    expect(response.body).toEqual({ detail: expect.any(String), code: 'UNSUPPORTED_FORMAT' });
  });

  it('Idempotency-Key: a retried upload returns the original job (200); the key with another file is 422', async () => {
    const pdf = await smallPdf(1);
    const key = crypto.randomUUID();
    const first = await t.http
      .post('/api/v1/upload')
      .set('Idempotency-Key', key)
      .attach('file', pdf, 'once.pdf');
    expect(first.status).toBe(202);
    const retry = await t.http
      .post('/api/v1/upload')
      .set('Idempotency-Key', key)
      .attach('file', pdf, 'once.pdf');
    expect(retry.status).toBe(200);
    expect(retry.body.job_id).toBe(first.body.job_id);
    const other = await t.http
      .post('/api/v1/upload')
      .set('Idempotency-Key', key)
      .attach('file', await smallPdf(2), 'other.pdf');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('needs exactly one file: none → 400, two → 400', async () => {
    const none = await t.http.post('/api/v1/upload').field('note', 'no file');
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('FILE_REQUIRED');
    const pdf = await smallPdf(1);
    const two = await t.http.post('/api/v1/upload').attach('file', pdf, 'a.pdf').attach('file', pdf, 'b.pdf');
    expect(two.status).toBe(400);
    expect(two.body).toEqual({ detail: expect.any(String), code: 'VALIDATION_ERROR' });
  });

  it('answers 413 FILE_TOO_LARGE above MAX_UPLOAD_MB', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4 * 1024 * 1024, 32)]);
    const response = await t.http.post('/api/v1/upload').attach('file', big, 'big.pdf');
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ detail: expect.stringContaining('3 MB'), code: 'FILE_TOO_LARGE' });
  });

  it('download before COMPLETED is 409; another user’s job is 404 on every route; a malformed id is 400', async () => {
    const state = t.app.get(JobStateService);
    const mine = await state.create({
      id: crypto.randomUUID(),
      userId: LOCAL_USER_ID,
      originalFilename: 'pending.pdf',
      inputPath: 'uploads/x/y/input.pdf',
    });
    const conflict = await t.http.get(`/api/v1/jobs/${mine.id}/download`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({ detail: expect.stringContaining('UPLOADED'), code: 'JOB_NOT_COMPLETED' });

    const theirs = await state.create({
      id: crypto.randomUUID(),
      userId: OTHER_USER,
      originalFilename: 'secret.pdf',
      inputPath: 'uploads/o/j/input.pdf',
    });
    for (const response of [
      await t.http.get(`/api/v1/jobs/${theirs.id}`),
      await t.http.get(`/api/v1/jobs/${theirs.id}/download`),
      await t.http.delete(`/api/v1/jobs/${theirs.id}`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Job not found.', code: 'JOB_NOT_FOUND' });
    }
    const list = await t.http.get('/api/v1/jobs?page_size=100');
    expect(list.body.items.map((item: JobBody) => item.id)).not.toContain(theirs.id);

    const malformed = await t.http.get('/api/v1/jobs/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_ERROR');
  });

  it('lists newest first with page and page_size and a total', async () => {
    const state = t.app.get(JobStateService);
    for (const name of ['first.pdf', 'second.pdf', 'third.pdf']) {
      await state.create({
        id: crypto.randomUUID(),
        userId: LOCAL_USER_ID,
        originalFilename: name,
        inputPath: 'x',
      });
    }
    const page1 = await t.http.get('/api/v1/jobs?page=1&page_size=2');
    const page2 = await t.http.get('/api/v1/jobs?page=2&page_size=2');
    expect(page1.status).toBe(200);
    expect(page1.body.page).toBe(1);
    expect(page1.body.page_size).toBe(2);
    expect(page1.body.items.map((item: JobBody) => item.original_filename)).toEqual([
      'third.pdf',
      'second.pdf',
    ]);
    expect(page2.body.items[0].original_filename).toBe('first.pdf');
    expect(page2.body.total).toBe(page1.body.total);
    const bad = await t.http.get('/api/v1/jobs?page_size=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
  });

  it('when the first stage cannot be enqueued: 503 DISPATCH_FAILED and the job is FAILED, not left UPLOADED', async () => {
    const dispatcher = t.app.get(PipelineDispatcher);
    // Fault injection: the real dispatcher, made to fail once as it would with Redis unreachable.
    const spy = jest.spyOn(dispatcher, 'start').mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    try {
      const response = await t.upload(await smallPdf(1), 'unlucky.pdf');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ detail: expect.any(String), code: 'DISPATCH_FAILED' });
    } finally {
      spy.mockRestore();
    }
    const list = await t.http.get('/api/v1/jobs?page_size=100');
    const job = (list.body.items as JobBody[]).find((item) => item.original_filename === 'unlucky.pdf');
    expect(job).toEqual(expect.objectContaining({ status: 'FAILED', error_code: 'DISPATCH_FAILED' }));
  });

  it('answers unknown routes with {detail, code}; documents every route in Swagger', async () => {
    const unknown = await t.http.get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'Not found.', code: 'NOT_FOUND' });

    const docs = await t.http.get('/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths).sort()).toEqual(
      expect.arrayContaining([
        '/api/v1/upload',
        '/api/v1/jobs',
        '/api/v1/jobs/{id}',
        '/api/v1/jobs/{id}/download',
        '/api/v1/health',
        '/api/v1/worker/health',
      ]),
    );
    expect(docs.body.components.schemas).toEqual(
      expect.objectContaining({ ErrorBodyDto: expect.any(Object), JobDto: expect.any(Object) }),
    );
    const ui = await t.http.get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('reports PostgreSQL, Redis and storage as up, and this process as a live worker', async () => {
    const health = await t.http.get('/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.info).toEqual({
      postgres: { status: 'up' },
      redis: { status: 'up' },
      storage: { status: 'up', driver: 'local' },
    });
    const workers = await t.http.get('/api/v1/worker/health');
    expect(workers.status).toBe(200);
    expect(workers.body.workers[0]).toEqual(
      expect.objectContaining({
        pid: process.pid,
        concurrency: 2,
        queues: expect.arrayContaining(['analyze_layout']),
      }),
    );
  });
});
