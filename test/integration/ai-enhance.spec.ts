/**
 * enhanceContent end to end against the local AI stub: the real OpenAI and Anthropic SDKs over HTTP, real Redis
 * for the cache (random key prefix, cleaned up). No network beyond 127.0.0.1.
 */
import Redis from 'ioredis';
import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { enhanceContent } from '../../src/ai/enhance';
import { classifyAiFailure } from '../../src/ai/errors';
import { parseAiConfig } from '../../src/ai/config';
import { ConversionError } from '../../src/conversion/errors';
import { classifyError } from '../../src/pipeline/failure';
import type { ContentArtifact } from '../../src/conversion/model/content';
import {
  AiStubServer,
  type StubRequest,
  buildFixture,
  correctReading,
  stubConfig,
} from '../helpers/ai-stub-server';

const PAGES = [
  {
    lines: [
      { text: 'Getting started', size: 16 },
      'This chapter explains how to install the tool',
      'and how to run your first conversion quickly.',
      { text: '1', artifact: 'page_number' as const },
    ],
  },
  {
    complex: true,
    reasons: ['table_grid'],
    lines: ['Option Default Meaning', 'width 80 columns per line', 'depth 3 levels of headings'],
  },
  {
    complex: true,
    reasons: ['multi_column'],
    lines: [
      { text: 'Left column text about parsing pages', column: 0 },
      { text: 'continues here with more words.', column: 0 },
      { text: 'Right column talks about fonts', column: 1 },
      { text: 'and their sizes in points.', column: 1 },
    ],
  },
  { lines: ['Plain closing words for this tiny book.'] },
];

const fixture = () => buildFixture(PAGES);

/** Reads page 1 as a table, the other pages as the stub's default reading. */
function tableAnswer(req: StubRequest): unknown {
  const base = correctReading(req) as { pages: Array<{ page: number; blocks: unknown[] }> };
  for (const page of base.pages) {
    if (page.page === 1) {
      page.blocks = [
        {
          role: 'table',
          header_row: true,
          rows: [
            ['Option', 'Default', 'Meaning'],
            ['width', '80', 'columns per line'],
            ['depth', '3', 'levels of headings'],
          ],
        },
      ];
    }
  }
  return base;
}

function pagesOf(requests: StubRequest[]): number[] {
  return requests.flatMap((r) => r.pages.map((p) => p.page)).sort((a, b) => a - b);
}

function kinds(content: ContentArtifact, page: number): string[] {
  return content.blocks.filter((b) => b.page === page).map((b) => b.kind);
}

