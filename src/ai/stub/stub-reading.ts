/**
 * The stub's answer: a correct reading of a page built only from what the request carries (the lines with their
 * positions, sizes and styles, the body and heading sizes), the way a good model reads a page — not a copy of the
 * heuristic reading. Paragraphs are whole (first-line indents, vertical gaps, short last lines; a page that starts
 * or ends mid-paragraph says so), headings by size or a short bold line of their own, code by monospace runs (with
 * their indentation), tables from rows of cells aligned on a grid, lists by their markers, footnotes at the foot
 * in small type, captions by "Figure n." and page numbers in the margins as artifacts.
 */

export interface StubLine {
  index: number;
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
  font: string;
  bold: boolean;
  italic: boolean;
  monospace: boolean;
  column: number;
}

export interface StubPage {
  page: number;
  width: number;
  height: number;
  columns: number;
  lines: StubLine[];
}

type Block =
  | { role: 'paragraph' | 'code' | 'caption'; text: string }
  | { role: 'heading'; level: number; text: string }
  | { role: 'list_item'; marker: string; ordered: boolean; text: string }
  | { role: 'footnote'; label: string; text: string }
  | { role: 'table'; rows: string[][]; header_row: boolean };

export interface StubPageReading {
  page: number;
  blocks: Block[];
  artifact_lines: number[];
  continues_previous_page: boolean;
  continues_on_next_page: boolean;
}

interface ColumnMetrics {
  left: number;
  right: number;
  leftAligned: boolean;
  /** Usual distance between the tops of two body lines. */
  lineGap: number;
}

const SENTENCE_END = /[.!?:;]["”’)\]]*$/;
const BULLET = /^([•◦▪▸‣∙·*–—-])\s+(?=\S)/;
const ORDERED = /^(\d{1,2}[.)]|\(\d{1,2}\)|\([a-z]\)|[a-z]\))\s+(?=\S)/;
const FOOTNOTE = /^(\d{1,3}(?=\s)|[*†‡§¶]+)\s*(?=\p{L})/u;
const CAPTION = /^(figure|fig\.|table|listing)\s*\d+[.:]/i;
const PAGE_NUMBER = /^\s*(\d{1,4}|[ivxlc]{1,6})\s*$/i;

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function median(values: number[], fallback: number): number {
  if (values.length === 0) return fallback;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  let best = values[0] ?? 0;
  let bestCount = 0;
  for (const v of values.map(Math.round)) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestCount || (n === bestCount && v < best)) [best, bestCount] = [v, n];
  }
  return best;
}

function isBody(line: StubLine, bodySize: number): boolean {
  return !line.monospace && Math.abs(line.size - bodySize) <= bodySize * 0.12;
}

function columnMetrics(page: StubPage, bodySize: number): Map<number, ColumnMetrics> {
  const out = new Map<number, ColumnMetrics>();
  const columns = new Set(page.lines.map((l) => l.column));
  for (const column of columns) {
    const all = page.lines.filter((l) => l.column === column);
    const body = all.filter((l) => isBody(l, bodySize));
    const lines = body.length ? body : all;
    const left = mostCommon(lines.map((l) => l.x));
    const rights = lines.map((l) => l.x + l.width).sort((a, b) => a - b);
    const right = rights[Math.floor(0.9 * (rights.length - 1))] ?? left;
    const atLeft = lines.filter((l) => Math.abs(l.x - left) < 1.5).length;
    const gaps: number[] = [];
    for (let i = 1; i < lines.length; i++) {
      const dy = lines[i].y - lines[i - 1].y;
      if (dy > 0 && dy < 3 * bodySize) gaps.push(dy);
    }
    out.set(column, {
      left,
      right,
      leftAligned: lines.length < 4 || atLeft >= 0.4 * lines.length,
      lineGap: median(gaps, bodySize * 1.2),
    });
  }
  return out;
}

/** Rows of two or more short cells at the same height, their cells starting at the same x row after row. */
function findTables(page: StubPage, skip: Set<number>): Array<{ lines: StubLine[][] }> {
  const lines = page.lines.filter((l) => !skip.has(l.index)).sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: StubLine[][] = [];
  for (const line of lines) {
    const row = rows.at(-1);
    if (row && Math.abs(row[0].y - line.y) <= 2) row.push(line);
    else rows.push([line]);
  }
  for (const row of rows) row.sort((a, b) => a.x - b.x);
  // Cells are short; two columns of prose side by side are not a table.
  const short = (l: StubLine) =>
    wordCount(l.text) <= 4 || (wordCount(l.text) <= 6 && l.width < page.width * 0.25);
  const tables: Array<{ lines: StubLine[][] }> = [];
  let run: StubLine[][] = [];
  const close = () => {
    if (run.length >= 2) tables.push({ lines: run });
    run = [];
  };
  for (const row of rows) {
    const fits =
      row.length >= 2 &&
      row.every(short) &&
      (run.length === 0 ||
        (row.length === run[0].length &&
          row[0].y - run[run.length - 1][0].y <= 2.5 * row[0].size &&
          row.every((cell, c) => Math.abs(cell.x - run[0][c].x) <= 1.5 * cell.size)));
    if (!fits) close();
    if (row.length >= 2 && row.every(short)) {
      if (!fits) run = [];
      run.push(row);
    }
  }
  close();
  return tables;
}

