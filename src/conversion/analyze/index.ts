/**
 * analyze_layout: opens the PDF, parses every page (in parallel), then per page joins spans into lines,
 * resolves columns and reading order, marks running headers/footers/page numbers, and gathers fonts,
 * images, links, the outline, metadata and a simple/complex verdict per page.
 */
import { ConversionError, throwIfAborted } from '../errors';
import type { FontInfo, LayoutArtifact, LinkRef, PageLayout } from '../model/layout';
import { openPdf } from '../pdf/open';
import { parseAllPages } from '../pdf/parse-pages';
import type { RawPage } from '../pdf/raw';
import type { AnalyzeLayout } from '../stages';
import { orderPage } from './columns';
import { classifyPage } from './complexity';
import { figureRegions } from './figures';
import { fontStatistics } from './fonts';
import { buildFragments } from './lines';
import { readMetadata } from './metadata';
import { readOutline } from './outline';
import { markRunningText } from './running-headers';

/** Turns parsed pages into the layout artifact (no pdf.js needed: tests and tools can call it directly). */
export function layoutFromRawPages(raw: RawPage[]): Omit<LayoutArtifact, 'outline' | 'metadata'> {
  const fonts: Record<string, FontInfo> = {};
  for (const p of raw) for (const f of p.fonts) fonts[f.id] ??= f;
  const pages: PageLayout[] = raw.map((p) => {
    const rows = buildFragments(p.spans, { fonts, links: p.links });
    const ordered = orderPage(rows);
    return {
      index: p.index,
      width: p.width,
      height: p.height,
      lines: ordered.lines,
      columns: ordered.columns,
      images: p.images.map((im) => ({
        name: im.name,
        box: { x: im.x, y: im.y, w: im.w, h: im.h },
        width: im.width,
        height: im.height,
      })),
      links: p.links.map((l) => linkRef(l, raw)),
      complexity: { complex: false, reasons: [] },
      figureRegions: figureRegions(p),
    };
  });
  const runningPatterns = markRunningText(pages.map((p) => ({ height: p.height, lines: p.lines })));
  pages.forEach((page, i) => {
    page.complexity = classifyPage(
      raw[i],
      page.lines.filter((l) => !l.artifact),
      page.columns,
      fonts,
    );
  });
  const fontStats = fontStatistics(
    (function* () {
      for (const p of pages) yield* p.lines;
    })(),
    fonts,
  );
  return { version: 1, pageCount: raw.length, pages, fonts, fontStats, runningPatterns };
}

function linkRef(l: RawPage['links'][number], raw: RawPage[]): LinkRef {
  const box = { x: l.x, y: l.y, w: l.w, h: l.h };
  if (l.url) return { box, url: l.url };
  const ref: LinkRef = { box };
  if (l.destPage !== undefined && l.destPage >= 0 && l.destPage < raw.length) {
    ref.destPage = l.destPage;
    if (l.destUserY !== undefined) {
      const t = raw[l.destPage].transform;
      ref.destY = Math.max(0, t[1] * (l.destUserX ?? 0) + t[3] * l.destUserY + t[5]);
    }
  }
  return ref;
}

export const analyzeLayout: AnalyzeLayout = async (pdf, ctx, options = {}) => {
  throwIfAborted(ctx.signal);
  const { pdfjs, doc } = await openPdf(pdf, { maxPages: options.maxPages });
  try {
    const raw = await parseAllPages(pdf, pdfjs, doc, {
      parallelism: options.parallelism,
      signal: ctx.signal,
      onPage: (done, total) => ctx.onProgress?.(0.95 * (done / total)),
    });
    throwIfAborted(ctx.signal);
    const failed = raw.filter((p) => p.error);
    if (failed.length === raw.length) {
      throw new ConversionError('CORRUPTED_FILE', 'No page of the PDF could be read; the file is damaged.');
    }
    if (failed.length) ctx.warn?.(`${failed.length} page(s) could not be read and were left out.`);
    const chars = raw.reduce((a, p) => a + p.spans.reduce((b, s) => b + s.text.length, 0), 0);
    const images = raw.reduce((a, p) => a + p.images.length, 0);
    if (chars === 0 && images === 0) {
      throw new ConversionError(
        'EMPTY_DOCUMENT',
        raw.every((p) => p.paths === 0)
          ? 'The PDF has no content: its pages are blank.'
          : 'The PDF has no extractable text or images (only vector drawings).',
      );
    }
    const layout = layoutFromRawPages(raw);
    const outline = await readOutline(
      doc,
      raw.map((p) => p.transform),
    );
    const metadata = await readMetadata(pdfjs, doc);
    ctx.onProgress?.(1);
    return { ...layout, outline, metadata };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
};
