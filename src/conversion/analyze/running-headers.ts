/**
 * Running headers, footers and page numbers, found by repetition across pages: a line near the top or bottom
 * edge whose text (digits masked) recurs on several pages, a bare page number, or a line sitting in the same
 * header/footer slot (position, font, size; for a page's outermost line position and size) as lines already
 * recognised as running text, or a line with a part (split at a wide gap or a separator) that recurs that way.
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

/**
 * The same slot whatever the font: books set the chapter title in one running head and the section title in
 * another font ("Chapter 2. Using SystemTap" in bold on even pages, "Initial Testing" in regular on odd
 * pages, at the same height). Only a page's outermost line is matched this loosely.
 */
function edgeSlotKey(zone: Zone, line: Line): string {
  return `${zone}|${Math.round(line.box.y / 3)}|${Math.round(line.size)}`;
}

function isOutermost(zone: Zone, line: Line, byY: readonly Line[]): boolean {
  return zone === 'top' ? byY[0] === line : byY[byY.length - 1] === line;
}

/**
 * Whether lines sharing a masked pattern are running text rather than look-alike headings ("5.4.4 External
 * links", "5.5.8 External links" at the top of different pages): running text either repeats word for word
 * on several pages ("Chapter 3. Syntax") or carries a number that follows the page ("Manual 25 / 278").
 * A pattern with neither a letter nor a digit (a lone bullet) never is.
 */
