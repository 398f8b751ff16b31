/**
 * enhanceContent: the AI pass the extract_content stage runs after the heuristic extraction.
 * It can only replace a page's heuristic blocks with a validated reading of the same text; any doubt keeps
 * the heuristic blocks. Transient provider errors are thrown unchanged (the pipeline retries the stage);
 * rejected requests (bad key, bad request) fall back to heuristics with a warning.
 */
import type Redis from 'ioredis';
import type { Block, ContentArtifact, Inline, ParagraphBlock } from '../conversion/model/content';
import type { LayoutArtifact, PageLayout } from '../conversion/model/layout';
import { throwIfAborted } from '../conversion/errors';
import { type AiConfig, type AiProviderName, isAiEnabled } from './config';
import { type ApplyResult, type PageContext, applyReading, isBrokenPair } from './apply';
import { blockText, inlineText } from './blocks';
import { type ReadingCache, RedisReadingCache, type TemplateEntry, transferReading } from './cache';
import { classifyAiFailure, describeAiFailure } from './errors';
import { Limiter, TokenBudget } from './limits';
import { buildPageInput, contentKey, pageNumbers, pageWordCount, templateKey } from './page-input';
import { estimateTokens } from './prompt';
import { AnthropicPageReader } from './providers/anthropic';
import { OpenAiPageReader } from './providers/openai';
import { RateGate, gatedFetch } from './rate-gate';
import {
  type PageInput,
  type PageReader,
  type PageReading,
  type ReadRequest,
  type ReadResult,
  answerSchema,
} from './reading';
import { type AiPageRecord, type AiReport, emptyReport } from './report';
import { type TierTarget, resolveTiers, routePage } from './routing';
import { words } from './words';

/** How many blocks before a page are searched for a paragraph continued onto it (footnotes come between). */
const PREVIOUS_BLOCKS = 6;
/** enhanceContent runs on the worker's main thread: let timers and lock renewals run between pieces of work. */
const YIELD_EVERY_PAGES = 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface AiLogger {
  warn(message: string): unknown;
}

export interface EnhanceDeps {
  config: AiConfig;
  /** Cache of page readings; without it every run pays again. */
  redis?: Pick<Redis, 'get' | 'set'> | null;
  signal?: AbortSignal;
  logger?: AiLogger;
}

export interface EnhanceResult {
  content: ContentArtifact;
  report: AiReport;
}

interface PageJob {
  input: PageInput;
  ctx: PageContext;
  target: TierTarget;
  record: AiPageRecord;
  contentKey: string;
  templateKey: string;
  numbers: string[];
  words: number;
  applied?: Extract<ApplyResult, { ok: true }>;
  /** The reading that was applied (what template followers reuse). */
  reading?: PageReading;
}

interface ProviderRuntime {
  gate: RateGate;
  limiter: Limiter;
  /** Set when the provider rejected a request (auth, bad request): no further calls this job. */
  disabled?: string;
}

/** Runs the AI pass. With AI off (or no key) it returns the content untouched and calls nothing. */
export async function enhanceContent(
  layout: LayoutArtifact,
  content: ContentArtifact,
  deps: EnhanceDeps,
): Promise<EnhanceResult> {
  if (!isAiEnabled(deps.config)) return { content, report: emptyReport('off') };
  return new EnhanceRun(layout, content, deps).run();
}

function groupByPage(blocks: Block[]): Map<number, Block[]> {
  const byPage = new Map<number, Block[]>();
  for (const block of blocks) {
    const list = byPage.get(block.page) ?? [];
    list.push(block);
    byPage.set(block.page, list);
  }
  return byPage;
}

class EnhanceRun {
  private readonly started = Date.now();
  private readonly config: AiConfig;
  private readonly report: AiReport;
  private readonly budget: TokenBudget;
  private readonly cache?: ReadingCache;
  private readonly runtimes = new Map<AiProviderName, ProviderRuntime>();
  private readonly readers = new Map<string, PageReader>();
  private readonly idsInUse: Set<string>;
  private readonly warned = new Set<string>();
  private transientFailure: { error: unknown } | undefined;
  private cacheFailed = false;