function headingLevel(size: number, bodySize: number, headingSizes: number[]): number {
  if (size <= bodySize * 1.12) return Math.min(6, headingSizes.length + 1);
  const i = headingSizes.findIndex((s) => s <= size + 0.25);
  return Math.min(6, i < 0 ? headingSizes.length + 1 : i + 1);
}

/** Code keeps its lines and their indentation (in characters of the monospace font). */
function codeText(lines: StubLine[]): string {
  const left = Math.min(...lines.map((l) => l.x));
  return lines
    .map((l) => ' '.repeat(Math.max(0, Math.round((l.x - left) / (l.size * 0.525)))) + l.text)
    .join('\n');
}

interface Open {
  role: 'paragraph' | 'heading' | 'code' | 'list_item' | 'caption' | 'footnote';
  lines: StubLine[];
  marker?: string;
  ordered?: boolean;
  label?: string;
}

export function readPage(page: StubPage, bodySize: number, headingSizes: number[]): StubPageReading {
  const artifacts = page.lines
    .filter((l) => PAGE_NUMBER.test(l.text) && (l.y < page.height * 0.1 || l.y > page.height * 0.9))
    .map((l) => l.index);
  const skip = new Set(artifacts);
  const tables = findTables(page, skip);
  const tableOf = new Map<number, (typeof tables)[number]>();
  for (const table of tables)
    for (const row of table.lines) for (const cell of row) tableOf.set(cell.index, table);
  const metrics = columnMetrics(page, bodySize);
  const blocks: Block[] = [];
  const emitted = new Set<(typeof tables)[number]>();
  let open: Open | undefined;
  let firstLine: StubLine | undefined;

  const flush = () => {
    if (!open) return;
    const text = open.lines.map((l) => l.text).join(' ');
    switch (open.role) {
      case 'code':
        blocks.push({ role: 'code', text: codeText(open.lines) });
        break;
      case 'heading':
        blocks.push({
          role: 'heading',
          level: headingLevel(open.lines[0].size, bodySize, headingSizes),
          text,
        });
        break;
      case 'list_item':
        blocks.push({
          role: 'list_item',
          marker: open.marker ?? '',
          ordered: open.ordered ?? false,
          text: text.slice((open.marker ?? '').length).trim(),
        });
        break;
      case 'footnote':
        blocks.push({
          role: 'footnote',
          label: open.label ?? '',
          text: text.slice((open.label ?? '').length).trim(),
        });
        break;
      default:
        blocks.push({ role: open.role, text });
    }
    open = undefined;
  };
  const start = (role: Open['role'], line: StubLine, extra: Partial<Open> = {}) => {
    flush();
    open = { role, lines: [line], ...extra };
  };

  const lines = page.lines.filter((l) => !skip.has(l.index));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const table = tableOf.get(line.index);
    if (table) {
      if (!emitted.has(table)) {
        flush();
        emitted.add(table);
        blocks.push({
          role: 'table',
          rows: table.lines.map((row) => row.map((c) => c.text)),
          header_row: false,
        });
      }
      continue;
    }
    firstLine ??= line;
    const m = metrics.get(line.column) ?? {
      left: line.x,
      right: line.x + line.width,
      leftAligned: true,
      lineGap: bodySize * 1.2,
    };
    const colWidth = Math.max(1, m.right - m.left);
    const prev = open?.lines.at(-1);
    const sameColumn = prev !== undefined && prev.column === line.column && line.y > prev.y;
    const indent = line.x - m.left;
    const next = lines[i + 1];

    // Code: monospace lines, and code-like lines in the body font indented inside a code block (comments).
    const codeComment =
      open?.role === 'code' &&
      sameColumn &&
      indent > 1.5 * line.size &&
      /[#(){}=<>;[\]]/.test(line.text) &&
      lines.slice(i + 1, i + 3).some((l) => l.monospace);
    if (line.monospace || codeComment) {
      if (open?.role !== 'code' || (sameColumn && line.y - (prev?.y ?? 0) > 2.5 * m.lineGap))
        start('code', line);
      else open.lines.push(line);
      continue;
    }
    // Headings: larger type (a short run of lines), or a short bold line of its own in body size.
    const large = line.size >= bodySize * 1.15;
    const boldAlone =
      line.bold &&
      wordCount(line.text) <= 10 &&
      line.width < 0.7 * colWidth &&
      !/[.,;:]$/.test(line.text) &&
      !(next && next.bold && Math.abs(next.size - line.size) < 0.3 && next.y > line.y);
    if (large || boldAlone) {
      const run = [line];
      for (let j = i + 1; j < lines.length && run.length < 4; j++) {
        const l = lines[j];
        if (Math.abs(l.size - line.size) > 0.3 || l.bold !== line.bold || l.monospace || tableOf.has(l.index))
          break;
        if (l.y - run[run.length - 1].y > 2 * line.size) break;
        run.push(l);
      }
      const text = run.map((l) => l.text).join(' ');
      const prose = wordCount(text) > 16 || (SENTENCE_END.test(text) && wordCount(text) > 10);
      if (!prose && (large || run.length === 1)) {
        start('heading', line);
        open?.lines.push(...run.slice(1));
        i += run.length - 1;
        flush();
        continue;
      }
    }
    // Footnotes: small type at the foot of the page, starting with their label.
    const small = line.size <= bodySize * 0.9;
    const footnote = small && line.y > page.height * 0.7 ? FOOTNOTE.exec(line.text) : null;
    if (footnote) {
      start('footnote', line, { label: footnote[1] });
      continue;
    }
    if (open?.role === 'footnote' && small && sameColumn) {
      open.lines.push(line);
      continue;
    }
    // Lists: a marker starts an item; its lines run on while indented past the marker or the sentence goes on.
    const bullet = BULLET.exec(line.text) ?? ORDERED.exec(line.text);
    if (bullet) {
      start('list_item', line, { marker: bullet[1], ordered: !BULLET.test(line.text) });
      continue;
    }
    // Paragraphs (and captions): a new one at an indent, a gap, a change of size, or after a short last line.
    if (
      open?.role === 'list_item' &&
      prev !== undefined &&
      sameColumn &&
      Math.abs(line.size - prev.size) < 0.5
    ) {
      const hanging = line.x > open.lines[0].x + 0.5;
      if (hanging || (!endsBlock(prev, m) && line.y - prev.y <= 1.6 * m.lineGap)) {
        open.lines.push(line);
        continue;
      }
    }
    const newBlock =
      !open ||
      (open.role !== 'paragraph' && open.role !== 'caption') ||
      Math.abs(line.size - (prev?.size ?? line.size)) > line.size * 0.12 ||
      (m.leftAligned && firstLineIndent(line, sameColumn ? prev : undefined, m)) ||
      (sameColumn && prev !== undefined && line.y - prev.y > 1.6 * m.lineGap) ||
      (prev !== undefined && endsBlock(prev, metrics.get(prev.column) ?? m));
    if (newBlock) start(CAPTION.test(line.text) ? 'caption' : 'paragraph', line);
    else open?.lines.push(line);
  }
  flush();

  const first = blocks[0];
  const firstMetrics = firstLine && metrics.get(firstLine.column);
  const continuesPrevious =
    first?.role === 'paragraph' &&
    firstLine !== undefined &&
    (/^\p{Ll}/u.test(firstLine.text) ||
      (firstMetrics !== undefined &&
        firstMetrics.leftAligned &&
        usesIndent(page, metrics) &&
        Math.abs(firstLine.x - firstMetrics.left) < 0.6 * firstLine.size));
  const last = blocks.at(-1);
  const lastLine = lines.filter((l) => !tableOf.has(l.index)).at(-1);
  const lastMetrics = lastLine && metrics.get(lastLine.column);
  const continuesNext =
    last?.role === 'paragraph' &&
    lastLine !== undefined &&
    lastMetrics !== undefined &&
    (/\p{L}-$/u.test(lastLine.text) || !endsBlock(lastLine, lastMetrics));
  return {
    page: page.page,
    blocks,
    artifact_lines: artifacts,
    continues_previous_page: continuesPrevious,
    continues_on_next_page: continuesNext,
  };
}

/** Set in from the lines before it (or, at the top of a column, from the column's edge) by ½–4 em. */
function firstLineIndent(line: StubLine, prev: StubLine | undefined, m: ColumnMetrics): boolean {
  // A line set out in the margin (a side note glued to it) says nothing about indents.
  const inColumn = prev !== undefined && prev.x >= m.left - 0.6 * line.size;
  const indent = line.x - (inColumn ? Math.min(prev.x, line.x + 1) : m.left);
  return indent > 0.6 * line.size && indent < 4 * line.size;
}

/** A short line ending a sentence ends its paragraph. */
function endsBlock(line: StubLine, m: ColumnMetrics): boolean {
  return SENTENCE_END.test(line.text) && line.x + line.width < m.right - 0.15 * (m.right - m.left);
}

function usesIndent(page: StubPage, metrics: Map<number, ColumnMetrics>): boolean {
  return page.lines.some((l) => {
    const m = metrics.get(l.column);
    return m !== undefined && m.leftAligned && l.x - m.left > 0.6 * l.size && l.x - m.left < 4 * l.size;
  });
}
