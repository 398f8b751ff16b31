/**
 * The optional AI pass (issue 6, README.md, "AI-assisted layout") wired into the pipeline and the CLI.
 *
 * Pipeline: right after the heuristic extract_content stage ran (before its outputs are uploaded), the AI pass
 * rewrites content.json in the stage's work directory and a compact summary of its report is stored in the job's
 * stage_metadata under `ai`; after calculate_quality_score, that summary is copied into quality.json (the job's
 * quality_report) under `ai`. With AI off (no key, or AI_MODE=off) nothing under src/ai runs and no client is made.
 *
 * Errors: transient provider errors thrown by enhanceContent propagate unchanged (the stage executor's classifier
 * rates them transient and the stage is retried); a cancellation propagates as the signal's reason. Only the AI
 * pass's own time allowance running out is absorbed: the heuristic content is kept, with a warning.
 */
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type AiConfig, type AiReport, classifyAiFailure, enhanceContent, isAiEnabled } from '../ai';
import type { AiMode } from '../ai/config';
import { describeAiFailure } from '../ai/errors';
import { emptyReport } from '../ai/report';
import type { Stage } from '../common/enums';
import { REDIS_CLIENT } from '../common/redis/redis.module';
import { redisOptionsFromUrl } from '../common/redis/redis-options';
import { AppConfig } from '../config';
import type { ContentArtifact } from '../conversion/model/content';
import type { LayoutArtifact } from '../conversion/model/layout';
import { readJsonFile, writeJsonFile } from '../conversion/json-file';
import { WORK_FILES } from '../conversion/workdir';
import type { JobRecord } from '../database/job-record';
import { JobStateService } from '../jobs/job-state.service';

/** What stage_metadata.ai and quality_report.ai hold: the report without its per-page list. */
export interface AiStageSummary {
  mode: AiMode;
  tiers: AiReport['tiers'];
  /** 1-based page ranges ("1-3, 7") per tier, and of the pages whose reading was replaced. */
  pages: { strong: string; fast: string; enhanced: string };
  /** Why routed pages kept the heuristic reading, with counts. */
  kept: Record<string, number>;
  summary: AiReport['summary'];
  tokens: AiReport['tokens'];
  warnings: string[];
  durationMs: number;
}

/** Where enhanceContent gets its cache and where its warnings go. */
export interface AiPassDeps {
  config: AiConfig;
  redis?: Pick<Redis, 'get' | 'set'> | null;
  signal?: AbortSignal;
  logger?: { warn(message: string): unknown };
  /** Milliseconds the pass may take before it is stopped and the heuristic content kept. */
  allowanceMs?: number;
  /**
   * Keep the heuristic content (with a warning) when the provider stays unavailable — for the stage's last try
   * and the CLI. Otherwise transient provider errors are thrown, so the pipeline retries the stage.
   */
  fallbackOnTransient?: boolean;
}

/** Share of the stage's soft timeout left after the heuristics that the AI pass may use. */
const AI_SHARE_OF_REMAINING_TIME = 0.9;

/** "1-3, 7, 9-10" from 0-based page indexes. */
export function pageRanges(indexes: number[]): string {
  const pages = [...new Set(indexes)].sort((a, b) => a - b).map((index) => index + 1);
  const ranges: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const start = pages[i];
    while (i + 1 < pages.length && pages[i + 1] === pages[i] + 1) i++;
    ranges.push(start === pages[i] ? String(start) : `${start}-${pages[i]}`);
  }
  return ranges.join(', ');
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export function summarizeAiReport(report: AiReport): AiStageSummary {
  const pagesOf = (keep: (page: AiReport['pages'][number]) => boolean) =>
    pageRanges(report.pages.filter(keep).map((page) => page.page));
  return {
    mode: report.mode,
    tiers: report.tiers,
    pages: {
      strong: pagesOf((page) => page.tier === 'strong'),
      fast: pagesOf((page) => page.tier === 'fast'),
      enhanced: pagesOf((page) => page.outcome === 'enhanced'),
    },
    kept: countBy(report.pages.flatMap((page) => (page.tier && page.kept ? [page.kept] : []))),
    summary: report.summary,
    tokens: report.tokens,
    warnings: report.warnings,
    durationMs: report.durationMs,
  };
}