  constructor(
    private readonly layout: LayoutArtifact,
    private readonly content: ContentArtifact,
    private readonly deps: EnhanceDeps,
  ) {
    this.config = deps.config;
    this.report = emptyReport(this.config.mode);
    this.budget = new TokenBudget(this.config.maxTokensPerJob);
    this.report.tokens.budget = this.config.maxTokensPerJob;
    if (deps.redis)
      this.cache = new RedisReadingCache(deps.redis, this.config.cachePrefix, this.config.cacheTtlSeconds);
    this.idsInUse = new Set(content.blocks.map((b) => b.id));
  }

  async run(): Promise<EnhanceResult> {
    const tiers = resolveTiers(this.config);
    for (const [tier, t] of Object.entries(tiers)) {
      if (t)
        this.report.tiers[tier as keyof typeof tiers] = { provider: t.provider, model: t.model, why: t.why };
    }
    const jobs = await this.planPages(tiers);
    let content = this.content;
    try {
      const uncached = await this.useCache(jobs);
      const { leaders, followers } = groupByTemplate(uncached);
      await this.runBatches(leaders);
      const unmatched = this.reuseTemplates(followers, leaders);
      await this.runBatches(unmatched);
      if (!this.transientFailure && !this.deps.signal?.aborted) content = this.rebuildContent(jobs);
    } finally {
      this.finishReport();
    }
    if (this.transientFailure) throw this.transientFailure.error;
    throwIfAborted(this.deps.signal);
    return { content, report: this.report };
  }

  private async planPages(tiers: ReturnType<typeof resolveTiers>): Promise<PageJob[]> {
    const byPage = groupByPage(this.content.blocks);
    const jobs: PageJob[] = [];
    for (const page of this.layout.pages) {
      if (page.index % YIELD_EVERY_PAGES === 0) await yieldToEventLoop();
      const heuristic = byPage.get(page.index) ?? [];
      const input = buildPageInput(this.layout, page, heuristic);
      const route = routePage(page, tiers, input.lines.length > 0);
      const record: AiPageRecord = { page: page.index, route: route.reason, outcome: 'heuristic' };
      this.report.pages.push(record);
      if (!route.target) continue;
      Object.assign(record, {
        tier: route.target.tier,
        provider: route.target.provider,
        model: route.target.model,
      });
      const previousBlocks = this.blocksBefore(page.index);
      jobs.push({
        input,
        ctx: { input, heuristic, previousBlocks, nextPageWords: this.nextPageWords(page) },
        target: route.target,
        record,
        contentKey: contentKey(input),
        templateKey: templateKey(input),
        numbers: pageNumbers(input),
        words: pageWordCount(input),
      });
    }
    return jobs;
  }

  /** The last blocks that start on earlier pages (one may run on into this page, even across it). */
  private blocksBefore(page: number): Block[] {
    let end = this.content.blocks.findIndex((b) => b.page >= page);
    if (end < 0) end = this.content.blocks.length;
    return this.content.blocks.slice(Math.max(0, end - PREVIOUS_BLOCKS), end);
  }

  private nextPageWords(page: PageLayout): string[] {
    const next = this.layout.pages.find((p) => p.index === page.index + 1);
    if (!next) return [];
    return next.lines
      .filter((l) => !l.artifact)
      .flatMap((l) => words(l.text))
      .slice(0, 200);
  }

  /** Applies cached readings (exact page, then same template); returns the pages still to ask for. */
  private async useCache(jobs: PageJob[]): Promise<PageJob[]> {
    if (!this.cache) return jobs;
    const cache = this.cache;
    const rest: PageJob[] = [];
    for (const job of jobs) {
      if (this.deps.signal?.aborted) return [];
      const exact = await this.safely(() => cache.get(job.target.model, job.contentKey));
      if (exact && this.tryApply(job, { ...exact, page: job.input.page }, 'cache')) {
        this.report.summary.cacheHits++;
        continue;
      }
      const template = await this.safely(() => cache.getTemplate(job.target.model, job.templateKey));
      const transferred = template && transferReading(template, job.numbers, job.input.page);
      if (transferred && this.tryApply(job, transferred, 'template')) {
        this.report.summary.templateHits++;
        continue;
      }
      job.record.kept = undefined;
      rest.push(job);
    }
    return rest;
  }

