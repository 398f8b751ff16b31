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
import { ParsingDocument } from '../pdf/parsing-document';
import type { RawPage } from '../pdf/raw';
import type { AnalyzeLayout, ConversionOptions, StageContext } from '../stages';
import { JsonText } from '../json-file';
import { LONG_BOOK_PAGES, tuneHeapForBook } from '../heap';
import { orderPage } from './columns';
import { classifyPage } from './complexity';
import { figureRegions } from './figures';
import { withRuleUnderscores } from './rule-underscores';
import { FontSizeCounter } from './fonts';
import { buildFragments } from './lines';
import { readMetadata } from './metadata';
import { placeOutline, readOutlineTargets } from './outline';
import { countBodyLines, markRunningText, runningTextLines, type PageLines } from './running-headers';

/** One parsed page → its layout (lines in reading order, images, links); fonts must hold the page's fonts. */
export function pageLayoutFromRaw(p: RawPage, fonts: Record<string, FontInfo>): PageLayout {
  for (const f of p.fonts) fonts[f.id] ??= f;
  const rows = buildFragments(withRuleUnderscores(p.spans, p.drawings), { fonts, links: p.links });
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
    links: p.links.map(linkRef),
    complexity: { complex: false, reasons: [] },
    figureRegions: figureRegions(p),
  };
}

/** Turns a link's destination point into the y of its target page, known once every page is parsed. */
function placeLinkTargets(page: PageLayout, raw: RawPage[]): void {
  for (const l of page.links) {
    const t = l.destPage !== undefined ? raw[l.destPage]?.transform : undefined;
    const u = (l as LinkRef & { destUser?: [number, number] }).destUser;
    if (t && u) l.destY = Math.max(0, t[1] * u[0] + t[3] * u[1] + t[5]);
    delete (l as LinkRef & { destUser?: [number, number] }).destUser;
  }
}

/** A page's own passes once running text is marked: link targets, rounding, simple/complex verdict. */
function finishPage(page: PageLayout, raw: RawPage[], fonts: Record<string, FontInfo>): void {
  placeLinkTargets(page, raw);
  roundPage(page);
  page.complexity = classifyPage(
    raw[page.index],
    page.lines.filter((l) => !l.artifact),
    page.columns,
    fonts,
  );
}

/**
 * Where analyze keeps the laid-out pages until the document-wide passes (running text, font statistics) have
 * seen them all, and what the finished pages become (objects, or JSON text for the artifact file).
 */
interface PageKeeper<P> {
  keep(page: PageLayout): void;
  /** Marks running headers, footers and page numbers; returns their masked patterns. */
  markRunningText(): string[];
  /** Runs `finish` on each page in order and returns the finished pages. */
  finish(each: (page: PageLayout) => void): P[];
}

/** Pages as objects: what tests and in-memory callers get. */
class ObjectPages implements PageKeeper<PageLayout> {
  private readonly pages: PageLayout[] = [];

  keep(page: PageLayout): void {
    this.pages[page.index] = page;
  }

  markRunningText(): string[] {
    return markRunningText(this.pages.map((p) => ({ height: p.height, lines: p.lines })));
  }

  finish(each: (page: PageLayout) => void): PageLayout[] {
    this.pages.forEach(each);
    return this.pages;
  }
}

/**
 * Pages as (deflated) JSON from the moment they are laid out, with only the lines running-text detection looks
 * at kept as objects: a 1300-page manual's layout took ~200 MB of heap as objects, ~10 MB this way.
 */
const FINISHED = new JsonText('null');

class JsonPages implements PageKeeper<JsonText> {
  private readonly json: JsonText[] = [];
  private readonly edges: Array<PageLines & { indexes: number[] }> = [];
  private readonly bodyLines = new Map<string, number>();

  keep(page: PageLayout): void {
    countBodyLines(page, this.bodyLines);
    const { lines, indexes } = runningTextLines(page.lines);
    this.edges[page.index] = { height: page.height, lines, indexes };
    this.json[page.index] = new JsonText(JSON.stringify(page));
  }

  markRunningText(): string[] {
    return markRunningText(this.edges, this.bodyLines);
  }

  finish(each: (page: PageLayout) => void): JsonText[] {
    return this.json.map((json, i) => {
      const page = JSON.parse(json.text) as PageLayout;
      this.json[i] = FINISHED;
      const edge = this.edges[i];
      edge.indexes.forEach((lineIndex, k) => {
        const artifact = edge.lines[k].artifact;
        if (artifact) page.lines[lineIndex].artifact = artifact;
      });
      each(page);
      return new JsonText(JSON.stringify(page));
    });
  }
}