/** The summary of a pass that produced nothing: every page keeps the heuristic reading, for `warning`. */
function heuristicOnlySummary(mode: AiMode, warning: string, durationMs: number): AiStageSummary {
  return summarizeAiReport({ ...emptyReport(mode), warnings: [warning], durationMs });
}

class AiAllowanceExceeded extends Error {}

/** The caller's signal, plus an abort after `allowanceMs` (reason AiAllowanceExceeded). */
function withAllowance(signal: AbortSignal | undefined, allowanceMs: number | undefined) {
  if (allowanceMs === undefined) return { signal, stop: () => undefined, expired: () => false };
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new AiAllowanceExceeded()), Math.max(0, allowanceMs));
  return {
    signal: signal ? AbortSignal.any([signal, timer.signal]) : timer.signal,
    stop: () => clearTimeout(handle),
    expired: () => timer.signal.aborted && !signal?.aborted,
  };
}

/** Why the heuristic content is kept after `err`; undefined = the error must be thrown. */
function fallbackWarning(err: unknown, deps: AiPassDeps, allowanceExpired: boolean): string | undefined {
  if (allowanceExpired) {
    const seconds = Math.round((deps.allowanceMs ?? 0) / 1000);
    return `AI pass stopped after ${seconds} s (time allowance of the stage); heuristic reading kept for every page`;
  }
  if (deps.signal?.aborted || !deps.fallbackOnTransient) return undefined;
  const kind = classifyAiFailure(err);
  if (kind !== 'transient' && kind !== 'rate_limit') return undefined;
  return `AI provider unavailable (${describeAiFailure(err)}); heuristic reading kept for every page`;
}

/**
 * Runs the AI pass on a work directory after extract_content: reads layout.json and content.json, writes the
 * enhanced content.json back. Transient provider errors and cancellations are thrown unchanged.
 */
export async function enhanceWorkDir(workDir: string, deps: AiPassDeps): Promise<AiStageSummary> {
  const layout = await readJsonFile<LayoutArtifact>(join(workDir, WORK_FILES.layout));
  const content = await readJsonFile<ContentArtifact>(join(workDir, WORK_FILES.content));
  const allowance = withAllowance(deps.signal, deps.allowanceMs);
  const started = Date.now();
  try {
    const result = await enhanceContent(layout, content, {
      config: deps.config,
      redis: deps.redis,
      signal: allowance.signal,
      logger: deps.logger,
    });
    await writeJsonFile(join(workDir, WORK_FILES.content), result.content);
    return summarizeAiReport(result.report);
  } catch (err) {
    const warning = fallbackWarning(err, deps, allowance.expired());
    if (warning === undefined) throw err;
    deps.logger?.warn(warning);
    return heuristicOnlySummary(deps.config.mode, warning, Date.now() - started);
  } finally {
    allowance.stop();
  }
}

/** The quality report with the AI summary under `ai` (as stored in quality.json / quality_report). */
export function withAiSummary<T extends object>(
  quality: T,
  summary: AiStageSummary,
): T & { ai: AiStageSummary } {
  return { ...quality, ai: summary };
}

