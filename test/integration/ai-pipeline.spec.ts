/**
 * The AI pass inside the real service (issue 6): PostgreSQL, Redis, BullMQ and the five stages in one process,
 * both providers pointed at the local stub (the real SDKs talk to it). With AI_MODE=all a job completes with
 * stage_metadata.ai (pages per tier, calls, tokens) and the same summary in its quality report; a provider's 500
 * retries the extract stage instead of being swallowed; with AI off the stub is never called.
 */
import Redis from 'ioredis';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { JobStatus } from '../../src/common/enums';
import { ConversionJobsRepository } from '../../src/database/conversion-jobs.repository';
import type { JobRecord } from '../../src/database/job-record';
import { WORK_FILES } from '../../src/conversion/workdir';
import { type AiStageSummary, enhanceWorkDir } from '../../src/pipeline/ai-enhancement.service';
import { AiStubServer, buildFixture, stubConfig } from '../helpers/ai-stub-server';
import { runningHeadersPdf, twoColumnPdf } from '../helpers/pdf-fixtures';
import { createTestApp, randomSuffix, type TestApp } from '../helpers/test-app';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A multi-column (complex) page followed by three simple pages. */
async function mixedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const part of [await twoColumnPdf(), await runningHeadersPdf(3)]) {
    const source = await PDFDocument.load(part);
    const pages = await doc.copyPages(source, source.getPageIndices());
    pages.forEach((page) => doc.addPage(page));
  }
  return Buffer.from(await doc.save());
}

/** Two simple pages with text no other test uses (so nothing of it is in the AI cache). */
async function plainPdf(tag: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const prose = [
    [
      `Retry check ${tag} opens with a plain paragraph of prose.`,
      'Its sentences stay in the order they were set.',
    ],
    ['A second page carries a different paragraph entirely.', `It closes the retry check ${tag} quietly.`],
  ];
  for (const lines of prose) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: 420 - i * 15, size: 11, font }));
  }
  return Buffer.from(await doc.save());
}

function aiEnv(stub: AiStubServer, cachePrefix: string): Record<string, string> {
  return {
    AI_MODE: 'all',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: stub.openaiBaseURL,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: stub.anthropicBaseURL,
    AI_MAX_RETRIES: '0',
    AI_TIMEOUT_MS: '5000',
    AI_CACHE_PREFIX: cachePrefix,
    // One page per call, one call at a time (a cancelled job's next page would be a new call).
    AI_BATCH_MAX_PAGES: '1',
    AI_CONCURRENCY: '1',
    RETRY_DELAYS_S: '0.1',
  };
}

async function row(t: TestApp, jobId: string): Promise<JobRecord> {
  const record = await t.app.get(ConversionJobsRepository).findById(jobId);
  if (!record) throw new Error(`job ${jobId} not found`);
  return record;
}

async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function uploadAndWait(t: TestApp, pdf: Buffer, name: string): Promise<JobRecord> {
  const response = await t.upload(pdf, name);
  expect(response.status).toBe(202);
  const jobId = (response.body as { job_id: string }).job_id;
  const job = await t.waitForTerminal(jobId, 25_000);
  expect({ status: job.status, error: job.error_code }).toEqual({ status: JobStatus.COMPLETED, error: null });
  return row(t, jobId);
}