  /** A cache operation; the first failure turns the cache off for the rest of the job (no waiting on a dead Redis). */
  private async safely<T>(operation: () => Promise<T>): Promise<T | undefined> {
    if (this.cacheFailed) return undefined;
    try {
      return await operation();
    } catch (err) {
      this.cacheFailed = true;
      this.warnOnce('cache', `AI cache unavailable (${describeAiFailure(err)}); continuing without it`);
      return undefined;
    }
  }

  /** Followers of a template take their leader's reading with their own numbers; returns those that could not. */
  private reuseTemplates(followers: PageJob[], leaders: PageJob[]): PageJob[] {
    const leaderOf = new Map(leaders.map((l) => [templateGroup(l), l]));
    const rest: PageJob[] = [];
    for (const job of followers) {
      const leader = leaderOf.get(templateGroup(job));
      const transferred =
        leader?.reading &&
        transferReading({ reading: leader.reading, numbers: leader.numbers }, job.numbers, job.input.page);
      if (transferred && this.tryApply(job, transferred, 'template')) this.report.summary.templateHits++;
      else rest.push(job);
    }
    return rest;
  }

  private tryApply(job: PageJob, reading: PageReading, source: 'call' | 'cache' | 'template'): boolean {
    const result = applyReading(job.ctx, reading, this.idsInUse);
    if (!result.ok) {
      job.record.kept = result.reason;
      return false;
    }
    job.applied = result;
    job.reading = reading;
    Object.assign(job.record, { outcome: 'enhanced', source, kept: undefined });
    return true;
  }

  private async runBatches(jobs: PageJob[]): Promise<void> {
    const batches = makeBatches(jobs, this.config);
    await Promise.all(batches.map((batch) => this.runBatch(batch)));
  }

  private runtime(provider: AiProviderName): ProviderRuntime {
    let rt = this.runtimes.get(provider);
    if (!rt) {
      rt = { gate: new RateGate(), limiter: new Limiter(this.config.concurrency) };
      this.runtimes.set(provider, rt);
    }
    return rt;
  }

  private reader(target: TierTarget): PageReader {
    const key = `${target.provider}:${target.model}`;
    let reader = this.readers.get(key);
    if (!reader) {
      const options = {
        timeoutMs: this.config.timeoutMs,
        maxRetries: this.config.maxRetries,
        fetch: gatedFetch(this.runtime(target.provider).gate, this.deps.signal),
      };
      const settings = this.config[target.provider];
      if (!settings) throw new Error(`no configuration for ${target.provider}`);
      reader =
        target.provider === 'openai'
          ? new OpenAiPageReader(settings, options, target.model)
          : new AnthropicPageReader(settings, options, target.model);
      this.readers.set(key, reader);
    }
    return reader;
  }

  private keep(batch: PageJob[], why: string): void {
    for (const job of batch) if (!job.applied) job.record.kept = why;
  }

  private async runBatch(batch: PageJob[]): Promise<void> {
    const target = batch[0].target;
    const rt = this.runtime(target.provider);
    await rt.limiter.run(async () => {
      if (this.deps.signal?.aborted) return this.keep(batch, 'job cancelled before the call');
      if (this.transientFailure) return this.keep(batch, 'not sent: an earlier call failed');
      if (rt.disabled) return this.keep(batch, rt.disabled);
      const request: ReadRequest = {
        pages: batch.map((j) => j.input),
        fonts: { bodySize: this.layout.fontStats.bodySize, headingSizes: this.layout.fontStats.headingSizes },
      };
      const estimate = estimateTokens(request);
      if (!this.budget.reserve(estimate)) return this.keep(batch, 'token budget used up');
      let result: ReadResult;
      try {
        result = await this.callWithRateLimitRounds(this.reader(target), request, rt, batch.length);
      } catch (err) {
        this.budget.release(estimate);
        return this.onFailure(err, batch, rt);
      }
      this.countTierUsage(target, result);
      if (!this.budget.settle(estimate, result.usage.inputTokens, result.usage.outputTokens)) {
        return this.keep(batch, 'answer arrived after the token budget was used up');
      }
      await this.useAnswer(batch, result.answer);
    });
  }

  private countTierUsage(target: TierTarget, result: ReadResult): void {
    const tier = (this.report.tokens.perTier[target.tier] ??= { input: 0, output: 0 });
    tier.input += result.usage.inputTokens;
    tier.output += result.usage.outputTokens;
  }