/** Human-readable lines for the CLI. */
export function formatAiSummary(ai: AiStageSummary): string[] {
  const s = ai.summary;
  const tiers = Object.entries(ai.tiers)
    .map(([tier, target]) => `${tier}=${target.provider}/${target.model}`)
    .join(' ');
  return [
    `AI (${ai.mode}) ${tiers}`.trimEnd(),
    `    pages strong=${s.pagesStrong} fast=${s.pagesFast} heuristics-only=${s.pagesHeuristicOnly} enhanced=${s.enhanced} kept-heuristic=${s.keptHeuristic}`,
    `    calls=${s.calls} (batched ${s.batchedCalls}) cache-hits=${s.cacheHits} template-hits=${s.templateHits} rate-limited=${s.rateLimited}`,
    `    tokens in=${ai.tokens.input} out=${ai.tokens.output}${ai.tokens.exhausted ? ' (budget exhausted)' : ''}  ${(ai.durationMs / 1000).toFixed(2)} s`,
    ...ai.warnings.map((warning) => `    warning: ${warning}`),
  ];
}

/**
 * A Redis client for the CLI's AI cache, or null (with the reason) when REDIS_URL is not set or not reachable:
 * the CLI then runs without a cache rather than hanging on reconnects.
 */
export async function connectAiCache(
  redisUrl: string | undefined,
): Promise<{ redis: Redis | null; note: string }> {
  if (!redisUrl) return { redis: null, note: 'no REDIS_URL: AI cache off' };
  const redis = new Redis({
    ...redisOptionsFromUrl(redisUrl),
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return { redis, note: 'AI cache in Redis' };
  } catch {
    redis.disconnect();
    return { redis: null, note: 'Redis not reachable: AI cache off' };
  }
}

/** No retry is left after this try of the stage (begin() recorded attempt / max_attempts). */
function isLastTry(job: JobRecord): boolean {
  return (job.stage_metadata.attempt ?? 1) >= (job.stage_metadata.max_attempts ?? 1);
}

/** The pipeline's side: enhance after extract_content, annotate quality.json after calculate_quality_score. */
@Injectable()
export class AiEnhancementService {
  private readonly ai: AiConfig;
  private readonly softTimeoutMs: number;

  constructor(
    config: AppConfig,
    private readonly state: JobStateService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.ai = config.ai;
    this.softTimeoutMs = config.get('JOB_SOFT_TIMEOUT_S') * 1000;
  }

  get enabled(): boolean {
    return isAiEnabled(this.ai);
  }

  /** Called by the stage executor after each stage ran, before its outputs are uploaded. */
  async afterStage(
    stage: Stage,
    job: JobRecord,
    workDir: string,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    if (stage === 'extract_content' && this.enabled) await this.enhance(job, workDir, signal, log);
    if (stage === 'calculate_quality_score') await this.annotateQuality(job, workDir);
  }

  private async enhance(job: JobRecord, workDir: string, signal: AbortSignal, log: Logger): Promise<void> {
    const summary = await enhanceWorkDir(workDir, {
      config: this.ai,
      redis: this.redis,
      signal,
      logger: { warn: (message: string) => log.warn({ ai: true }, message) },
      allowanceMs: this.allowanceFor(job),
      fallbackOnTransient: isLastTry(job),
    });
    await this.state.transition(job.id, [job.status], job.status, { stageMetadata: { ai: summary } }, true);
    log.info({ ai: summary.summary, tokens: summary.tokens.input + summary.tokens.output }, 'AI pass done');
  }

  /** What is left of the stage's soft timeout (counted from stage_started_at), mostly for the AI pass. */
  private allowanceFor(job: JobRecord): number {
    const startedAt = Date.parse(job.stage_metadata.stage_started_at ?? '');
    const elapsed = Number.isFinite(startedAt) ? Date.now() - startedAt : 0;
    return Math.max(0, (this.softTimeoutMs - elapsed) * AI_SHARE_OF_REMAINING_TIME);
  }

  /** Copies stage_metadata.ai (written by extract_content of this job) into quality.json. */
  private async annotateQuality(job: JobRecord, workDir: string): Promise<void> {
    const summary = job.stage_metadata.ai as AiStageSummary | undefined;
    if (!summary || typeof summary !== 'object') return;
    const path = join(workDir, WORK_FILES.quality);
    const quality = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify(withAiSummary(quality, summary)));
  }
}
