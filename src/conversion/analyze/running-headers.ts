/**
 * Running headers, footers and page numbers, found by repetition across pages: a line near the top or bottom
 * edge whose text (digits masked) recurs on several pages, a bare page number, or a line sitting in the same
 * header/footer slot (position, font, size) as lines already recognised as running text.
 */
import type { Line } from '../model/layout';

export interface PageLines {
  height: number;
  lines: Line[];
}

/** Lowercased, whitespace-collapsed, every digit run → "#". */
export function maskText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/\d+/g, '#');
}

const PAGE_NUMBER_RE =
  /^(?:(?:page|p\.|seite|página|pagina)\s*)?(?:[-–—([]\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*[-–—)\]])?(?:\s*(?:of|\/|von|de)\s*\d{1,4})?$/i;

export function isPageNumberText(text: string): boolean {
  return PAGE_NUMBER_RE.test(text.trim());
}

type Zone = 'top' | 'bottom';

const EDGE_LINES = 3;
const EDGE_FRACTION = 0.14;

function edgeCandidates(page: PageLines): Array<{ line: Line; zone: Zone }> {
  const out: Array<{ line: Line; zone: Zone }> = [];
  const byY = [...page.lines].sort((a, b) => a.box.y - b.box.y);
  const h = page.height;
  for (const line of byY.slice(0, EDGE_LINES)) {
    if (line.box.y + line.box.h <= EDGE_FRACTION * h) out.push({ line, zone: 'top' });
  }
  for (const line of byY.slice(-EDGE_LINES)) {
    if (line.box.y >= (1 - EDGE_FRACTION) * h && !out.some((c) => c.line === line))
      out.push({ line, zone: 'bottom' });
  }
  return out;
}

function slotKey(zone: Zone, line: Line): string {
  return `${zone}|${Math.round(line.box.y / 3)}|${line.fontId}|${Math.round(line.size)}`;
}

/** Marks artifact lines in place; returns the masked patterns recognised as running text. */
export function markRunningText(pages: PageLines[]): string[] {
  const n = pages.length;
  const threshold = n >= 6 ? 3 : 2;
  const textCounts = new Map<string, Set<number>>();
  const candidates = pages.map((p) => edgeCandidates(p));
  candidates.forEach((cands, i) => {
    for (const { line, zone } of cands) {
      const key = `${zone}|${maskText(line.text)}`;
      let set = textCounts.get(key);
      if (!set) textCounts.set(key, (set = new Set()));
      set.add(i);
    }
  });
  const patterns = new Set<string>();
  const slotCounts = new Map<string, number>();
  candidates.forEach((cands) => {
    for (const { line, zone } of cands) {
      const masked = maskText(line.text);
      if (isPageNumberText(line.text)) {
        line.artifact = 'page_number';
      } else if (
        n >= 2 &&
        (textCounts.get(`${zone}|${masked}`)?.size ?? 0) >= threshold &&
        masked.length <= 160
      ) {
        line.artifact = zone === 'top' ? 'header' : 'footer';
        patterns.add(masked);
      }
      if (line.artifact) slotCounts.set(slotKey(zone, line), (slotCounts.get(slotKey(zone, line)) ?? 0) + 1);
    }
  });
  // Lines in a slot that running text occupies on several pages (e.g. chapter titles in the header) are
  // running text too, provided they stand apart from the body.
  const slotThreshold = Math.max(threshold, Math.ceil(0.1 * n));
  pages.forEach((page, i) => {
    const byY = [...page.lines].sort((a, b) => a.box.y - b.box.y);
    for (const { line, zone } of candidates[i]) {
      if (line.artifact) continue;
      if ((slotCounts.get(slotKey(zone, line)) ?? 0) < slotThreshold) continue;
      if (line.text.length > 160) continue;
      const idx = byY.indexOf(line);
      const neighbour =
        zone === 'top'
          ? byY.slice(idx + 1).find((l) => !l.artifact)
          : byY
              .slice(0, idx)
              .reverse()
              .find((l) => !l.artifact);
      const gap = neighbour
        ? zone === 'top'
          ? neighbour.box.y - (line.box.y + line.box.h)
          : line.box.y - (neighbour.box.y + neighbour.box.h)
        : Infinity;
      if (gap > 0.6 * line.size) line.artifact = zone === 'top' ? 'header' : 'footer';
    }
  });
  return [...patterns];
}