describe('AI pass in the pipeline', () => {
  let stub: AiStubServer;

  beforeAll(async () => {
    stub = await AiStubServer.start();
  });

  afterAll(async () => {
    await stub.close();
  });

  describe('AI_MODE=all, both providers on the stub', () => {
    let t: TestApp;
    const cachePrefix = `pdf2epub_test_${randomSuffix()}:`;

    beforeAll(async () => {
      t = await createTestApp({ env: aiEnv(stub, cachePrefix) });
    });

    afterAll(async () => {
      await t.close();
      await removeKeys(cachePrefix);
    });

    it('completes with pages per tier in stage_metadata.ai and the summary in the quality report', async () => {
      stub.reset();
      const record = await uploadAndWait(t, await mixedPdf(), 'mixed.pdf');

      const ai = record.stage_metadata.ai as AiStageSummary;
      expect(ai.mode).toBe('all');
      expect(ai.pages.strong).toBe('1');
      expect(ai.pages.fast).toBe('2-4');
      expect(ai.summary).toMatchObject({ pagesStrong: 1, pagesFast: 3 });
      expect(ai.summary.enhanced).toBeGreaterThan(0);
      expect(ai.tiers.strong).toMatchObject({ provider: 'openai' });
      expect(ai.tiers.fast).toMatchObject({ provider: 'anthropic' });
      expect(ai.tokens.input).toBeGreaterThan(0);
      expect(ai.summary.calls).toBe(stub.requests.length);
      expect(stub.requestsFor('openai').length).toBeGreaterThan(0);
      expect(stub.requestsFor('anthropic').length).toBeGreaterThan(0);
      // The secrets are handed to the SDKs only, never stored with the job.
      expect(JSON.stringify(record)).not.toContain('sk-test');
      expect(JSON.stringify(record)).not.toContain('sk-ant-test');

      const quality = record.quality_report as { ai?: AiStageSummary; score: number };
      expect(quality.score).toBeGreaterThan(0);
      expect(quality.ai?.summary).toEqual(ai.summary);
      expect(quality.ai?.warnings).toEqual(ai.warnings);

      // Users see the same summary through the API.
      const polled = await t.http.get(`/api/v1/jobs/${record.id}`);
      expect(polled.body.stage_metadata.ai).toEqual(JSON.parse(JSON.stringify(ai)));
    }, 30_000);

    it('retries the extract stage when a provider answers 500, then completes', async () => {
      stub.reset();
      stub.script({ kind: 'error', status: 500 });
      const record = await uploadAndWait(t, await plainPdf(randomSuffix()), 'retry.pdf');

      const retries = record.stage_metadata.retries as Array<{ stage: string; last_error: { code: string } }>;
      expect(retries.map((r) => [r.stage, r.last_error.code])).toEqual([
        ['extract_content', 'AI_PROVIDER_UNAVAILABLE'],
      ]);
      const ai = record.stage_metadata.ai as AiStageSummary;
      expect(ai.summary.pagesFast).toBe(2);
      expect(ai.summary.enhanced).toBe(2);
    }, 30_000);

    it('keeps the heuristic content with a warning when the provider fails every try', async () => {
      stub.reset({ kind: 'error', status: 503 });
      const record = await uploadAndWait(t, await plainPdf(randomSuffix()), 'outage.pdf');

      const retries = record.stage_metadata.retries as Array<{ stage: string }>;
      expect(retries.map((r) => r.stage)).toEqual(['extract_content']);
      const ai = record.stage_metadata.ai as AiStageSummary;
      expect(ai.summary.enhanced).toBe(0);
      expect(ai.warnings).toEqual([expect.stringMatching(/AI provider unavailable \(.*HTTP 503/)]);
      expect((record.quality_report as { ai?: AiStageSummary }).ai?.warnings).toEqual(ai.warnings);
    }, 30_000);

    it('a DELETE during an AI call ends the job CANCELLED and no new call starts', async () => {
      stub.reset({ kind: 'answer', delayMs: 1500 });
      const response = await t.upload(await plainPdf(randomSuffix()), 'cancel.pdf');
      const jobId = (response.body as { job_id: string }).job_id;
      const deadline = Date.now() + 20_000;
      while (stub.requests.length === 0 && Date.now() < deadline) await sleep(25);
      const callsAtCancel = stub.requests.length;
      expect(callsAtCancel).toBe(1);
      expect((await t.http.delete(`/api/v1/jobs/${jobId}`)).status).toBe(202);
      const job = await t.waitForTerminal(jobId, 15_000);
      expect(job.status).toBe(JobStatus.CANCELLED);
      await sleep(300);
      expect(stub.requests.length).toBe(callsAtCancel);
    }, 30_000);
  });

  it('keeps the heuristic content when the AI pass runs out of its time allowance', async () => {
    stub.reset({ kind: 'answer', delayMs: 1000 });
    const { layout, content } = buildFixture([{ lines: ['A simple page with a few plain words on it.'] }]);
    const dir = await mkdtemp(join(tmpdir(), 'pdf2epub-ai-allowance-'));
    try {
      await writeFile(join(dir, WORK_FILES.layout), JSON.stringify(layout));
      await writeFile(join(dir, WORK_FILES.content), JSON.stringify(content));
      const summary = await enhanceWorkDir(dir, { config: stubConfig(stub), allowanceMs: 200 });
      expect(summary.warnings.join(' ')).toMatch(/AI pass stopped after/);
      expect(summary.summary.enhanced).toBe(0);
      expect(JSON.parse(await readFile(join(dir, WORK_FILES.content), 'utf8'))).toEqual(content);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 10_000);

  it('with AI off (no keys, although AI_MODE and base URLs are set) the stub sees no request', async () => {
    stub.reset();
    const env = aiEnv(stub, `pdf2epub_test_${randomSuffix()}:`);
    delete env.OPENAI_API_KEY;
    delete env.ANTHROPIC_API_KEY;
    const t = await createTestApp({ env });
    try {
      // Two simple pages: with AI on in mode all, each would be a call (see the tests above).
      const record = await uploadAndWait(t, await plainPdf(randomSuffix()), 'plain.pdf');
      expect(stub.requests).toHaveLength(0);
      expect(record.stage_metadata.ai).toBeUndefined();
      expect(record.quality_report).not.toHaveProperty('ai');
    } finally {
      await t.close();
    }
  }, 30_000);
});
