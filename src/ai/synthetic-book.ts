/**
 * A synthetic book as layout + heuristic content artifacts, for the AI bench and tests: realistic page sizes
 * (word counts spread like the corpus books: ~30% of pages under 350 words), running headers and page numbers,
 * paragraphs continued across pages, some two-column "complex" pages and a few template-sharing divider pages.
 */
import type { Block, ContentArtifact } from '../conversion/model/content';
import type { LayoutArtifact, Line, PageLayout } from '../conversion/model/layout';

export interface SyntheticBookOptions {
  pages: number;
  /** Fraction of pages marked complex (two columns). */
  complexRatio?: number;
  /** Every n-th page is a "Part k" divider sharing one template (0 = none). */
  dividerEvery?: number;
  seed?: number;
}

const VOCABULARY = (
  'the a of and to in is that for it as with be on not this are by or from at which an but have all can has ' +
  'function value data model table figure code parser object method result string number list array layout ' +
  'column page text font size width height index element structure document chapter section example output ' +
  'input return variable compute vector matrix frame slide theme package option command environment graph'
).split(' ');

const BODY = 10;
const HEADING = 16;
const PAGE_W = 612;
const PAGE_H = 792;

function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Words on a page, drawn from a spread like the corpus books (p10 ≈ 180, median ≈ 400, p75 ≈ 460). */
function pageWords(rnd: () => number): number {
  const r = rnd();
  if (r < 0.1) return 120 + Math.floor(rnd() * 80);
  if (r < 0.3) return 200 + Math.floor(rnd() * 150);
  if (r < 0.75) return 350 + Math.floor(rnd() * 110);
  return 460 + Math.floor(rnd() * 80);
}

function line(text: string, x: number, y: number, w: number, size: number, extra: Partial<Line> = {}): Line {
  return {
    text,
    box: { x, y, w, h: size * 1.2 },
    spans: [{ text, box: { x, y, w, h: size * 1.2 }, fontId: size > BODY ? 'f2' : 'f1', size }],
    fontId: size > BODY ? 'f2' : 'f1',
    size,
    bold: size > BODY,
    italic: false,
    monospace: false,
    column: 0,
    ...extra,
  };
}

interface BodyLine {
  line: Line;
  /** Last line of its paragraph. */
  ends: boolean;
}

function makeWords(rnd: () => number, n: number): string[] {
  return Array.from({ length: n }, () => VOCABULARY[Math.floor(rnd() * VOCABULARY.length)]);
}

function bodyLines(rnd: () => number, words: number, complex: boolean, top: number): BodyLine[] {
  const perLine = complex ? 6 : 12;
  const columns = complex ? 2 : 1;
  const rowsPerColumn = Math.ceil(Math.ceil(words / perLine) / columns);
  const out: BodyLine[] = [];
  let left = words;
  let sinceBreak = 0;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(perLine, left);
    left -= n;
    sinceBreak++;
    const ends = left === 0 ? rnd() < 0.5 : sinceBreak >= 4 && rnd() < 0.2;
    if (ends) sinceBreak = 0;
    const text = makeWords(rnd, n).join(' ') + (ends ? '.' : '');
    const column = complex ? Math.floor(i / rowsPerColumn) : 0;
    const x = complex ? 72 + column * 246 : 72;
    const y = top + (i % rowsPerColumn) * 12;
    const fullWidth = complex ? 220 : 468;
    const w = ends ? fullWidth * 0.6 : fullWidth;
    out.push({ line: line(text, x, y, w, BODY, { column }), ends });
  }
  return out;
}

function dividerPage(index: number, part: number): PageLayout {
  const lines = [
    line(`Part ${part}`, 72, 300, 120, HEADING * 1.5),
    line(`Exercises and solutions for part ${part}`, 72, 340, 300, BODY),
    line(String(index + 1), 300, 760, 12, BODY, { artifact: 'page_number' }),
  ];
  return page(index, lines, false);
}