function isRunningPattern(masked: string, occurrences: Array<{ page: number; text: string }>): boolean {
  if (!/[\p{L}#]/u.test(masked)) return false;
  if (!masked.includes('#')) return true;
  const pagesByText = new Map<string, Set<number>>();
  const offsets = new Map<number, Set<number>>();
  for (const { page, text } of occurrences) {
    const exact = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
    const set = pagesByText.get(exact) ?? new Set<number>();
    set.add(page);
    pagesByText.set(exact, set);
    for (const m of text.matchAll(/\d+/g)) {
      const offset = Number(m[0]) - page;
      const on = offsets.get(offset) ?? new Set<number>();
      on.add(page);
      offsets.set(offset, on);
    }
  }
  if ([...pagesByText.values()].some((set) => set.size >= 2)) return true;
  const pages = new Set(occurrences.map((o) => o.page)).size;
  return [...offsets.values()].some((set) => set.size >= Math.max(2, 0.8 * pages));
}

/**
 * The only lines of a page markRunningText can mark or look at besides the body-line counts: the
 * EDGE_LINES + 1 topmost and bottommost (the edge candidates and the body line next to them), with their
 * indexes in `lines`. Marking these alone, given the book's countBodyLines, marks exactly what marking the whole
 * page would, so a long book need not keep every line in memory for it.
 */
export function runningTextLines(lines: Line[]): { lines: Line[]; indexes: number[] } {
  const keep = EDGE_LINES + 1;
  if (lines.length <= 2 * keep) return { lines, indexes: lines.map((_, i) => i) };
  const order = lines.map((_, i) => i).sort((a, b) => lines[a].box.y - lines[b].box.y);
  const indexes = [...order.slice(0, keep), ...order.slice(-keep)].sort((a, b) => a - b);
  return { lines: indexes.map((i) => lines[i]), indexes };
}

/** A gap between two spans of a line wider than this many times its size splits it into parts. */
const WIDE_GAP = 2;
const PART_SEPARATOR_RE = /\s*[|·•]\s*|\s[—–]\s/u;
/** Running heads hold two or three parts (left, centre, right); a line split into more is a table row. */
const MAX_PARTS = 3;

/**
 * The parts of a line set apart by a wide gap or a separator ("1.2. Learning        Regression",
 * "Chapter 3 | Syntax"); only parts with a letter. A line in one piece has a single part.
 */
export function splitParts(line: Line): string[] {
  const pieces: string[] = [];
  let current = '';
  let lastEnd: number | undefined;
  for (const span of line.spans) {
    if (lastEnd !== undefined && span.box.x - lastEnd > WIDE_GAP * line.size) {
      pieces.push(current);
      current = '';
    }
    current += span.text;
    lastEnd = span.box.x + span.box.w;
  }
  pieces.push(line.spans.length > 0 ? current : line.text);
  return pieces
    .flatMap((piece) => piece.split(PART_SEPARATOR_RE))
    .map((part) => part.trim())
    .filter((part) => /\p{L}/u.test(part));
}

/** Running text is at most this long (masked); longer edge lines are never taken for it. */
const MAX_RUNNING_TEXT = 160;

/**
 * Counts, into `counts`, the page's lines away from its edges by masked text (short ones only: the only ones a
 * running header could match). A line the book prints in its body as often as at page tops or bottoms
 * ("Syntax:", "Example:" that happen to end a page) is body text, not a running header or footer. Pages can
 * be counted one at a time, as they are laid out.
 */
export function countBodyLines(page: PageLines, counts: Map<string, number>): void {
  const edge = new Set(edgeCandidates(page).map((c) => c.line));
  for (const line of page.lines) {
    if (edge.has(line)) continue;
    const m = maskText(line.text);
    if (m.length <= MAX_RUNNING_TEXT) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
}

function countAllBodyLines(pages: PageLines[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const page of pages) countBodyLines(page, counts);
  return counts;
}

/** Masked edge texts by zone, with the pages they sit on, to tell running text by repetition. */
class EdgeTexts {
  private readonly pages = new Map<string, Set<number>>();
  private readonly occurrences = new Map<string, Array<{ page: number; text: string }>>();
  private readonly running = new Map<string, boolean>();

  add(zone: Zone, masked: string, page: number, text: string): void {
    const key = `${zone}|${masked}`;
    let set = this.pages.get(key);
    if (!set) this.pages.set(key, (set = new Set()));
    set.add(page);
    const occ = this.occurrences.get(key) ?? [];
    occ.push({ page, text });
    this.occurrences.set(key, occ);
  }

  /** On `threshold` pages or more, more often at the edge than in the body, and a running pattern. */
  isRunning(zone: Zone, masked: string, threshold: number, bodyCounts: ReadonlyMap<string, number>): boolean {
    const key = `${zone}|${masked}`;
    let r = this.running.get(key);
    if (r === undefined) {
      const atEdge = this.pages.get(key)?.size ?? 0;
      r =
        atEdge >= threshold &&
        (bodyCounts.get(masked) ?? 0) < atEdge &&
        isRunningPattern(masked, this.occurrences.get(key) ?? []);
      this.running.set(key, r);
    }
    return r;
  }
}

/**
 * Edge lines that may be a running head with a fixed and a varying part ("1.2. Learning … Regression" on one
 * page, "1.4. Regularisation … Regression" on the next): the page's outermost line, split into two or three
 * parts, standing apart from the body (a gap of more than 0.6 of its size to the next line that is not a
 * bare page number) and set no larger than that line. With their parts.
 */
function splitHeadCandidates(
  page: PageLines,
  cands: ReadonlyArray<{ line: Line; zone: Zone }>,
): Array<[{ line: Line; zone: Zone }, string[]]> {
  const byY = [...page.lines].sort((a, b) => a.box.y - b.box.y);
  const out: Array<[{ line: Line; zone: Zone }, string[]]> = [];
  for (const cand of cands) {
    const { line, zone } = cand;
    if (!isOutermost(zone, line, byY)) continue;
    const parts = splitParts(line);
    if (parts.length < 2 || parts.length > MAX_PARTS) continue;
    const rest = (zone === 'top' ? byY.slice(1) : byY.slice(0, -1).reverse()).filter(
      (l) => !isPageNumberText(l.text),
    );
    const next = rest[0];
    const gap = !next
      ? Infinity
      : zone === 'top'
        ? next.box.y - (line.box.y + line.box.h)
        : line.box.y - (next.box.y + next.box.h);
    // A title set larger than the text below it is a heading ("Lesson 3      Summary"), not a running head.
    if (gap > 0.6 * line.size && (!next || line.size <= 1.05 * next.size)) out.push([cand, parts]);
  }
  return out;
}

/**
 * Marks artifact lines in place; returns the masked patterns recognised as running text. `inBody`: the
 * countBodyLines of every page, when `pages` hold only each page's runningTextLines.
 */
export function markRunningText(pages: PageLines[], inBody?: ReadonlyMap<string, number>): string[] {
  const n = pages.length;
  const threshold = n >= 6 ? 3 : 2;
  const whole = new EdgeTexts();
  const parts = new EdgeTexts();
  const candidates = pages.map((p) => edgeCandidates(p));
  const splitHeads = pages.map((p, i) => splitHeadCandidates(p, candidates[i]));
  candidates.forEach((cands, i) => {
    for (const { line, zone } of cands) whole.add(zone, maskText(line.text), i, line.text);
    for (const [{ zone }, texts] of splitHeads[i]) {
      for (const text of texts) parts.add(zone, maskText(text), i, text);
    }
  });
  const bodyCounts = inBody ?? countAllBodyLines(pages);
  const isRunning = (zone: Zone, masked: string): boolean =>
    whole.isRunning(zone, masked, threshold, bodyCounts);
  const runningPart = (zone: Zone, texts: readonly string[]): string | undefined =>
    texts.map(maskText).find((part) => parts.isRunning(zone, part, threshold, bodyCounts));
  const patterns = new Set<string>();
  const slotCounts = new Map<string, number>();
  candidates.forEach((cands, i) => {
    for (const { line, zone } of cands) {
      const masked = maskText(line.text);
      if (isPageNumberText(line.text)) {
        line.artifact = 'page_number';
      } else if (n >= 2 && masked.length <= MAX_RUNNING_TEXT && isRunning(zone, masked)) {
        line.artifact = zone === 'top' ? 'header' : 'footer';
        patterns.add(masked);
      } else {
        const split = splitHeads[i].find(([c]) => c.line === line);
        const part = split && runningPart(zone, split[1]);
        if (part) {
          line.artifact = zone === 'top' ? 'header' : 'footer';
          patterns.add(part);
        }
      }
      if (!line.artifact) continue;
      for (const key of [slotKey(zone, line), edgeSlotKey(zone, line)]) {
        slotCounts.set(key, (slotCounts.get(key) ?? 0) + 1);
      }
    }
  });
  // Lines in a slot that running text occupies on several pages (e.g. chapter titles in the header) are
  // running text too, provided they stand apart from the body.
  const slotThreshold = Math.max(threshold, Math.ceil(0.1 * n));
  pages.forEach((page, i) => {
    const byY = [...page.lines].sort((a, b) => a.box.y - b.box.y);
    for (const { line, zone } of candidates[i]) {
      if (line.artifact) continue;
      const inSlot =
        (slotCounts.get(slotKey(zone, line)) ?? 0) >= slotThreshold ||
        (isOutermost(zone, line, byY) && (slotCounts.get(edgeSlotKey(zone, line)) ?? 0) >= slotThreshold);
      if (!inSlot || line.text.length > 160) continue;
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
  markLoosePageNumbers(pages, threshold);
  return [...patterns];
}

/**
 * Page numbers set farther from the edge than EDGE_FRACTION (a tall bottom margin): a bare number that is
 * the first or last line of its page and follows the page index like the same kind of number on other pages.
 */
function markLoosePageNumbers(pages: PageLines[], threshold: number): void {
  const byOffset = new Map<number, Line[]>();
  pages.forEach((page, i) => {
    const body = page.lines.filter((l) => !l.artifact);
    if (body.length === 0) return;
    const byY = [...body].sort((a, b) => a.box.y - b.box.y);
    for (const line of new Set([byY[0], byY[byY.length - 1]])) {
      const t = line.text.trim();
      if (!/^\d{1,4}$/.test(t)) continue;
      const offset = Number(t) - i;
      const list = byOffset.get(offset) ?? [];
      list.push(line);
      byOffset.set(offset, list);
    }
  });
  for (const lines of byOffset.values()) {
    if (lines.length < threshold) continue;
    for (const l of lines) l.artifact = 'page_number';
  }
}