describe('enhanceContent (AI stub, real SDKs)', () => {
  let stub: AiStubServer;

  beforeAll(async () => {
    stub = await AiStubServer.start();
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => stub.reset({ kind: 'answer', answer: tableAnswer }));

  describe('routing', () => {
    it('AI off (no key, or AI_MODE=off): the content comes back untouched and no request is made', async () => {
      const { layout, content } = fixture();
      for (const config of [
        parseAiConfig({}),
        parseAiConfig({ AI_MODE: 'off', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: stub.openaiBaseURL }),
      ]) {
        const result = await enhanceContent(layout, content, { config });
        expect(result.content).toBe(content);
        expect(result.report.mode).toBe('off');
      }
      expect(stub.requests).toHaveLength(0);
    });

    it('mode complex: complex pages go to the strong tier (OpenAI gpt-4o), simple pages keep the heuristics', async () => {
      const { layout, content } = fixture();
      const { content: out, report } = await enhanceContent(layout, content, {
        config: stubConfig(stub, { AI_MODE: 'complex' }),
      });
      expect(stub.requestsFor('anthropic')).toHaveLength(0);
      expect(pagesOf(stub.requestsFor('openai'))).toEqual([1, 2]);
      expect(stub.requests.every((r) => r.model === 'gpt-4o' && r.authorization === 'Bearer sk-test')).toBe(
        true,
      );
      expect(report.tiers.strong).toMatchObject({ provider: 'openai', model: 'gpt-4o' });
      expect(report.pages.map((p) => p.tier ?? 'heuristic')).toEqual([
        'heuristic',
        'strong',
        'strong',
        'heuristic',
      ]);
      expect(report.pages[1]).toMatchObject({
        outcome: 'enhanced',
        source: 'call',
        route: 'complex (table_grid)',
      });
      expect(report.pages[0].route).toMatch(/simple page/);
      expect(kinds(out, 1)).toEqual(['table']);
      expect(out.blocks.filter((b) => b.page === 0)).toEqual(content.blocks.filter((b) => b.page === 0));
    });

    it('mode all: simple pages go to the fast tier (Anthropic Haiku), complex ones to the strong tier', async () => {
      const { layout, content } = fixture();
      const { report } = await enhanceContent(layout, content, { config: stubConfig(stub) });
      expect(pagesOf(stub.requestsFor('openai'))).toEqual([1, 2]);
      expect(stub.requestsFor('openai')).toHaveLength(1); // neighbouring small pages share one call
      expect(pagesOf(stub.requestsFor('anthropic'))).toEqual([0, 3]);
      const anthropic = stub.requestsFor('anthropic');
      expect(
        anthropic.every((r) => r.model === 'claude-haiku-4-5' && r.authorization === 'Bearer sk-ant-test'),
      ).toBe(true);
      expect(report.summary).toMatchObject({ pagesStrong: 2, pagesFast: 2, enhanced: 4, keptHeuristic: 0 });
    });

    it.each([['openai' as const], ['anthropic' as const]])(
      'with only an %s key, that provider serves both tiers',
      async (only) => {
        const { layout, content } = fixture();
        const { report } = await enhanceContent(layout, content, { config: stubConfig(stub, {}, [only]) });
        expect(pagesOf(stub.requests)).toEqual([0, 1, 2, 3]);
        expect(stub.requests.every((r) => r.api === only)).toBe(true);
        expect(report.tiers.strong?.provider).toBe(only);
        expect(report.tiers.fast?.provider).toBe(only);
        expect(report.summary.enhanced).toBe(4);
      },
    );
  });

  describe('validation', () => {
    it('an answer that does not fit the schema, or is not JSON, leaves the heuristic reading', async () => {
      const { layout, content } = fixture();
      const config = stubConfig(stub, { AI_MODE: 'complex', AI_BATCH_SMALL_PAGE_WORDS: '0' });
      stub.script(
        {
          kind: 'answer',
          answer: () => ({
            pages: [{ page: 1, blocks: [{ role: 'banana', text: 'x' }], artifact_lines: [] }],
          }),
        },
        { kind: 'text', text: '{"pages": [ {"page": 2, "blocks": [' },
      );
      const { content: out, report } = await enhanceContent(layout, content, { config });
      expect(out.blocks).toEqual(content.blocks);
      expect(report.pages[1].kept).toBe('answer failed schema validation');
      expect(report.pages[2].kept).toBe('answer failed schema validation');
      expect(report.summary.enhanced).toBe(0);
    });

    it('an answer that invents text or loses text is discarded', async () => {
      const { layout, content } = fixture();
      const config = stubConfig(stub, { AI_MODE: 'complex', AI_BATCH_SMALL_PAGE_WORDS: '0' });
      const invent = (req: StubRequest) => ({
        pages: [
          {
            page: req.pages[0].page,
            blocks: [
              {
                role: 'paragraph',
                text: `${req.pages[0].lines.map((l) => l.text).join(' ')} and a few extra invented words here`,
              },
            ],
            artifact_lines: [],
          },
        ],
      });
      const lose = (req: StubRequest) => ({
        pages: [
          {
            page: req.pages[0].page,
            blocks: [
              {
                role: 'paragraph',
                text: req.pages[0].lines
                  .slice(1)
                  .map((l) => l.text)
                  .join(' '),
              },
            ],
            artifact_lines: [],
          },
        ],
      });
      stub.script({ kind: 'answer', answer: invent }, { kind: 'answer', answer: lose });
      const { content: out, report } = await enhanceContent(layout, content, { config });
      expect(out.blocks).toEqual(content.blocks);
      const reasons = [report.pages[1].kept, report.pages[2].kept].join(' | ');
      expect(reasons).toMatch(/\+7\/-0 words/);
      expect(reasons).toMatch(/\+0\/-[36] words/);
    });

    it('body text may not be dropped as a page artifact', async () => {
      const { layout, content } = fixture();
      const config = stubConfig(stub, { AI_MODE: 'complex', AI_BATCH_SMALL_PAGE_WORDS: '0' });
      stub.reset({
        kind: 'answer',
        answer: (req) => ({
          pages: [
            { page: req.pages[0].page, blocks: [], artifact_lines: req.pages[0].lines.map((l) => l.index) },
          ],
        }),
      });
      const { content: out, report } = await enhanceContent(layout, content, { config });
      expect(out.blocks).toEqual(content.blocks);
      expect(report.summary.enhanced).toBe(0);
    });
  });

  describe('cost', () => {
    it('stops calling once AI_MAX_TOKENS_PER_JOB is used up; the rest keep the heuristics', async () => {
      const { layout, content } = fixture();
      const config = stubConfig(
        stub,
        { AI_CONCURRENCY: '1', AI_BATCH_SMALL_PAGE_WORDS: '0', AI_MAX_TOKENS_PER_JOB: '1500' },
        ['openai'],
      );
      const { report } = await enhanceContent(layout, content, { config });
      expect(stub.requests.length).toBeGreaterThanOrEqual(1);
      expect(stub.requests.length).toBeLessThan(4);
      expect(report.tokens.exhausted).toBe(true);
      expect(report.tokens.input + report.tokens.output).toBeGreaterThan(0);
      expect(report.pages.some((p) => p.kept === 'token budget used up')).toBe(true);
      expect(report.summary.enhanced).toBe(stub.requests.length);
    });

    it('a re-run is served from the Redis cache: no second request, same content', async () => {
      const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
      const prefix = `ai-test-${randomBytes(6).toString('hex')}:`;
      try {
        await redis.connect();
        const { layout, content } = fixture();
        const config = stubConfig(stub, { AI_CACHE_PREFIX: prefix });
        const first = await enhanceContent(layout, content, { config, redis });
        const calls = stub.requests.length;
        expect(calls).toBeGreaterThan(0);
        const second = await enhanceContent(layout, content, { config, redis });
        expect(stub.requests.length).toBe(calls);
        expect(second.report.summary.cacheHits).toBe(4);
        expect(second.report.summary.calls).toBe(0);
        expect(second.content.blocks).toEqual(first.content.blocks);
      } finally {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
    });
  });

  it('an unreachable Redis only costs the cache: pages are still enhanced, with one warning', async () => {
    const redis = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      const { layout, content } = fixture();
      const { report } = await enhanceContent(layout, content, { config: stubConfig(stub), redis });
      expect(report.summary.enhanced).toBe(4);
      expect(report.warnings).toEqual([expect.stringMatching(/^AI cache unavailable/)]);
    } finally {
      redis.disconnect();
    }
  });

  describe('provider faults', () => {
    it('429 with Retry-After slows the stage down but it completes', async () => {
      const { layout, content } = fixture();
      const config = stubConfig(
        stub,
        { AI_MODE: 'complex', AI_BATCH_SMALL_PAGE_WORDS: '0', AI_CONCURRENCY: '1' },
        ['openai'],
      );
      stub.script({ kind: 'error', status: 429, retryAfter: '1' });
      const started = Date.now();
      const { report } = await enhanceContent(layout, content, { config });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(report.summary.rateLimited).toBe(1);
      expect(report.summary.enhanced).toBe(2);
      expect(stub.requests).toHaveLength(3);
    });

    it('a 500 then success: the SDK retries and the page is enhanced', async () => {
      const { layout, content } = fixture();
      const env = {
        AI_MODE: 'complex',
        AI_MAX_RETRIES: '2',
        AI_CONCURRENCY: '1',
        AI_BATCH_SMALL_PAGE_WORDS: '0',
      };
      const config = stubConfig(stub, env, ['anthropic']);
      stub.script({ kind: 'error', status: 500, retryAfterMs: 10 });
      const { report } = await enhanceContent(layout, content, { config });
      expect(report.summary.enhanced).toBe(2);
      expect(stub.requests).toHaveLength(3);
    });

    it('5xx until the SDK gives up: the SDK error is thrown unchanged, as a transient failure', async () => {
      const { layout, content } = fixture();
      stub.reset({ kind: 'error', status: 503, retryAfterMs: 5 });
      const config = stubConfig(stub, { AI_MODE: 'complex', AI_MAX_RETRIES: '1' }, ['openai']);
      const error: unknown = await enhanceContent(layout, content, { config }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(classifyAiFailure(error)).toBe('transient');
      expect(classifyError(error).kind).toBe('transient'); // the pipeline retries the stage
    });

    it('a call that times out is thrown as a transient connection timeout', async () => {
      const { layout, content } = fixture();
      stub.reset({ kind: 'hang' });
      const config = stubConfig(stub, { AI_MODE: 'complex', AI_TIMEOUT_MS: '300' }, ['openai']);
      const started = Date.now();
      const error: unknown = await enhanceContent(layout, content, { config }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      // Under plain Node this is APIConnectionTimeoutError; in Jest's VM realm the fetch AbortError is not an Error
      // of the SDK's realm and the SDK reports its parent class, APIConnectionError. Both are transient.
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(classifyAiFailure(error)).toBe('transient');
      expect(classifyError(error).kind).toBe('transient');
    });

    it('an authentication error is not retried: heuristics are kept with a warning', async () => {
      const { layout, content } = fixture();
      stub.reset({ kind: 'error', status: 401 });
      const warnings: string[] = [];
      const config = stubConfig(stub, { AI_CONCURRENCY: '1', AI_MAX_RETRIES: '2' });
      const { content: out, report } = await enhanceContent(layout, content, {
        config,
        logger: { warn: (m: string) => warnings.push(m) },
      });
      expect(out.blocks).toEqual(content.blocks);
      expect(stub.requestsFor('openai')).toHaveLength(1);
      expect(stub.requestsFor('anthropic')).toHaveLength(1);
      expect(report.warnings).toHaveLength(2);
      expect(warnings.join('\n')).toMatch(/openai rejected a request \(AuthenticationError \(HTTP 401\)\)/);
      expect(report.pages.every((p) => p.outcome === 'heuristic')).toBe(true);
    });

    it('an unreadable response body keeps the heuristics without failing the job', async () => {
      const { layout, content } = fixture();
      stub.reset({ kind: 'broken_body' });
      const config = stubConfig(stub, { AI_MODE: 'complex' }, ['openai']);
      const { content: out, report } = await enhanceContent(layout, content, { config });
      expect(out.blocks).toEqual(content.blocks);
      expect(report.pages[1].kept).toMatch(/unreadable answer/);
    });
  });

  it('pages sharing a template reuse one analysis with their own numbers', async () => {
    const divider = (n: number) => ({
      complex: true,
      lines: [{ text: `Part ${n}`, size: 24 }, `Exercises and solutions for part ${n}`],
    });
    const { layout, content } = buildFixture([divider(1), divider(2), divider(3)]);
    const { content: out, report } = await enhanceContent(layout, content, {
      config: stubConfig(stub, { AI_MODE: 'complex' }, ['openai']),
    });
    expect(stub.requests).toHaveLength(1);
    expect(pagesOf(stub.requests)).toEqual([0]);
    expect(report.pages.map((p) => p.source)).toEqual(['call', 'template', 'template']);
    expect(report.summary.templateHits).toBe(2);
    const headings = out.blocks
      .filter((b) => b.kind === 'heading')
      .map((b) => (b.kind === 'heading' ? b.text : ''));
    expect(headings).toEqual(['Part 1', 'Part 2', 'Part 3']);
  });

  it('cancellation during the SDK’s retry wait: the retry is not sent', async () => {
    const { layout, content } = fixture();
    stub.reset({ kind: 'error', status: 500, retryAfterMs: 300 });
    const config = stubConfig(stub, { AI_MODE: 'complex', AI_MAX_RETRIES: '2' }, ['openai']);
    const controller = new AbortController();
    const run = enhanceContent(layout, content, { config, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    while (stub.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await run;
    expect((error as ConversionError).code).toBe('CANCELLED');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stub.requests).toHaveLength(1);
  });

  it('cancellation: the in-flight call finishes, no new call starts, the stage ends CANCELLED', async () => {
    const { layout, content } = fixture();
    stub.reset({ kind: 'answer', delayMs: 400 });
    const config = stubConfig(stub, { AI_CONCURRENCY: '1', AI_BATCH_SMALL_PAGE_WORDS: '0' }, ['openai']);
    const controller = new AbortController();
    const run = enhanceContent(layout, content, { config, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    while (stub.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await run;
    expect(error).toBeInstanceOf(ConversionError);
    expect((error as ConversionError).code).toBe('CANCELLED');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(stub.requests).toHaveLength(1);
  });
});
