/**
 * Link annotations of the whole document, read in a few batch requests: pdf.js's per-page getAnnotations would
 * extract each page's text a second time (to fill in the text under every link), which doubled the cost of
 * linked pages.
 */
import type { PdfjsAnnotation, PdfjsDocument, PdfjsModule } from './pdfjs';
import type { RawLink } from './raw';

/** A link annotation in its page's PDF user space, its target resolved. */
export interface PageLink {
  rect: [number, number, number, number];
  url?: string;
  destPage?: number;
  destUserX?: number;
  destUserY?: number;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

function isRef(v: unknown): v is { num: number; gen: number } {
  return typeof v === 'object' && v !== null && 'num' in v && 'gen' in v;
}

const namedDests = new WeakMap<object, Promise<Record<string, unknown[]> | null>>();

/** All named destinations, read once per document (asking one by one re-reads the name tree every time). */
function destinations(doc: PdfjsDocument): Promise<Record<string, unknown[]> | null> {
  let p = namedDests.get(doc);
  if (!p) {
    p = doc.getDestinations().catch(() => null);
    namedDests.set(doc, p);
  }
  return p;
}

/** Resolves an explicit or named destination to a page index and a point in that page's user space. */
export async function resolveDest(
  doc: PdfjsDocument,
  dest: string | unknown[] | null | undefined,
): Promise<{ page: number; x?: number; y?: number } | null> {
  try {
    let explicit: unknown[] | null = null;
    if (typeof dest === 'string') {
      const all = await destinations(doc);
      explicit = all ? (all[dest] ?? null) : await doc.getDestination(dest);
    } else if (Array.isArray(dest)) explicit = dest;
    if (!explicit || explicit.length === 0) return null;
    const target = explicit[0];
    let page: number;
    if (isRef(target)) page = await doc.getPageIndex(target);
    else if (typeof target === 'number' && Number.isInteger(target)) page = target;
    else return null;
    const kind = (explicit[1] as { name?: string } | undefined)?.name;
    let x: number | undefined;
    let y: number | undefined;
    if (kind === 'XYZ') {
      x = typeof explicit[2] === 'number' ? explicit[2] : undefined;
      y = typeof explicit[3] === 'number' ? explicit[3] : undefined;
    } else if (kind === 'FitH' || kind === 'FitBH') {
      y = typeof explicit[2] === 'number' ? explicit[2] : undefined;
    } else if (kind === 'FitR') {
      x = typeof explicit[2] === 'number' ? explicit[2] : undefined;
      y = typeof explicit[5] === 'number' ? explicit[5] : undefined;
    }
    return { page, x, y };
  } catch {
    return null;
  }
}

async function pageLink(doc: PdfjsDocument, a: PdfjsAnnotation): Promise<PageLink | null> {
  if (!a.rect || a.rect.length !== 4) return null;
  const rect = a.rect as PageLink['rect'];
  const url = a.url ?? a.unsafeUrl;
  if (url) return SAFE_URL.test(url) ? { rect, url } : null;
  if (!a.dest) return null;
  const d = await resolveDest(doc, a.dest);
  return d ? { rect, destPage: d.page, destUserX: d.x, destUserY: d.y } : null;
}

/**
 * Pages per getAnnotationsByType request. pdf.js builds every requested page's annotation objects at once and
 * hands back each annotation's full data: for a whole 1300-page manual with 28,000 links that was ~170 MB of
 * heap before the first page was parsed. A batch keeps that transient small; the kept links are compact.
 */
export const LINK_BATCH_PAGES = 100;

/** The page indexes outside [from, to): the pages a batch request skips. */
function pagesOutside(from: number, to: number, numPages: number): Set<number> {
  const skip = new Set<number>();
  for (let i = 0; i < numPages; i++) if (i < from || i >= to) skip.add(i);
  return skip;
}

/** Every page's links (page index → links), from one request per batch of pages for their link annotations. */
export async function readLinks(pdfjs: PdfjsModule, doc: PdfjsDocument): Promise<Map<number, PageLink[]>> {
  const byPage = new Map<number, PageLink[]>();
  const types = new Set([pdfjs.AnnotationType.LINK]);
  for (let from = 0; from < doc.numPages; from += LINK_BATCH_PAGES) {
    const to = Math.min(doc.numPages, from + LINK_BATCH_PAGES);
    let annots: PdfjsAnnotation[] | null;
    try {
      annots = await doc.getAnnotationsByType(types, pagesOutside(from, to, doc.numPages));
    } catch {
      continue;
    }
    for (const a of annots ?? []) {
      if (a.pageIndex === undefined) continue;
      const link = await pageLink(doc, a);
      if (!link) continue;
      const list = byPage.get(a.pageIndex) ?? [];
      list.push(link);
      byPage.set(a.pageIndex, list);
    }
  }
  return byPage;
}

/** A page's links in its top-left page space (the viewport transform of the parsed page). */
export function linksInPageSpace(links: PageLink[] | undefined, vt: readonly number[]): RawLink[] {
  return (links ?? []).map((l) => {
    const [x1, y1, x2, y2] = l.rect;
    const p1 = [vt[0] * x1 + vt[2] * y1 + vt[4], vt[1] * x1 + vt[3] * y1 + vt[5]];
    const p2 = [vt[0] * x2 + vt[2] * y2 + vt[4], vt[1] * x2 + vt[3] * y2 + vt[5]];
    const box = {
      x: Math.min(p1[0], p2[0]),
      y: Math.min(p1[1], p2[1]),
      w: Math.abs(p2[0] - p1[0]),
      h: Math.abs(p2[1] - p1[1]),
    };
    if (l.url) return { ...box, url: l.url };
    return { ...box, destPage: l.destPage, destUserX: l.destUserX, destUserY: l.destUserY };
  });
}
