/**
 * Spans → rows (same baseline) → line fragments (split at wide gaps, e.g. a column gutter).
 * Spaces are inferred from gaps; monospace runs keep their alignment (one space per character cell).
 */
import type { Box, FontInfo, Line, TextSpan } from '../model/layout';
import type { RawLink, RawSpan } from '../pdf/raw';
import { WORD_GAP_EM } from '../pdf/page-parse';
import { cleanText } from './text-clean';
import { composeRowAccents } from './accents';

/** A gap wider than this many ems splits a row into separate fragments (column gutters, table cells). */
export const FRAGMENT_GAP_EM = 1.6;

interface Row {
  base: number;
  top: number;
  bottom: number;
  size: number;
  spans: RawSpan[];
}

function overlapV(aTop: number, aBottom: number, bTop: number, bBottom: number): number {
  return Math.min(aBottom, bBottom) - Math.max(aTop, bTop);
}

/** Horizontal gap between two spans (negative when they overlap). */
function gapX(a: RawSpan, b: RawSpan): number {
  return Math.max(a.x - (b.x + b.w), b.x - (a.x + a.w));
}

/**
 * A script and the text it belongs to (or a limit and its big operator): close along the row and
 * overlapping in height. Words of two lines of small type set one under the other do not overlap in height.
 */
function besideSpan(s: RawSpan, t: RawSpan): boolean {
  const em = Math.min(s.size, t.size);
  return (
    gapX(s, t) < FRAGMENT_GAP_EM * em && overlapV(s.y, s.y + s.h, t.y, t.y + t.h) > 0.4 * Math.min(s.h, t.h)
  );
}

/**
 * Two rows of different sizes that overlap vertically are one line when the row with fewer spans sits beside
 * the other's text (superscripts, subscripts, a big operator), not over or under it; a row of another size across a gutter (an
 * index's letter heading in the next column, a label beside a column of small type) is not part of it.
 */
function scriptsOf(main: Row, other: Row): boolean {
  const ov = overlapV(other.top, other.bottom, main.top, main.bottom);
  const minH = Math.min(other.bottom - other.top, main.bottom - main.top);
  const scripted = Math.min(other.size, main.size) < 0.85 * Math.max(other.size, main.size);
  if (!scripted || ov <= 0.55 * minH) return false;
  const few = other.spans.length <= main.spans.length ? other : main;
  const many = few === other ? main : other;
  return few.spans.every((s) => many.spans.some((t) => besideSpan(s, t)));
}

function mergeInto(target: Row, from: Row): void {
  const chars = (r: Row) => r.spans.reduce((n, s) => n + s.text.length, 0);
  if (chars(from) > chars(target)) {
    target.size = from.size;
    target.base = from.base;
  }
  target.spans.push(...from.spans);
  target.top = Math.min(target.top, from.top);
  target.bottom = Math.max(target.bottom, from.bottom);
}

/** Joins rows of superscripts and subscripts (and big operators) to the row of text they sit beside. */
function joinScriptRows(rows: Row[]): Row[] {
  const out: Row[] = [];
  for (const r of rows) {
    let target: Row | null = null;
    let best = 0;
    for (let i = out.length - 1; i >= 0 && i >= out.length - 4; i--) {
      const o = out[i];
      if (r.base - o.base > Math.max(r.size, o.size)) break;
      const ov = overlapV(r.top, r.bottom, o.top, o.bottom);
      if (ov > best && scriptsOf(o, r)) {
        target = o;
        best = ov;
      }
    }
    if (target) mergeInto(target, r);
    else out.push(r);
  }
  return out;
}

/**
 * Groups spans sharing a baseline, then joins superscripts and subscripts to the row of text they sit beside
 * (see joinScriptRows).
 */
