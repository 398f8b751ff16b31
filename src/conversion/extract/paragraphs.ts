/**
 * Lines in reading order → groups (paragraph, heading, code, list item, footnote, figure). Paragraphs are
 * joined across line, column and page breaks while the sentence goes on; running headers, footers and page
 * numbers were marked by analyze and are skipped; footnotes and figures met while a paragraph is still open
 * wait until it closes.
 */
import type { FontStatistics, ImageRef, Line, PageLayout } from '../model/layout';
import { BULLET_RE, CAPTION_RE, ORDERED_RE, classifyLine, type LineKind } from './classify';

export type GroupKind = 'para' | 'heading' | 'code' | 'footnote' | 'list' | 'figure' | 'figtext';

export interface GroupLine {
  line: Line;
  page: number;
}

export interface Group {
  kind: GroupKind;
  lines: GroupLine[];
  page: number;
  y: number;
  image?: ImageRef;
}

const TERMINAL_RE = /(?:[.!?:…]["”’»)\]]*|(?:\.\s?){3,}\s*[\divxlc]+)$/iu;
/** A line ending in a word cut by a hyphen. */
const CUT_WORD_RE = /\p{L}[-‐\u00AD]$/u;

export interface PageMetrics {
  left: number[];
  right: number[];
  /** Most lines start at the column's left edge (false for centred or ragged-left text). */
  leftAligned: boolean[];
}

/** A gap of more than 1.5 em between two words of a line: cells of a table or a term and its description. */
export function hasWideGap(line: Line): boolean {
  for (let i = 1; i < line.spans.length; i++) {
    const a = line.spans[i - 1].box;
    if (line.spans[i].box.x - (a.x + a.w) > 1.5 * line.size) return true;
  }
  return false;
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  let best = values[0] ?? 0;
  let bestN = 0;
  for (const v of values) {
    const k = Math.round(v);
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    if (n > bestN || (n === bestN && k < best)) {
      best = k;
      bestN = n;
    }
  }
  return best;
}

export function pageMetrics(page: PageLayout): PageMetrics {
  const left: number[] = [];
  const right: number[] = [];
  const leftAligned: boolean[] = [];
  for (let c = 0; c < Math.max(1, page.columns); c++) {
    const lines = page.lines.filter((l) => !l.artifact && l.column === c && !l.monospace);
    if (lines.length === 0) {
      left.push(0);
      right.push(page.width);
      leftAligned.push(true);
      continue;
    }
    const l0 = mode(lines.map((l) => l.box.x));
    left.push(l0);
    const rights = lines.map((l) => l.box.x + l.box.w).sort((a, b) => a - b);
    right.push(rights[Math.floor(0.9 * (rights.length - 1))]);
    const atLeft = lines.filter((l) => Math.abs(l.box.x - l0) < 1.5).length;
    leftAligned.push(lines.length < 4 || atLeft >= 0.4 * lines.length);
  }
  return { left, right, leftAligned };
}

/** Typical distance between the tops of two consecutive body lines. */
export function bodyLineSpacing(pages: PageLayout[], stats: FontStatistics): number {
  const deltas: number[] = [];
  for (const p of pages) {
    let prev: Line | null = null;
    for (const l of p.lines) {
      if (l.artifact) continue;
      if (
        prev &&
        prev.column === l.column &&
        Math.abs(l.size - stats.bodySize) < 0.6 &&
        Math.abs(prev.size - stats.bodySize) < 0.6
      ) {
        const d = l.box.y - prev.box.y;
        if (d > 0.8 * l.size && d < 2.2 * l.size) deltas.push(d);
      }
      prev = l;
      if (deltas.length > 20000) break;
    }
  }
  if (deltas.length === 0) return stats.bodySize * 1.2;
  deltas.sort((a, b) => a - b);
  return deltas[Math.floor(deltas.length / 2)];
}

function startsList(text: string): boolean {
  return BULLET_RE.test(text) || ORDERED_RE.test(text);
}

export interface GroupingInput {
  pages: PageLayout[];
  stats: FontStatistics;
  lineSpacing: number;
  /** Images to show as figures (already filtered), by page index. */
  figures: Map<number, ImageRef[]>;
}

interface Item {
  line?: Line;
  image?: ImageRef;
  page: PageLayout;
  kind: LineKind | 'figure' | 'figtext';
  /** Index of the figure region holding a label line. */
  region?: number;
}

/**
 * Decorative rules set in a dingbat font read as letters: "kikikikiki", "~~~~~~", "* * * *". Not a line in a
 * monospace font: a rule of dashes in a program's output or a hexdump's "00000010" is content.
 */
const ORNAMENT_RE = /^(.{1,3}?)\1{3,}.{0,3}$/u;

export function isOrnament(line: Pick<Line, 'text' | 'monospace'>): boolean {
  if (line.monospace) return false;
  const t = line.text.replace(/\s+/g, '');
  return t.length >= 6 && ORNAMENT_RE.test(t);
}

function inside(
  b: { x: number; y: number; w: number; h: number },
  r: { x: number; y: number; w: number; h: number },
) {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  return cx >= r.x - 2 && cx <= r.x + r.w + 2 && cy >= r.y - 2 && cy <= r.y + r.h + 2;
}

/** Which lines are labels of a diagram: short lines inside a figure region whose lines are all short. */
function labelRegions(page: PageLayout, lines: Line[]): Map<Line, number> {
  const out = new Map<Line, number>();
  (page.figureRegions ?? []).forEach((r, ri) => {
    const inRegion = lines.filter((l) => inside(l.box, r));
    if (inRegion.length === 0) return;
    const mean = inRegion.reduce((a, l) => a + l.text.length, 0) / inRegion.length;
    if (mean > 40) return;
    for (const l of inRegion) if (l.text.length <= 60 && !CAPTION_RE.test(l.text)) out.set(l, ri);
  });
  return out;
}

function pageItems(page: PageLayout, input: GroupingInput): Item[] {
  const lines = page.lines.filter((l) => !l.artifact && !isOrnament(l));
  const labels = labelRegions(page, lines);
  // Labels of a diagram whose shapes were not found (no figure region): three or more short lines in a
  // type far smaller than the body's stay out of the paragraph flow, like labels inside a region.
  const tiny = lines.filter(
    (l) =>
      !labels.has(l) &&
      l.size < 0.6 * input.stats.bodySize &&
      l.text.length <= 40 &&
      !CAPTION_RE.test(l.text),
  );
  if (tiny.length >= 3) for (const l of tiny) labels.set(l, -1);
  const items: Item[] = lines.map((line) => {
    const region = labels.get(line);
    if (region !== undefined) return { line, page, kind: 'figtext', region };
    return { line, page, kind: classifyLine(line, { stats: input.stats, page }) };
  });
  const figures = input.figures.get(page.index) ?? [];
  for (const image of figures) {
    const col =
      page.columns > 1 && image.box.x + image.box.w / 2 > page.width / 2 && image.box.w < page.width / 2
        ? 1
        : 0;
    const spanning = page.columns > 1 && image.box.w >= page.width / 2;
    let at = items.findIndex(
      (it) =>
        it.line && (spanning || it.line.column === col) && it.line.box.y >= image.box.y + image.box.h / 2,
    );
    if (at < 0) at = items.length;
    items.splice(at, 0, { image, page, kind: 'figure' });
  }
  return items;
}

/**
 * A line that is mostly inline code can still be prose: a list item whose bullet is set in the text font
 * ("• hyperref redefines \@xfootnotenext, …"), or the next line of an unfinished sentence when it opens with a
 * lowercase word in the text font, with the rest of a word the line above cut with a hyphen ("… requires dst
 * to be ex-" / "panded using asn1_create_element()."; "… set in hyper-" / "ref.cfg:"), or ends in a cut word.
 */
function proseWithCode(
  kind: LineKind,
  line: Line,
  cur: Group | null,
  samePlace: boolean,
  input: GroupingInput,
): boolean {
  if (kind !== 'code') return false;
  const first = line.spans.find((s) => s.text.trim());
  if (!first) return false;
  const firstMono = input.stats.monospaceFontIds.includes(first.fontId);
  if (!firstMono && BULLET_RE.test(first.text.trimStart())) return true;
  if (!samePlace || !cur || (cur.kind !== 'para' && cur.kind !== 'list')) return false;
  const last = cur.lines[cur.lines.length - 1].line;
  const cut = /\p{L}[-‐\u00AD]$/u.test(last.text);
  // A line of code never ends in a word cut by a hyphen ("(LSP) (https://…), including func-").
  const cuts = /\p{Ll}{2}[-‐\u00AD]$/u.test(line.text);
  if (!cut && !cuts && (firstMono || !/^\p{Ll}/u.test(first.text.trimStart()))) return false;
  const gap = line.box.y - last.box.y;
  return !TERMINAL_RE.test(last.text) && gap > 0 && gap < 1.45 * Math.max(input.lineSpacing, last.size);
}

export function groupLines(input: GroupingInput): Group[] {
  const groups: Group[] = [];
  const deferred: Group[] = [];
  let open: Group | null = null;
  let prevItem: Item | null = null;
  let metrics: PageMetrics | null = null;
  let metricsPage = -1;
  let lastFootnote: Group | null = null;
  const figtext = new Map<string, Group>();
  let side: Group | null = null;
  const spacing = input.lineSpacing;

  const close = () => {
    if (open) groups.push(open);
    open = null;
    if (deferred.length) {
      groups.push(...deferred);
      deferred.length = 0;
    }
  };
  const start = (kind: GroupKind, line: Line, page: number): Group => {
    const g: Group = { kind, lines: [{ line, page }], page, y: line.box.y };
    return g;
  };

  for (const page of input.pages) {
    if (metricsPage !== page.index) {
      metrics = pageMetrics(page);
      metricsPage = page.index;
    }
    const m = metrics as PageMetrics;
    for (const item of pageItems(page, input)) {
      if (item.kind === 'figure' && item.image) {
        const fig: Group = {
          kind: 'figure',
          lines: [],
          page: page.index,
          y: item.image.box.y,
          image: item.image,
        };
        const cur = open as Group | null;
        if (cur && cur.kind === 'para' && cur.lines[cur.lines.length - 1].page !== page.index)
          deferred.push(fig);
        else if (cur && cur.kind === 'para' && !TERMINAL_RE.test(cur.lines[cur.lines.length - 1].line.text))
          deferred.push(fig);
        else {
          close();
          groups.push(fig);
        }
        continue;
      }
      const line = item.line as Line;
      if (item.kind === 'figtext') {
        // A diagram's labels: one block per figure region, kept out of the paragraph flow.
        const key = `${page.index}:${item.region}`;
        let g = figtext.get(key);
        if (!g) {
          g = { kind: 'figtext', lines: [], page: page.index, y: line.box.y };
          figtext.set(key, g);
          const cur = open as Group | null;
          if (cur && (cur.kind === 'para' || cur.kind === 'list')) deferred.push(g);
          else {
            close();
            groups.push(g);
          }
        }
        g.lines.push({ line, page: page.index });
        continue;
      }
      if (prevItem?.page !== page) lastFootnote = null;
      const prev = prevItem?.line ?? null;
      const samePlace = prev !== null && prevItem?.page === page && prev.column === line.column;
      const cur = open as Group | null;
      const kind = proseWithCode(item.kind as LineKind, line, cur, samePlace, input)
        ? 'body'
        : (item.kind as LineKind);

      const footnoteGoesOn =
        lastFootnote !== null && kind === 'body' && samePlace && line.size < input.stats.bodySize * 0.92;
      if (kind === 'footnote' || footnoteGoesOn) {
        if (kind === 'footnote') {
          const fn = start('footnote', line, page.index);
          if (cur && (cur.kind === 'para' || cur.kind === 'list')) {
            deferred.push(fn);
          } else {
            close();
            open = fn;
          }
          // Footnotes are their own flow: keep a handle on the latest for continuation lines.
          lastFootnote = fn;
        } else if (lastFootnote) {
          lastFootnote.lines.push({ line, page: page.index });
        }
        prevItem = item;
        continue;
      }
      lastFootnote = null;

      if (kind === 'code') {
        // Code in another column or page than an unfinished paragraph is a display (a listing beside the
        // text): it waits until the paragraph is done.
        if (side && side.kind === 'code' && samePlace && line.box.y - prev!.box.y < 3 * spacing) {
          side.lines.push({ line, page: page.index });
          prevItem = item;
          continue;
        }
        const openLast =
          cur && (cur.kind === 'para' || cur.kind === 'list') ? cur.lines[cur.lines.length - 1] : null;
        if (
          openLast &&
          !TERMINAL_RE.test(openLast.line.text) &&
          (openLast.page !== page.index || openLast.line.column !== line.column)
        ) {
          side = start('code', line, page.index);
          deferred.push(side);
          prevItem = item;
          continue;
        }
        side = null;
        // A numbered title set in monospace ("6.3.5 \DeclareDefaultOption") after a listing starts a block of
        // its own when it is larger than the listing or stands out to its left.
        const numberedTitle =
          /^\d+(?:\.\d+)+\.?\s+\S/.test(line.text) &&
          prev !== null &&
          (line.size > 1.05 * prev.size || line.box.x < prev.box.x - line.size);
        if (
          cur &&
          cur.kind === 'code' &&
          samePlace &&
          line.box.y - prev!.box.y < 3 * spacing &&
          !numberedTitle
        ) {
          cur.lines.push({ line, page: page.index });
        } else {
          close();
          open = start('code', line, page.index);
        }
        prevItem = item;
        continue;
      }

      if (kind === 'heading') {
        if (
          cur &&
          cur.kind === 'heading' &&
          samePlace &&
          Math.abs(prev!.size - line.size) < 0.5 &&
          line.box.y - prev!.box.y < 2.2 * line.size
        ) {
          cur.lines.push({ line, page: page.index });
        } else {
          close();
          open = start('heading', line, page.index);
        }
        prevItem = item;
        continue;
      }

      // Body text.
      const text = line.text;
      const col = Math.min(line.column, m.left.length - 1);
      const left = m.left[col];
      const right = m.right[col];
      const isListStart = startsList(text);
      const isCaption = CAPTION_RE.test(text);
      // A caption met while a sentence is still open (the figure sits between two parts of a paragraph)
      // is set aside with its lines until the paragraph goes on.
      if (side && side.kind === 'code') side = null;
      if (side) {
        const sideLast = side.lines[side.lines.length - 1].line;
        const gap = line.box.y - sideLast.box.y;
        const sideShort = sideLast.box.x + sideLast.box.w < right - 2.5 * line.size;
        if (
          samePlace &&
          gap > 0 &&
          gap < 1.45 * Math.max(spacing, sideLast.size) &&
          !(sideShort && TERMINAL_RE.test(sideLast.text)) &&
          !isCaption
        ) {
          side.lines.push({ line, page: page.index });
          prevItem = item;
          continue;
        }
        side = null;
      }
      if (
        isCaption &&
        cur &&
        (cur.kind === 'para' || cur.kind === 'list') &&
        !TERMINAL_RE.test(cur.lines[cur.lines.length - 1].line.text)
      ) {
        side = start('para', line, page.index);
        deferred.push(side);
        prevItem = item;
        continue;
      }
      let continues = false;
      if (cur && (cur.kind === 'para' || cur.kind === 'list')) {
        const last = cur.lines[cur.lines.length - 1];
        const lastLine = last.line;
        const lastText = lastLine.text;
        if (isListStart || isCaption) continues = false;
        else if (
          last.page === page.index &&
          lastLine.column === line.column &&
          line.box.y > lastLine.box.y - 1
        ) {
          const gap = line.box.y - lastLine.box.y;
          const lower = /^[\p{Ll}]/u.test(text);
          const aligned = m.leftAligned[col];
          // First-line indents mark paragraphs only in left-aligned text, and never before a lowercase word nor
          // after a word cut by a hyphen (its rest can be in capitals: "ARITHMETIC EVALUA-" / "TION above)").
          const indented =
            aligned &&
            !lower &&
            !CUT_WORD_RE.test(lastText) &&
            line.box.x - left > 0.9 * line.size &&
            lastLine.box.x - left < 0.5 * line.size;
          const lastShort = aligned
            ? lastLine.box.x + lastLine.box.w < right - 2.5 * line.size
            : lastLine.box.w < right - left - 4 * line.size;
          const sizeJump = Math.abs(line.size - lastLine.size) > 0.15 * lastLine.size;
          // A list item whose first line ends with a colon goes on in the next line hung under its text
          // ('3. A warning occurs, like "Warning: Actions not found:' / 'ModeOpenCompound"'); after a longer
          // item, a colon more often announces a block of its own ("Example:"), and a line opening with a
          // symbol is a sub-item whose marker the list patterns miss ("∗ Click on ...").
          const hungAfterColon =
            cur.kind === 'list' &&
            cur.lines.length === 1 &&
            /:$/.test(lastText) &&
            /^[\p{L}\p{N}]/u.test(text) &&
            line.box.x > cur.lines[0].line.box.x + 0.3 * line.size;
          // A sentence that goes on (no full stop, next word in lowercase) is the same paragraph, even past
          // a display formula or a larger gap.
          const sentenceGoesOn =
            lower &&
            !TERMINAL_RE.test(lastText) &&
            !hasWideGap(line) &&
            gap > 0 &&
            gap < 3 * Math.max(spacing, lastLine.size);
          continues =
            sentenceGoesOn ||
            (gap > 0 &&
              gap < 1.45 * Math.max(spacing, lastLine.size) &&
              !sizeJump &&
              !(indented && cur.kind === 'para') &&
              !(lastShort && TERMINAL_RE.test(lastText) && !hungAfterColon));
          if (cur.kind === 'list' && continues) {
            // A list item's wrapped lines hang under its text, not at its marker.
            continues = line.box.x > cur.lines[0].line.box.x + 0.3 * line.size || !TERMINAL_RE.test(lastText);
          }
        } else {
          // New column or page: go on while the sentence does.
          const sizeOk = Math.abs(line.size - lastLine.size) <= 0.15 * lastLine.size;
          const indented = m.leftAligned[col] && line.box.x - left > 0.9 * line.size;
          const lower = /^[\p{Ll}]/u.test(text);
          // A short bold line after text in regular weight opens the new page or column with a title set at
          // body size ("Other new features"), not with the rest of the sentence.
          const boldTitle =
            line.bold &&
            !lastLine.bold &&
            !lower &&
            !TERMINAL_RE.test(text) &&
            line.box.x + line.box.w < right - 2.5 * line.size;
          continues = sizeOk && !TERMINAL_RE.test(lastText) && (lower || !indented) && !boldTitle;
        }
      }
      if (continues && cur) {
        cur.lines.push({ line, page: page.index });
      } else {
        close();
        open = start(isListStart ? 'list' : 'para', line, page.index);
      }
      prevItem = item;
    }
  }
  close();
  return groups;
}
