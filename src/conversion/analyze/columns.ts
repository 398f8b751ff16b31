/**
 * Column detection and reading order. A page has two columns when a vertical gutter separates enough lines
 * side by side; lines that cross the gutter (titles, full-width figures' captions) split the page into bands,
 * read top to bottom, each band left column first.
 */
import type { Line } from '../model/layout';
import { unionBox } from './lines';

export interface OrderedPage {
  lines: Line[];
  columns: number;
}

interface Gutter {
  x0: number;
  x1: number;
}

const MIN_LINES_PER_COLUMN = 4;

function findGutter(lines: Line[]): Gutter | null {
  if (lines.length < 2 * MIN_LINES_PER_COLUMN) return null;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const l of lines) {
    minX = Math.min(minX, l.box.x);
    maxX = Math.max(maxX, l.box.x + l.box.w);
  }
  const width = maxX - minX;
  if (width < 150) return null;
  // Coverage histogram over 1pt bins: how many column-sized lines cover each x. Lines wider than a column
  // (titles, abstracts, full-width figures' captions) would hide the gutter: they become band separators.
  const n = Math.ceil(width) + 1;
  const cover = new Int32Array(n);
  const narrow = lines.filter((l) => l.box.w < 0.56 * width);
  if (narrow.length < 2 * MIN_LINES_PER_COLUMN) return null;
  for (const l of narrow) {
    const a = Math.max(0, Math.floor(l.box.x - minX));
    const b = Math.min(n - 1, Math.ceil(l.box.x + l.box.w - minX));
    cover[a] += 1;
    if (b + 1 < n) cover[b + 1] -= 1;
  }
  for (let i = 1; i < n; i++) cover[i] += cover[i - 1];
  const lo = Math.floor(0.25 * width);
  const hi = Math.ceil(0.75 * width);
  // A gutter is a run of bins covered by far fewer lines than the columns around it (centred title-block
  // lines may cross it).
  const middle = Array.from(cover.subarray(lo, hi + 1)).sort((a, b) => a - b);
  const medianCover = middle[Math.floor(middle.length / 2)] ?? 0;
  const maxCross = Math.max(1, Math.floor(0.04 * narrow.length), Math.floor(0.25 * medianCover));
  // Low-coverage runs in the middle half of the text area, widest first: the first that splits the page into two
  // text columns is the gutter.
  const runs: Gutter[] = [];
  let runStart = -1;
  for (let i = lo; i <= hi + 1; i++) {
    const low = i <= hi && cover[i] <= maxCross;
    if (low && runStart < 0) runStart = i;
    if (!low && runStart >= 0) {
      if (i - 1 - runStart >= 6) runs.push({ x0: minX + runStart, x1: minX + i - 1 });
      runStart = -1;
    }
  }
  runs.sort((a, b) => b.x1 - b.x0 - (a.x1 - a.x0));
  return runs.find((g) => splitsIntoColumns(g, lines, narrow, minX, maxX)) ?? null;
}

/** A short number alone on its fragment: a page number, a line number, a list's number. */
function isBareNumber(l: Line): boolean {
  return /^\(?[0-9]{1,4}[.)]?$|^[ivxlc]{1,6}$/i.test(l.text.trim());
}

/**
 * Lines that start at the right column's left edge are text: when most of them are bare numbers, the gap is
 * the one between a column's titles or dot leaders and its right-aligned page numbers (a table of contents),
 * and the numbers belong to the column on the left.
 */
function rightColumnStartsWithNumbers(g: Gutter, right: Line[]): boolean {
  const atEdge = right.filter((l) => l.box.x < g.x1 + 3);
  const numbers = atEdge.filter(isBareNumber).length;
  return numbers >= MIN_LINES_PER_COLUMN && numbers > 0.5 * atEdge.length;
}