export function buildRows(spans: RawSpan[]): Row[] {
  const sorted = [...spans].sort((a, b) => a.base - b.base || a.x - b.x);
  const rows: Row[] = [];
  for (const s of sorted) {
    let best: Row | null = null;
    let bestOverlap = 0;
    for (let i = rows.length - 1; i >= 0 && i >= rows.length - 4; i--) {
      const r = rows[i];
      if (s.base - r.base > Math.max(r.size, s.size)) break;
      const ov = overlapV(s.y, s.y + s.h, r.top, r.bottom);
      const minH = Math.min(s.h, r.bottom - r.top);
      const sameBase = Math.abs(s.base - r.base) < 0.25 * Math.min(s.size, r.size);
      // A letter lowered or raised inside a word (the E of the TeX and LaTeX logos) touches its neighbours.
      const shifted =
        !sameBase &&
        ov > 0.6 * minH &&
        r.spans.some(
          (t) => Math.abs(s.x - (t.x + t.w)) < 0.3 * s.size || Math.abs(t.x - (s.x + s.w)) < 0.3 * s.size,
        );
      if ((sameBase || shifted) && ov > bestOverlap) {
        best = r;
        bestOverlap = ov;
      }
    }
    if (best) {
      best.spans.push(s);
      if (s.size > best.size * 1.05) {
        best.size = s.size;
        best.base = s.base;
      }
      best.top = Math.min(best.top, s.y);
      best.bottom = Math.max(best.bottom, s.y + s.h);
    } else {
      rows.push({ base: s.base, top: s.y, bottom: s.y + s.h, size: s.size, spans: [s] });
    }
  }
  const joined = joinScriptRows(rows);
  for (const r of joined) r.spans.sort((a, b) => a.x - b.x);
  return joined;
}

function charWidth(s: { text: string; w: number; size: number }): number {
  const n = [...s.text].length;
  return n > 0 && s.w > 0 ? s.w / n : 0.5 * s.size;
}

/** Spaces to put between two neighbouring spans on a row. */
export function gapSpaces(
  prev: RawSpan | TextSpan,
  next: RawSpan,
  monoPrev: boolean,
  monoNext: boolean,
): string {
  const prevRight = 'box' in prev ? prev.box.x + prev.box.w : prev.x + prev.w;
  const gap = next.x - prevRight;
  const size = Math.min(prev.size, next.size);
  if (monoPrev && monoNext) {
    const cw = charWidth(next);
    if (gap > 0.35 * cw) return ' '.repeat(Math.max(1, Math.min(60, Math.round(gap / cw))));
    return next.spaceBefore ? ' ' : '';
  }
  if (gap > WORD_GAP_EM * size || next.spaceBefore) return ' ';
  // Inline code met by prose: the word space after a typewriter run can come out narrower (TeX via dvips:
  // "tcp.recvmsg.return are" leaves 0.15 em). Code glued to a word ("ints") leaves no gap at all, so between
  // two word characters a smaller gap already parts two words.
  if (
    monoPrev !== monoNext &&
    gap > CODE_WORD_GAP_EM * size &&
    WORD_END_RE.test(prev.text) &&
    WORD_START_RE.test(next.text)
  )
    return ' ';
  return '';
}

/** The word gap where a code (monospace) run meets prose, in ems. */
const CODE_WORD_GAP_EM = 0.1;
const WORD_END_RE = /[\p{L}\p{N}]$/u;
const WORD_START_RE = /^[\p{L}\p{N}]/u;

function linkIndex(s: RawSpan, links: RawLink[]): number {
  const cx = s.x + s.w / 2;
  const cy = s.y + s.h / 2;
  for (let i = 0; i < links.length; i++) {
    const l = links[i];
    if (cx >= l.x - 1 && cx <= l.x + l.w + 1 && cy >= l.y - 2 && cy <= l.y + l.h + 2) return i;
  }
  return -1;
}

export interface FragmentContext {
  fonts: Record<string, FontInfo>;
  links: RawLink[];
}