/** Running text over all pages, then each page's own passes and the font statistics, page by page. */
function finishPages<P>(
  keeper: PageKeeper<P>,
  raw: RawPage[],
  fonts: Record<string, FontInfo>,
  eachPage: (page: PageLayout) => void = () => undefined,
): { pages: P[]; fontStats: LayoutArtifact['fontStats']; runningPatterns: string[] } {
  const runningPatterns = keeper.markRunningText();
  const sizes = new FontSizeCounter();
  const pages = keeper.finish((page) => {
    finishPage(page, raw, fonts);
    sizes.add(page.lines);
    eachPage(page);
  });
  return { pages, fontStats: sizes.statistics(fonts), runningPatterns };
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

function linkRef(l: RawPage['links'][number]): LinkRef {
  const box = { x: l.x, y: l.y, w: l.w, h: l.h };
  if (l.url) return { box, url: l.url };
  const ref: LinkRef & { destUser?: [number, number] } = { box };
  if (l.destPage !== undefined && l.destPage >= 0) {
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

  /** Waits for the pictures to be written (a picture whose write failed gets no asset). */
  async settle(): Promise<void> {
    await Promise.all(this.writes);
  }

  /** Points every painted picture of the page at its asset (after settle()). */
  attach(page: PageLayout): void {
    for (const im of page.images) {
      const asset = this.assets.get(im.name);
      if (asset) im.asset = asset;
    }
  }
}

/** A layout whose pages may be JSON text already: what executeStage writes to the artifact file. */
export type SerializedLayout = Omit<LayoutArtifact, 'pages'> & { pages: Array<PageLayout | JsonText> };

/**
 * From this many pages on, analyzeLayoutSerialized keeps pages as deflated JSON (JsonPages); below, as objects:
 * a short book's layout is small, and serializing it page by page cost ~5% of analyze_layout on R-intro.
 */
export const SERIALIZE_PAGES_FROM = LONG_BOOK_PAGES;

async function analyze<P>(
  pdf: Uint8Array,
  ctx: StageContext,
  options: ConversionOptions,
  keeperFor: (pageCount: number) => PageKeeper<P>,
): Promise<Omit<LayoutArtifact, 'pages'> & { pages: P[] }> {
  throwIfAborted(ctx.signal);
  const { pdfjs, doc } = await openPdf(pdf, { maxPages: options.maxPages });
  tuneHeapForBook(doc.numPages);
  const keeper = keeperFor(doc.numPages);
  // Owns doc from here: the parse renews it every few hundred pages, so everything that reads the document as
  // a whole (links, outline, metadata) is read first.
  const source = new ParsingDocument(pdfjs, doc, pdf);
  try {
    const links = await readLinks(pdfjs, doc);
    const outlineTargets = await readOutlineTargets(doc);
    const metadata = await readMetadata(pdfjs, doc);
    throwIfAborted(ctx.signal);
    // Each page is laid out as it arrives and its spans dropped: memory stays bounded by the layout itself.
    const fonts: Record<string, FontInfo> = {};
    let chars = 0;
    const pictures = new PictureSink(ctx.assets);
    const raw = await parseAllPages(pdf, source, {
      parallelism: options.parallelism,
      signal: ctx.signal,
      encodePictures: true,
      onPage: (done, total) => ctx.onProgress?.(0.95 * (done / total)),
      onRawPage: (p) => {
        chars += p.spans.reduce((a, s) => a + s.text.length, 0);
        pictures.take(p);
        p.links = linksInPageSpace(links.get(p.index), p.transform);
        links.delete(p.index);
        keeper.keep(pageLayoutFromRaw(p, fonts));
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
    await pictures.settle();
    const done = finishPages(keeper, raw, fonts, (page) => pictures.attach(page));
    const outline = placeOutline(
      outlineTargets,
      raw.map((p) => p.transform),
    );
    ctx.onProgress?.(1);
    return { version: 1, pageCount: raw.length, fonts, ...done, outline, metadata };
  } finally {
    await source.close();
  }
}

export const analyzeLayout: AnalyzeLayout = (pdf, ctx, options = {}) =>
  analyze(pdf, ctx, options, () => new ObjectPages());

/**
 * analyzeLayout for the artifact file: the same layout, the pages of a long book (serializeFrom pages or more)
 * kept as JSON text from the moment they are laid out (bounded memory).
 */
export function analyzeLayoutSerialized(
  pdf: Uint8Array,
  ctx: StageContext,
  options: ConversionOptions = {},
  serializeFrom = SERIALIZE_PAGES_FROM,
): Promise<SerializedLayout> {
  return analyze<PageLayout | JsonText>(pdf, ctx, options, (pages) =>
    pages >= serializeFrom ? new JsonPages() : new ObjectPages(),
  );
}