  private async callWithRateLimitRounds(
    reader: PageReader,
    request: ReadRequest,
    rt: ProviderRuntime,
    pages: number,
  ): Promise<ReadResult> {
    for (let round = 0; ; round++) {
      this.report.summary.calls++;
      if (pages > 1) this.report.summary.batchedCalls++;
      try {
        return await reader.read(request);
      } catch (err) {
        const retry =
          classifyAiFailure(err) === 'rate_limit' &&
          round < this.config.rateLimitRounds &&
          !this.deps.signal?.aborted;
        if (!retry) throw err;
        await rt.gate.pass();
        if (this.deps.signal?.aborted) throw err;
      }
    }
  }

  private onFailure(err: unknown, batch: PageJob[], rt: ProviderRuntime): void {
    const kind = classifyAiFailure(err);
    const what = describeAiFailure(err);
    if (this.deps.signal?.aborted || kind === 'cancelled') return this.keep(batch, 'job cancelled');
    if (kind === 'rejected') {
      rt.disabled = `provider rejected the request: ${what}`;
      this.warnOnce(
        `rejected:${batch[0].target.provider}`,
        `AI provider ${batch[0].target.provider} rejected a request (${what}); its pages keep the heuristic reading`,
      );
      return this.keep(batch, rt.disabled);
    }
    if (kind === 'transient' || kind === 'rate_limit') {
      this.transientFailure ??= { error: err };
      return this.keep(batch, `provider error: ${what}`);
    }
    this.warnOnce(`bad:${what}`, `AI answer could not be read (${what}); heuristic reading kept`);
    this.keep(batch, `unreadable answer: ${what}`);
  }

