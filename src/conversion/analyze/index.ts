/**
 * analyze_layout: opens the PDF, parses every page (in parallel), then per page joins spans into lines,
 * resolves columns and reading order, marks running headers/footers/page numbers, and gathers fonts,
 * images, links, the outline, metadata and a simple/complex verdict per page.
 */
import { ConversionError, throwIfAborted } from '../errors';
import type { AssetStore } from '../assets';
import type { AssetRef } from '../model/content';
import type { FontInfo, LayoutArtifact, LinkRef, PageLayout } from '../model/layout';
import { openPdf } from '../pdf/open';
import { linksInPageSpace, readLinks } from '../pdf/links';
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

/** One parsed page → its layout (lines in reading order, images, links); fonts must hold the page's fonts. */
export function pageLayoutFromRaw(
  p: RawPage,
  fonts: Record<string, FontInfo>,
  raw: RawPage[] | null,
): PageLayout {
  for (const f of p.fonts) fonts[f.id] ??= f;
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
}

/** Document-wide passes once every page is laid out: running text, complexity, font statistics. */
export function finishLayout(
  pages: PageLayout[],
  raw: RawPage[],
  fonts: Record<string, FontInfo>,
): Omit<LayoutArtifact, 'outline' | 'metadata'> {
  // Internal link targets need the target page's transform, known only now.
  for (const page of pages) {
    for (const l of page.links) {
      const t = l.destPage !== undefined ? raw[l.destPage]?.transform : undefined;
      const u = (l as LinkRef & { destUser?: [number, number] }).destUser;
      if (t && u) l.destY = Math.max(0, t[1] * u[0] + t[3] * u[1] + t[5]);
      delete (l as LinkRef & { destUser?: [number, number] }).destUser;
    }
  }
  const runningPatterns = markRunningText(pages.map((p) => ({ height: p.height, lines: p.lines })));
  for (const p of pages) roundPage(p);
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

/** Turns parsed pages into the layout artifact (no pdf.js needed: tests and tools can call it directly). */
export function layoutFromRawPages(raw: RawPage[]): Omit<LayoutArtifact, 'outline' | 'metadata'> {
  const fonts: Record<string, FontInfo> = {};
  const pages = raw.map((p) => pageLayoutFromRaw(p, fonts, raw));
  return finishLayout(pages, raw, fonts);
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function roundBox(b: { x: number; y: number; w: number; h: number }): void {
  b.x = r2(b.x);
  b.y = r2(b.y);
  b.w = r2(b.w);
  b.h = r2(b.h);
}

/** Hundredths of a point are plenty: the artifact is written and read as JSON by every later stage. */
function roundPage(p: PageLayout): void {
  p.width = r2(p.width);
  p.height = r2(p.height);
  for (const l of p.lines) {
    roundBox(l.box);
    l.size = r2(l.size);
    for (const s of l.spans) {
      roundBox(s.box);
      s.size = r2(s.size);
    }
  }
  for (const im of p.images) roundBox(im.box);
  for (const l of p.links) {
    roundBox(l.box);
    if (l.destY !== undefined) l.destY = r2(l.destY);
  }
  for (const r of p.figureRegions ?? []) roundBox(r);
}

function linkRef(l: RawPage['links'][number], raw: RawPage[] | null): LinkRef {
  const box = { x: l.x, y: l.y, w: l.w, h: l.h };
  if (l.url) return { box, url: l.url };
  const ref: LinkRef & { destUser?: [number, number] } = { box };
  if (l.destPage !== undefined && l.destPage >= 0 && (raw === null || l.destPage < raw.length)) {
    ref.destPage = l.destPage;
    if (l.destUserY !== undefined) ref.destUser = [l.destUserX ?? 0, l.destUserY];
  }
  return ref;
}

/** Writes each page's encoded pictures to the asset store, once per picture, named after the picture. */
class PictureSink {
  private readonly assets = new Map<string, AssetRef>();
  private readonly writes: Promise<void>[] = [];

  constructor(private readonly store: AssetStore) {}

  take(page: RawPage): void {
    for (const im of page.images) {
      const encoded = im.encoded;
      if (!encoded) continue;
      delete im.encoded;
      if (this.assets.has(im.name)) continue;
      const file = `${im.name}.${encoded.mediaType === 'image/png' ? 'png' : 'jpg'}`;
      const ref: AssetRef = { name: file, mediaType: encoded.mediaType, width: im.width, height: im.height };
      this.assets.set(im.name, ref);
      this.writes.push(
        this.store.put(file, encoded.bytes).catch(() => {
          this.assets.delete(im.name);
        }),
      );
    }
  }

  /** Waits for the writes, then points every painted picture of the layout at its asset. */
  async attach(pages: PageLayout[]): Promise<void> {
    await Promise.all(this.writes);
    for (const page of pages) {
      for (const im of page.images) {
        const asset = this.assets.get(im.name);
        if (asset) im.asset = asset;
      }
    }
  }
}

export const analyzeLayout: AnalyzeLayout = async (pdf, ctx, options = {}) => {
  throwIfAborted(ctx.signal);
  const { pdfjs, doc } = await openPdf(pdf, { maxPages: options.maxPages });
  try {
    // Each page is laid out as it arrives and its spans dropped: memory stays bounded by the layout itself.
    const fonts: Record<string, FontInfo> = {};
    const built: PageLayout[] = [];
    let chars = 0;
    const pictures = new PictureSink(ctx.assets);
    const links = await readLinks(pdfjs, doc);
    const raw = await parseAllPages(pdf, pdfjs, doc, {
      parallelism: options.parallelism,
      signal: ctx.signal,
      encodePictures: true,
      onPage: (done, total) => ctx.onProgress?.(0.95 * (done / total)),
      onRawPage: (p) => {
        chars += p.spans.reduce((a, s) => a + s.text.length, 0);
        pictures.take(p);
        p.links = linksInPageSpace(links.get(p.index), p.transform);
        built[p.index] = pageLayoutFromRaw(p, fonts, null);
        return { ...p, spans: [], drawings: [] };
      },
    });
    throwIfAborted(ctx.signal);
    const failed = raw.filter((p) => p.error);
    if (failed.length === raw.length) {
      throw new ConversionError('CORRUPTED_FILE', 'No page of the PDF could be read; the file is damaged.');
    }
    if (failed.length) ctx.warn?.(`${failed.length} page(s) could not be read and were left out.`);
    const images = raw.reduce((a, p) => a + p.images.length, 0);
    if (chars === 0 && images === 0) {
      throw new ConversionError(
        'EMPTY_DOCUMENT',
        raw.every((p) => p.paths === 0)
          ? 'The PDF has no content: its pages are blank.'
          : 'The PDF has no extractable text or images (only vector drawings).',
      );
    }
    const layout = finishLayout(built, raw, fonts);
    await pictures.attach(layout.pages);
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
