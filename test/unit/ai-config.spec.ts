/** AI configuration, routing, Retry-After parsing, template transfer and the failure classes. */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { isAiEnabled, parseAiConfig } from '../../src/ai/config';
import { resolveTiers, routePage } from '../../src/ai/routing';
import { retryAfterMs } from '../../src/ai/rate-gate';
import { transferReading } from '../../src/ai/cache';
import { classifyAiFailure } from '../../src/ai/errors';
import type { PageLayout } from '../../src/conversion/model/layout';

const page = (complex: boolean): PageLayout => ({
  index: 0,
  width: 1,
  height: 1,
  lines: [],
  columns: 1,
  images: [],
  links: [],
  complexity: { complex, reasons: complex ? ['formula'] : [] },
});

describe('AI configuration', () => {
  it('is off without keys, even when a mode is asked for', () => {
    expect(parseAiConfig({}).mode).toBe('off');
    expect(parseAiConfig({ AI_MODE: 'all' }).mode).toBe('off');
    expect(isAiEnabled(parseAiConfig({ AI_MODE: 'all' }))).toBe(false);
  });

  it('defaults to complex with a key, with the documented defaults', () => {
    const config = parseAiConfig({ OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-y' });
    expect(config).toMatchObject({
      mode: 'complex',
      openai: { model: 'gpt-4o' },
      anthropic: { model: 'claude-haiku-4-5' },
      concurrency: 4,
      maxRetries: 2,
    });
    expect(isAiEnabled(config)).toBe(true);
  });

  it('rejects an unknown mode or a non-numeric limit', () => {
    expect(() => parseAiConfig({ AI_MODE: 'most' })).toThrow();
    expect(() => parseAiConfig({ AI_CONCURRENCY: 'many' })).toThrow();
  });
});

describe('routing', () => {
  it('complex mode: complex pages to the strong tier, simple pages stay heuristic', () => {
    const tiers = resolveTiers(
      parseAiConfig({ AI_MODE: 'complex', OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' }),
    );
    expect(routePage(page(true), tiers, true).target).toMatchObject({ tier: 'strong', provider: 'openai' });
    expect(routePage(page(false), tiers, true)).toEqual({ reason: 'simple page: heuristics only' });
    expect(routePage(page(true), tiers, false)).toEqual({ reason: 'no text on the page' });
  });

  it('all mode: simple pages to the fast tier; providers can swap tiers; one key serves both', () => {
    const both = resolveTiers(parseAiConfig({ AI_MODE: 'all', OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' }));
    expect(both.fast).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    const swapped = resolveTiers(
      parseAiConfig({
        AI_MODE: 'all',
        OPENAI_API_KEY: 'k',
        ANTHROPIC_API_KEY: 'k',
        AI_STRONG_PROVIDER: 'anthropic',
        AI_FAST_PROVIDER: 'openai',
        AI_FAST_MODEL: 'gpt-4o-mini',
      }),
    );
    expect(swapped.strong?.provider).toBe('anthropic');
    expect(swapped.fast).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    const onlyOpenai = resolveTiers(parseAiConfig({ AI_MODE: 'all', OPENAI_API_KEY: 'k' }));
    expect(onlyOpenai.fast).toMatchObject({ provider: 'openai', model: 'gpt-4o' });
    expect(onlyOpenai.fast?.why).toMatch(/anthropic has no key/);
  });
});

describe('Retry-After', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }), now)).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBe(1000);
    expect(retryAfterMs(new Headers({ 'retry-after': '99999' }), now)).toBe(120_000);
  });
});

describe('template reuse', () => {
  const entry = {
    numbers: ['3', '12', '3'],
    reading: {
      page: 2,
      blocks: [
        { role: 'heading' as const, level: 1, text: 'Part 3' },
        { role: 'table' as const, header_row: false, rows: [['12', 'items in part 3']] },
      ],
      artifact_lines: [],
    },
  };

  it('carries a reading to a sibling page by swapping its numbers', () => {
    const moved = transferReading(entry, ['4', '15', '4'], 9);
    expect(moved).toEqual({
      page: 9,
      blocks: [
        { role: 'heading', level: 1, text: 'Part 4' },
        { role: 'table', header_row: false, rows: [['15', 'items in part 4']] },
      ],
      artifact_lines: [],
    });
  });

  it('refuses when the numbers do not map one to one', () => {
    expect(transferReading(entry, ['4', '15', '5'], 9)).toBeUndefined();
    expect(transferReading(entry, ['4', '15'], 9)).toBeUndefined();
  });
});

describe('classifyAiFailure', () => {
  const headers = new Headers();
  it.each([
    [new OpenAI.RateLimitError(429, undefined, 'slow down', headers), 'rate_limit'],
    [new Anthropic.InternalServerError(529, undefined, 'overloaded', headers), 'transient'],
    [new OpenAI.APIConnectionTimeoutError(), 'transient'],
    [new Anthropic.APIConnectionError({ message: 'reset' }), 'transient'],
    [new OpenAI.AuthenticationError(401, undefined, 'bad key', headers), 'rejected'],
    [new Anthropic.BadRequestError(400, undefined, 'bad request', headers), 'rejected'],
    [new SyntaxError('Unexpected end of JSON input'), 'bad_answer'],
  ])('%s → %s', (error, kind) => {
    expect(classifyAiFailure(error)).toBe(kind);
  });
});