/** Builds a Line from spans on one row (sorted by x), merging same-font neighbours into compact spans. */
export function makeLine(spans: RawSpan[], ctx: FragmentContext, rowBase: number): Line {
  const out: TextSpan[] = [];
  let text = '';
  const chars = new Map<string, number>();
  let prev: RawSpan | null = null;
  let prevLink = -1;
  let cur: TextSpan | null = null;
  for (const s of spans) {
    const t = cleanText(s.text);
    if (!t) continue;
    const mono = ctx.fonts[s.fontId]?.monospace ?? false;
    const link = ctx.links.length ? linkIndex(s, ctx.links) : -1;
    let sep = '';
    if (prev) sep = gapSpaces(prev, s, ctx.fonts[prev.fontId]?.monospace ?? false, mono);
    text += sep + t;
    chars.set(s.fontId, (chars.get(s.fontId) ?? 0) + t.length);
    const sameRun =
      cur &&
      cur.fontId === s.fontId &&
      Math.abs(cur.size - s.size) < 0.05 * s.size &&
      link === prevLink &&
      s.x - (cur.box.x + cur.box.w) < FRAGMENT_GAP_EM * s.size;
    if (cur && sameRun) {
      cur.text += sep + t;
      cur.box.w = Math.max(cur.box.w, s.x + s.w - cur.box.x);
      cur.box.y = Math.min(cur.box.y, s.y);
    } else {
      if (cur && sep) cur.text += sep.length > 1 ? sep : ' ';
      cur = { text: t, box: { x: s.x, y: s.y, w: s.w, h: s.h }, fontId: s.fontId, size: s.size };
      out.push(cur);
    }
    prev = s;
    prevLink = link;
  }
  // Trailing separators belong between spans, never at the end of the line.
  if (out.length) out[out.length - 1].text = out[out.length - 1].text.replace(/\s+$/, '');
  let fontId = '';
  let best = -1;
  let total = 0;
  let monoChars = 0;
  for (const [f, n] of chars) {
    total += n;
    if (ctx.fonts[f]?.monospace) monoChars += n;
    if (n > best) {
      best = n;
      fontId = f;
    }
  }
  const box = unionBox(out.map((s) => s.box));
  const dominant = ctx.fonts[fontId];
  // Size of the row's main text (superscripts excluded): the size with most characters.
  const sizeChars = new Map<number, number>();
  for (const s of out) {
    const k = Math.round(s.size * 2) / 2;
    sizeChars.set(k, (sizeChars.get(k) ?? 0) + s.text.length);
  }
  let size = 0;
  let sizeBest = -1;
  for (const [k, n] of sizeChars) {
    if (n > sizeBest || (n === sizeBest && k > size)) {
      size = k;
      sizeBest = n;
    }
  }
  const boldChars = [...chars].reduce((a, [f, n]) => a + (ctx.fonts[f]?.bold ? n : 0), 0);
  const italicChars = [...chars].reduce((a, [f, n]) => a + (ctx.fonts[f]?.italic ? n : 0), 0);
  void rowBase;
  return {
    text: text.trim(),
    box,
    spans: out,
    fontId,
    size,
    bold: total > 0 ? boldChars >= 0.6 * total : Boolean(dominant?.bold),
    italic: total > 0 ? italicChars >= 0.6 * total : Boolean(dominant?.italic),
    monospace: total > 0 && monoChars >= 0.6 * total,
    column: 0,
  };
}

