/** What the AI stage did to a job: stored in stage_metadata and the quality report. */
import type { AiMode, AiProviderName, AiTier } from './config';

export interface AiPageRecord {
  page: number;
  /** Tier the page was routed to; absent = heuristics only. */
  tier?: AiTier;
  provider?: AiProviderName;
  model?: string;
  /** Why it was routed so. */
  route: string;
  outcome: 'enhanced' | 'heuristic';
  /** Where an enhanced reading came from. */
  source?: 'call' | 'cache' | 'template';
  /** Why the heuristic reading was kept although the page was routed to a model. */
  kept?: string;
}

export interface AiReport {
  version: 1;
  mode: AiMode;
  tiers: Partial<Record<AiTier, { provider: AiProviderName; model: string; why: string }>>;
  pages: AiPageRecord[];
  summary: {
    pagesStrong: number;
    pagesFast: number;
    pagesHeuristicOnly: number;
    enhanced: number;
    keptHeuristic: number;
    calls: number;
    /** Calls that carried more than one page. */
    batchedCalls: number;
    cacheHits: number;
    templateHits: number;
    rateLimited: number;
    rateLimitWaitMs: number;
  };
  tokens: {
    input: number;
    output: number;
    budget: number;
    exhausted: boolean;
    /** Usage per tier (for cost: the tiers usually have different prices). */
    perTier: Partial<Record<AiTier, { input: number; output: number }>>;
  };
  warnings: string[];
  durationMs: number;
}

export function emptyReport(mode: AiMode): AiReport {
  return {
    version: 1,
    mode,
    tiers: {},
    pages: [],
    summary: {
      pagesStrong: 0,
      pagesFast: 0,
      pagesHeuristicOnly: 0,
      enhanced: 0,
      keptHeuristic: 0,
      calls: 0,
      batchedCalls: 0,
      cacheHits: 0,
      templateHits: 0,
      rateLimited: 0,
      rateLimitWaitMs: 0,
    },
    tokens: { input: 0, output: 0, budget: 0, exhausted: false, perTier: {} },
    warnings: [],
    durationMs: 0,
  };
}