function page(index: number, lines: Line[], complex: boolean): PageLayout {
  return {
    index,
    width: PAGE_W,
    height: PAGE_H,
    lines,
    columns: complex ? 2 : 1,
    images: [],
    links: [],
    complexity: { complex, reasons: complex ? ['multi_column'] : [] },
  };
}

/** Builds the artifacts; the heuristic content has one block per paragraph, continued across pages. */
export function makeSyntheticBook(options: SyntheticBookOptions): {
  layout: LayoutArtifact;
  content: ContentArtifact;
} {
  const rnd = random(options.seed ?? 42);
  const complexRatio = options.complexRatio ?? 0.35;
  const pages: PageLayout[] = [];
  const blocks: Block[] = [];
  let open: { page: number; y: number; text: string[] } | undefined;
  let nextId = 0;
  const closeParagraph = () => {
    if (!open) return;
    blocks.push({
      id: `b${nextId++}`,
      kind: 'paragraph',
      page: open.page,
      y: open.y,
      inlines: [{ text: open.text.join(' ') }],
    });
    open = undefined;
  };
  let part = 0;
  for (let index = 0; index < options.pages; index++) {
    if (options.dividerEvery && index > 0 && index % options.dividerEvery === 0) {
      closeParagraph();
      part++;
      const divider = dividerPage(index, part);
      pages.push(divider);
      blocks.push({
        id: `b${nextId++}`,
        kind: 'heading',
        level: 1,
        page: index,
        y: 300,
        text: `Part ${part}`,
        inlines: [{ text: `Part ${part}` }],
      });
      blocks.push({
        id: `b${nextId++}`,
        kind: 'paragraph',
        page: index,
        y: 340,
        inlines: [{ text: divider.lines[1].text }],
      });
      continue;
    }
    const complex = rnd() < complexRatio;
    const lines: Line[] = [
      line(`Synthetic Book — chapter ${1 + Math.floor(index / 20)}`, 72, 40, 300, 8, { artifact: 'header' }),
    ];
    let top = 72;
    if (index % 20 === 0) {
      closeParagraph();
      const title = `Chapter ${1 + index / 20}: ${makeWords(rnd, 3).join(' ')}`;
      lines.push(line(title, 72, top, 400, HEADING));
      blocks.push({
        id: `b${nextId++}`,
        kind: 'heading',
        level: 1,
        page: index,
        y: top,
        text: title,
        inlines: [{ text: title }],
      });
      top += 30;
    }
    for (const body of bodyLines(rnd, pageWords(rnd), complex, top)) {
      lines.push(body.line);
      open ??= { page: index, y: body.line.box.y, text: [] };
      open.text.push(body.line.text);
      if (body.ends) closeParagraph();
    }
    lines.push(line(String(index + 1), 300, 760, 12, BODY, { artifact: 'page_number' }));
    pages.push(page(index, lines, complex));
  }
  closeParagraph();
  const words = blocks.reduce(
    (n, b) => n + (b.kind === 'paragraph' ? b.inlines[0].text.split(' ').length : 0),
    0,
  );
  const layout: LayoutArtifact = {
    version: 1,
    pageCount: pages.length,
    pages,
    fonts: {
      f1: { id: 'f1', name: 'Times-Roman', bold: false, italic: false, monospace: false },
      f2: { id: 'f2', name: 'Times-Bold', bold: true, italic: false, monospace: false },
    },
    fontStats: { bodySize: BODY, headingSizes: [HEADING * 1.5, HEADING], monospaceFontIds: [] },
    outline: [],
    metadata: { title: 'Synthetic Book' },
    runningPatterns: ['Synthetic Book — chapter #'],
  };
  const content: ContentArtifact = {
    version: 1,
    blocks,
    assets: [],
    stats: { pages: pages.length, blocks: blocks.length, words, emptyPages: [] },
  };
  return { layout, content };
}
