/**
 * The five stages of a conversion, as plain functions. No Nest, no queue, no database here:
 * the BullMQ processors (src/pipeline) and the CLI (src/cli) both call these.
 */
import type { AssetStore } from './assets';
import type { LayoutArtifact } from './model/layout';
import type { ContentArtifact } from './model/content';
import type { BookStructure } from './model/book';
import type { QualityReport } from './model/quality';

export const STAGES = [
  'analyze_layout',
  'extract_content',
  'identify_structure',
  'generate_epub',
  'calculate_quality_score',
] as const;
export type StageName = (typeof STAGES)[number];

export interface StageContext {
  /** Fires on cancellation or soft timeout; stages check it at checkpoints (at least between pages). */
  signal?: AbortSignal;
  /** Fraction 0..1 of the stage done. */
  onProgress?: (fraction: number) => void;
  /** Where extracted images are written (extract) and read (generate). */
  assets: AssetStore;
  /** Warnings worth recording on the job (not errors). */
  warn?: (message: string) => void;
}

export interface ConversionOptions {
  /** Fail with TOO_MANY_PAGES above this. */
  maxPages?: number;
  /** Number of worker threads to parse pages with (default: number of cores). */
  parallelism?: number;
}

export type AnalyzeLayout = (
  pdf: Uint8Array,
  ctx: StageContext,
  options?: ConversionOptions,
) => Promise<LayoutArtifact>;
export type ExtractContent = (
  layout: LayoutArtifact,
  ctx: StageContext,
  options?: ConversionOptions,
) => Promise<ContentArtifact>;
export type IdentifyStructure = (
  layout: LayoutArtifact,
  content: ContentArtifact,
  ctx: StageContext,
) => Promise<BookStructure>;
export type GenerateEpub = (book: BookStructure, ctx: StageContext) => Promise<Uint8Array>;
export type CalculateQuality = (
  input: { layout: LayoutArtifact; chapterCount: number; epub: Uint8Array },
  ctx: StageContext,
) => Promise<QualityReport>;