function splitsIntoColumns(best: Gutter, lines: Line[], narrow: Line[], minX: number, maxX: number): boolean {
  const mid = (best.x0 + best.x1) / 2;
  const left = narrow.filter((l) => l.box.x + l.box.w <= mid);
  const right = narrow.filter((l) => l.box.x >= mid);
  // Lines crossing the gutter must stay few against the lines it separates.
  const crossing = lines.filter((l) => l.box.x < best.x0 && l.box.x + l.box.w > best.x1).length;
  if (crossing > 0.35 * (left.length + right.length)) return false;
  if (left.length < MIN_LINES_PER_COLUMN || right.length < MIN_LINES_PER_COLUMN) return false;
  // The two sides must stand side by side, not one above the other.
  const lb = unionBox(left.map((l) => l.box));
  const rb = unionBox(right.map((l) => l.box));
  const overlap = Math.min(lb.y + lb.h, rb.y + rb.h) - Math.max(lb.y, rb.y);
  if (overlap < 0.3 * Math.min(lb.h, rb.h)) return false;
  // Both sides must look like text columns: a real column has lines of similar width filling it.
  const wide = (set: Line[], colW: number) => set.filter((l) => l.box.w > 0.5 * colW).length;
  const enough = (set: Line[]) => Math.max(MIN_LINES_PER_COLUMN, 0.15 * set.length);
  if (wide(left, mid - minX) < enough(left) || wide(right, maxX - mid) < enough(right)) return false;
  return !rightColumnStartsWithNumbers(best, right);
}

/** Merges fragments that share a row within one column back into one line (table cells, tabbed text). */
function mergeRow(frags: Line[]): Line[] {
  if (frags.length <= 1) return frags;
  const sorted = [...frags].sort((a, b) => a.box.x - b.box.x);
  const first = sorted[0];
  const spans = sorted.flatMap((f, i) =>
    f.spans.map((s, j) =>
      i < sorted.length - 1 && j === f.spans.length - 1 ? { ...s, text: s.text + ' ' } : s,
    ),
  );
  const byChars = [...sorted].sort((a, b) => b.text.length - a.text.length)[0];
  return [
    {
      ...byChars,
      text: sorted.map((f) => f.text).join(' '),
      box: unionBox(sorted.map((f) => f.box)),
      spans,
      bold: sorted.every((f) => f.bold),
      italic: sorted.every((f) => f.italic),
      monospace: sorted.every((f) => f.monospace),
      column: first.column,
    },
  ];
}

function byTop(a: Line, b: Line): number {
  return a.box.y - b.box.y || a.box.x - b.box.x;
}

export function orderPage(rows: Line[][]): OrderedPage {
  const all = rows.flat();
  const gutter = findGutter(all);
  if (!gutter) {
    const lines = rows.flatMap((r) => mergeRow(r));
    lines.sort(byTop);
    return { lines, columns: 1 };
  }
  const mid = (gutter.x0 + gutter.x1) / 2;
  // Bands separated by spanning lines.
  const out: Line[] = [];
  let left: Line[] = [];
  let right: Line[] = [];
  const flush = () => {
    out.push(...mergeRows(left).sort(byTop), ...mergeRows(right).sort(byTop));
    left = [];
    right = [];
  };
  const sortedRows = [...rows].sort((a, b) => a[0].box.y - b[0].box.y);
  for (const row of sortedRows) {
    const spanning = row.filter((l) => l.box.x < gutter.x0 - 1 && l.box.x + l.box.w > gutter.x1 + 1);
    if (spanning.length) {
      flush();
      for (const l of row) l.column = 0;
      out.push(...mergeRow(row));
      continue;
    }
    for (const l of row) {
      if (l.box.x + l.box.w / 2 < mid) {
        l.column = 0;
        left.push(l);
      } else {
        l.column = 1;
        right.push(l);
      }
    }
  }
  flush();
  return { lines: out, columns: 2 };
}

/** Groups lines of one column by row (same baseline) and merges each group. */
function mergeRows(lines: Line[]): Line[] {
  const sorted = [...lines].sort(byTop);
  const out: Line[] = [];
  let group: Line[] = [];
  for (const l of sorted) {
    const g = group[0];
    if (g && Math.abs(l.box.y + l.box.h - (g.box.y + g.box.h)) < 0.4 * Math.min(l.size, g.size)) {
      group.push(l);
    } else {
      if (group.length) out.push(...mergeRow(group));
      group = [l];
    }
  }
  if (group.length) out.push(...mergeRow(group));
  return out;
}
