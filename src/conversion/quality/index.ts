/** calculate_quality_score: measures the EPUB against the PDF (layout artifact) and combines a 0–100 score. */
import { throwIfAborted } from '../errors';
import type { QualityComponent } from '../model/quality';
import type { QualityReport } from '../model/quality';
import type { CalculateQuality, StageContext } from '../stages';
import { wordsOf } from '../structure/text';
import {
  brokenParagraphs,
  codeKept,
  contentBlocks,
  headerLeak,
  hyphenBreaks,
  imagesKept,
  packageValidity,
  readingOrder,
  textCoverage,
  tocCoverage,
  tocLinks,
  type Measure,
} from './metrics';
import { readEpubPackage } from './package-reader';
import { buildReference, type Reference } from './reference';

export { buildReference };

/** Weights of the components (n/a components drop out and the rest are renormalised). */
export const QUALITY_WEIGHTS = {
  text_coverage: 22,
  text_noise: 6,
  reading_order: 8,
  toc_coverage: 10,
  toc_links: 10,
  images: 8,
  header_leak: 8,
  paragraphs: 8,
  hyphenation: 3,
  code: 7,
  package: 10,
} as const;

type ComponentName = keyof typeof QUALITY_WEIGHTS;

/** Plain-language warnings when a component misses the project's goal. */
const GOALS: Partial<Record<ComponentName, { key: string; ok: (v: number) => boolean; text: string }>> = {
  text_coverage: { key: 'recall', ok: (v) => v >= 0.99, text: 'text coverage below 99%' },
  toc_coverage: {
    key: 'recall',
    ok: (v) => v >= 0.99,
    text: 'some outline entries are missing from the TOC',
  },
  toc_links: {
    key: 'accuracy',
    ok: (v) => v >= 0.95,
    text: 'some TOC entries do not point at their heading',
  },
  header_leak: {
    key: 'perPage',
    ok: (v) => v <= 0.05,
    text: 'running headers or page numbers left in the text',
  },
  paragraphs: { key: 'per100', ok: (v) => v <= 1, text: 'paragraphs split mid-sentence' },
  images: { key: 'recall', ok: (v) => v >= 0.9, text: 'images lost' },
  code: { key: 'recall', ok: (v) => v >= 0.8, text: 'code not kept as preformatted text' },
};

function warningsFor(components: Partial<Record<ComponentName, QualityComponent>>): string[] {
  const warnings: string[] = [];
  for (const [name, goal] of Object.entries(GOALS) as [
    ComponentName,
    NonNullable<(typeof GOALS)[ComponentName]>,
  ][]) {
    const value = components[name]?.detail[goal.key];
    if (typeof value === 'number' && !goal.ok(value)) warnings.push(`${goal.text} (${goal.key} ${value})`);
  }
  if (components.package && components.package.score < 1)
    warnings.push('the EPUB package has structural problems');
  return warnings;
}

export const calculateQuality: CalculateQuality = async ({ layout, chapterCount, epub }, ctx) =>
  scoreEpub(buildReference(layout), chapterCount, epub, ctx);

/**
 * calculateQuality from the reference the layout gives (buildReference): a caller that reads the layout from a
 * file can let go of it before the EPUB is read (a long book's layout is the largest thing in memory).
 */
export async function scoreEpub(
  ref: Reference,
  chapterCount: number,
  epub: Uint8Array,
  ctx: StageContext,
): Promise<QualityReport> {
  throwIfAborted(ctx.signal);
  const pkg = readEpubPackage(epub);
  const blocks = contentBlocks(pkg);
  const epubWords = blocks.flatMap((block) => wordsOf(block.text));
  const coverage = textCoverage(ref, epubWords);
  const measures: Record<ComponentName, Measure | null> = {
    text_coverage: coverage.recall,
    text_noise: coverage.noise,
    reading_order: readingOrder(ref, epubWords),
    toc_coverage: tocCoverage(ref, pkg),
    toc_links: tocLinks(pkg),
    images: imagesKept(ref, pkg),
    header_leak: headerLeak(ref, blocks),
    paragraphs: brokenParagraphs(blocks),
    hyphenation: hyphenBreaks(blocks, epubWords),
    code: codeKept(ref, pkg),
    package: packageValidity(pkg),
  };
  const components: Partial<Record<ComponentName, QualityComponent>> = {};
  let weighted = 0;
  let totalWeight = 0;
  for (const [name, measure] of Object.entries(measures) as [ComponentName, Measure | null][]) {
    if (!measure) continue;
    const weight = QUALITY_WEIGHTS[name];
    components[name] = { score: Number(measure.score.toFixed(4)), weight, detail: measure.detail };
    weighted += weight * measure.score;
    totalWeight += weight;
  }
  const opens = pkg.checks.opens !== false && pkg.spine.length > 0;
  const score = opens && totalWeight > 0 ? Math.round((1000 * weighted) / totalWeight) / 10 : 0;
  ctx.onProgress?.(1);
  return {
    version: 1,
    score,
    components,
    chapters: chapterCount,
    pages: ref.pages,
    words: epubWords.length,
    warnings: warningsFor(components),
  };
}