export function unionBox(boxes: Box[]): Box {
  if (boxes.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Rows whose span at a narrow gutter's edge makes it a gutter: text up to it on the left, from it on the right. */
const NARROW_GUTTER_MIN_ROWS = 6;

/**
 * Vertical strips, narrower than a fragment-splitting gap, that no span crosses in the middle half of the page
 * while many rows start flush at their right edge and many end just before their left edge: a two-column page's
 * narrow gutter (TeX's \columnsep of 10pt is under one em of an 11pt body). Rows are split there so that the
 * left column's last words or right-aligned page numbers are not glued to the right column's lines.
 */
export function narrowGutters(rows: RawSpan[][]): Array<{ x0: number; x1: number }> {
  const spans = rows.flat();
  if (spans.length === 0) return [];
  const minX = Math.min(...spans.map((s) => s.x));
  const maxX = Math.max(...spans.map((s) => s.x + s.w));
  const width = maxX - minX;
  if (width < 150 || rows.length < 2 * NARROW_GUTTER_MIN_ROWS) return [];
  const n = Math.ceil(width) + 1;
  const cover = new Int32Array(n);
  for (const s of spans) {
    const a = Math.max(0, Math.ceil(s.x - minX + 0.5));
    const b = Math.min(n - 1, Math.floor(s.x + s.w - minX - 0.5));
    if (b < a) continue;
    cover[a] += 1;
    if (b + 1 < n) cover[b + 1] -= 1;
  }
  for (let i = 1; i < n; i++) cover[i] += cover[i - 1];
  // The words of a title centred over both columns may cross the gutter, which sits near the middle.
  const maxCross = Math.max(3, Math.floor(0.06 * rows.length));
  const lo = Math.floor(0.4 * width);
  const hi = Math.ceil(0.6 * width);
  const out: Array<{ x0: number; x1: number }> = [];
  let start = -1;
  for (let i = lo; i <= hi + 1; i++) {
    const low = i <= hi && cover[i] <= maxCross;
    if (low && start < 0) start = i;
    if (!low && start >= 0) {
      const g = { x0: minX + start - 1, x1: minX + i };
      if (g.x1 - g.x0 >= 4 && isNarrowGutter(g, rows)) out.push(g);
      start = -1;
    }
  }
  return out;
}

function isNarrowGutter(g: { x0: number; x1: number }, rows: RawSpan[][]): boolean {
  let endBefore = 0;
  let startAfter = 0;
  for (const row of rows) {
    if (row.some((s) => s.x + s.w <= g.x0 + 2 && s.x + s.w > g.x0 - s.size)) endBefore += 1;
    if (row.some((s) => s.x >= g.x1 - 2 && s.x < g.x1 + 1)) startAfter += 1;
  }
  return endBefore >= NARROW_GUTTER_MIN_ROWS && startAfter >= NARROW_GUTTER_MIN_ROWS;
}

/** Splits each row at wide gaps; returns fragments (one Line each), rows top to bottom. */
export function buildFragments(spans: RawSpan[], ctx: FragmentContext): Line[][] {
  const rows = buildRows(spans);
  const gutters = narrowGutters(rows.map((r) => r.spans));
  const inGutter = (right: number, next: number) =>
    gutters.some((g) => right <= g.x0 + 2 && next >= g.x1 - 2);
  const result: Line[][] = [];
  for (const row of rows) {
    const frags: RawSpan[][] = [];
    let cur: RawSpan[] = [];
    let right = -Infinity;
    for (const s of row.spans) {
      const bothMono =
        cur.length > 0 && ctx.fonts[cur[cur.length - 1].fontId]?.monospace && ctx.fonts[s.fontId]?.monospace;
      // Measured in the smaller of the two neighbours' sizes: a bigger letter on the same baseline across a
      // gutter (an index's "T" beside "png . . . 80") does not widen the gap a row may bridge.
      const em = cur.length ? Math.min(cur[cur.length - 1].size, s.size) : s.size;
      const limit = (bothMono ? 4 : FRAGMENT_GAP_EM) * em;
      if (cur.length && (s.x - right > limit || (!bothMono && inGutter(right, s.x)))) {
        frags.push(cur);
        cur = [];
      }
      cur.push(s);
      right = Math.max(right, s.x + s.w);
    }
    if (cur.length) frags.push(cur);
    const lines = frags
      .map((f) => makeLine(composeRowAccents(f), ctx, row.base))
      .filter((l) => l.text.length > 0);
    if (lines.length) result.push(lines);
  }
  return result;
}