  private async useAnswer(batch: PageJob[], answer: unknown): Promise<void> {
    const parsed = answerSchema.safeParse(answer);
    if (!parsed.success) return this.keep(batch, 'answer failed schema validation');
    for (const job of batch) {
      await yieldToEventLoop();
      const reading =
        parsed.data.pages.find((p) => p.page === job.input.page) ??
        (batch.length === 1 && parsed.data.pages.length === 1 ? parsed.data.pages[0] : undefined);
      if (!reading) {
        job.record.kept = 'answer has no reading for this page';
        continue;
      }
      const own = { ...reading, page: job.input.page };
      if (this.tryApply(job, own, 'call') && this.cache) {
        const entry: TemplateEntry = { reading: own, numbers: job.numbers };
        const cache = this.cache;
        await this.safely(() => cache.put(job.target.model, job.contentKey, job.templateKey, entry));
      }
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.report.warnings.push(message);
    this.deps.logger?.warn(message);
  }

  private finishReport(): void {
    const s = this.report.summary;
    for (const record of this.report.pages) {
      if (record.tier === 'strong') s.pagesStrong++;
      else if (record.tier === 'fast') s.pagesFast++;
      else s.pagesHeuristicOnly++;
      if (record.outcome === 'enhanced') s.enhanced++;
      else if (record.tier) s.keptHeuristic++;
    }
    for (const rt of this.runtimes.values()) {
      s.rateLimited += rt.gate.rateLimited;
      s.rateLimitWaitMs += Math.round(rt.gate.waitedMs);
    }
    this.report.tokens.input = this.budget.inputTokens;
    this.report.tokens.output = this.budget.outputTokens;
    this.report.tokens.exhausted = this.budget.exhausted;
    this.report.durationMs = Date.now() - this.started;
  }

  /**
   * The content with the accepted readings in place. Paragraphs the readings say run on over a page break are
   * joined; a page whose reading leaves a paragraph broken mid-sentence where the heuristics had none (at its page
   * boundaries, say) goes back to the heuristic blocks, and the content is assembled again.
   */
  private rebuildContent(jobs: PageJob[]): ContentArtifact {
    const heuristicBreaks = new Set(brokenPairs(this.content.blocks).map(([a, b]) => pairKey(a, b)));
    for (let round = 0; ; round++) {
      const assembled = assemble(this.content.blocks, jobs);
      if (!assembled) return this.content;
      const blame = new Set<PageJob>();
      for (const [a, b] of brokenPairs(assembled.blocks)) {
        if (heuristicBreaks.has(pairKey(a, b))) continue;
        for (const block of [a, b]) {
          const job = assembled.origin.get(block);
          if (job) blame.add(job);
        }
      }
      if (blame.size === 0 || round >= 5) return this.finishContent(assembled.blocks);
      for (const job of blame) {
        job.applied = undefined;
        job.reading = undefined;
        Object.assign(job.record, {
          outcome: 'heuristic',
          source: undefined,
          kept: 'reading leaves a paragraph broken mid-sentence next to its page',
        });
      }
    }
  }

  private finishContent(blocks: Block[]): ContentArtifact {
    const delta = countWords(blocks) - countWords(this.content.blocks);
    return {
      ...this.content,
      blocks,
      stats: {
        ...this.content.stats,
        blocks: blocks.length,
        words: Math.max(0, this.content.stats.words + delta),
      },
    };
  }
}

const SENTENCE_END = /[.!?:;]["”’)\]]*$/;

/** Consecutive paragraphs (or headings, which may become paragraphs) that read as one paragraph broken in two. */
function brokenPairs(blocks: Block[]): Array<[Block, Block]> {
  const pairs: Array<[Block, Block]> = [];
  let previous: Block | undefined;
  for (const block of blocks) {
    if ((block.kind !== 'paragraph' && block.kind !== 'heading') || !inlineText(block.inlines).trim())
      continue;
    if (previous && isBrokenPair(blockText(previous), blockText(block))) pairs.push([previous, block]);
    previous = block;
  }
  return pairs;
}

function pairKey(a: Block, b: Block): string {
  return `${words(blockText(a)).slice(-6).join(' ')}|${words(blockText(b)).slice(0, 6).join(' ')}`;
}

interface Assembled {
  blocks: Block[];
  /** The page job each block from a reading came from. */
  origin: Map<Block, PageJob>;
}

/** Splices the accepted readings in, joins paragraphs across page breaks where a reading says so, relinks. */
function assemble(original: Block[], jobs: PageJob[]): Assembled | undefined {
  const replaced = new Map<number, Block[]>();
  const idMap = new Map<string, string>();
  const origin = new Map<Block, PageJob>();
  const joinAfter = new Set<Block>();
  const joinBefore = new Set<Block>();
  for (const job of jobs) {
    const applied = job.applied;
    if (!applied) continue;
    replaced.set(job.input.page, applied.blocks);
    for (const [from, to] of applied.idMap) idMap.set(from, to);
    for (const block of applied.blocks) origin.set(block, job);
    const own = applied.blocks.filter((b) => b.kind !== 'figure' && b.kind !== 'footnote');
    if (applied.joinPrevious && own[0]) joinBefore.add(own[0]);
    const last = own.at(-1);
    if (applied.joinNext && last) joinAfter.add(last);
  }
  if (replaced.size === 0) return undefined;
  const spliced = spliceReplacements(original, replaced);
  const blocks: Block[] = [];
  let open: ParagraphBlock | undefined;
  for (const block of spliced) {
    if (block.kind === 'figure' || block.kind === 'footnote') {
      blocks.push(block);
      continue;
    }
    if (open && block.kind === 'paragraph' && continuesOver(open, block, joinAfter, joinBefore)) {
      open.inlines = joinInlines(open.inlines, block.inlines);
      if (joinAfter.has(block)) joinAfter.add(open);
      idMap.set(block.id, open.id);
      continue;
    }
    if (block.kind === 'paragraph') {
      // A copy: the heuristic content's blocks are never changed in place.
      const copy: ParagraphBlock = { ...block, inlines: block.inlines.map((i) => ({ ...i })) };
      const job = origin.get(block);
      if (job) origin.set(copy, job);
      if (joinAfter.has(block)) joinAfter.add(copy);
      blocks.push(copy);
      open = copy;
    } else {
      blocks.push(block);
      open = undefined;
    }
  }
  return { blocks: blocks.map((b) => relink(b, idMap)), origin };
}

/** `next` (first paragraph of a later page) is the rest of `open`, as a reading says and the sentence agrees. */
function continuesOver(
  open: ParagraphBlock,
  next: ParagraphBlock,
  joinAfter: Set<Block>,
  joinBefore: Set<Block>,
): boolean {
  if (next.page <= open.page) return false;
  const after = joinAfter.has(open);
  const before = joinBefore.has(next);
  if (!after && !before) return false;
  const end = inlineText(open.inlines).trimEnd();
  const start = inlineText(next.inlines).trimStart();
  if (!end || !start || SENTENCE_END.test(end)) return false;
  return (after && before) || /^\p{Ll}/u.test(start);
}

/** `a` then `b` as one run of text: a word split by a line-end hyphen is joined, else a space between. */
function joinInlines(a: Inline[], b: Inline[]): Inline[] {
  const out = a.map((i) => ({ ...i }));
  const last = out.at(-1);
  const rest = b.map((i) => ({ ...i }));
  if (last && /\p{L}-$/u.test(last.text) && /^\p{Ll}/u.test(rest[0]?.text ?? '')) {
    last.text = last.text.slice(0, -1);
  } else if (last && !/\s$/.test(last.text)) last.text += ' ';
  return [...out, ...rest];
}

function templateGroup(job: PageJob): string {
  return `${job.target.provider}:${job.target.model}:${job.templateKey}`;
}

function groupByTemplate(jobs: PageJob[]): { leaders: PageJob[]; followers: PageJob[] } {
  const seen = new Set<string>();
  const leaders: PageJob[] = [];
  const followers: PageJob[] = [];
  for (const job of jobs) {
    const key = templateGroup(job);
    if (seen.has(key)) followers.push(job);
    else {
      seen.add(key);
      leaders.push(job);
    }
  }
  return { leaders, followers };
}

/** Neighbouring small pages of the same tier share a call; other pages go alone. */
export function makeBatches(jobs: PageJob[], config: AiConfig): PageJob[][] {
  const batches: PageJob[][] = [];
  const sorted = [...jobs].sort((a, b) => a.input.page - b.input.page);
  const open = new Map<string, { batch: PageJob[]; words: number }>();
  for (const job of sorted) {
    const key = `${job.target.provider}:${job.target.model}`;
    const small = job.words <= config.batchSmallPageWords;
    const current = open.get(key);
    const last = current?.batch.at(-1);
    const fits =
      current &&
      last &&
      small &&
      last.input.page + 1 === job.input.page &&
      current.batch.length < config.batchMaxPages &&
      current.words + job.words <= config.batchMaxWords;
    if (fits) {
      current.batch.push(job);
      current.words += job.words;
      continue;
    }
    const batch = [job];
    batches.push(batch);
    open.set(key, small ? { batch, words: job.words } : { batch: [], words: Infinity });
  }
  return batches;
}

/** The blocks with each enhanced page's blocks in place of its heuristic ones (pages that had none: in page order). */
function spliceReplacements(blocks: Block[], replaced: Map<number, Block[]>): Block[] {
  const out: Block[] = [];
  const pending = [...replaced.keys()].sort((a, b) => a - b);
  let next = 0;
  const emitted = new Set<number>();
  const emitBefore = (page: number) => {
    for (; next < pending.length && pending[next] < page; next++) {
      if (!emitted.has(pending[next])) out.push(...(replaced.get(pending[next]) ?? []));
      emitted.add(pending[next]);
    }
  };
  for (const block of blocks) {
    emitBefore(block.page);
    const repl = replaced.get(block.page);
    if (!repl) out.push(block);
    else if (!emitted.has(block.page)) {
      out.push(...repl);
      emitted.add(block.page);
    }
  }
  emitBefore(Infinity);
  return out;
}

function relinkInlines(inlines: Inline[], idMap: Map<string, string>): Inline[] {
  if (!inlines.some((i) => i.href?.startsWith('#') && idMap.has(i.href.slice(1)))) return inlines;
  return inlines.map((i) => {
    const to = i.href?.startsWith('#') ? idMap.get(i.href.slice(1)) : undefined;
    return to ? { ...i, href: `#${to}` } : i;
  });
}

function relink(block: Block, idMap: Map<string, string>): Block {
  if (idMap.size === 0) return block;
  switch (block.kind) {
    case 'paragraph':
    case 'heading':
    case 'list_item':
    case 'footnote': {
      const inlines = relinkInlines(block.inlines, idMap);
      return inlines === block.inlines ? block : { ...block, inlines };
    }
    case 'figure': {
      const caption = block.caption && relinkInlines(block.caption, idMap);
      return caption === block.caption ? block : { ...block, caption };
    }
    default:
      return block;
  }
}

function countWords(blocks: Block[]): number {
  return blocks.reduce((n, b) => n + words(blockText(b)).length, 0);
}
