import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { generateEpub } from '../../../src/conversion/epub';
import type { BookStructure } from '../../../src/conversion/model/book';
import type { Block, ContentArtifact } from '../../../src/conversion/model/content';
import type { LayoutArtifact, Line, OutlineEntry, PageLayout } from '../../../src/conversion/model/layout';
import { calculateQuality } from '../../../src/conversion/quality';
import { identifyStructure } from '../../../src/conversion/structure';

/**
 * A small book: 6 pages, a running header and a page number on each, two chapters with sections, and
 * paragraphs that run across page breaks. The layout artifact is what the PDF says; the content artifact
 * is either a faithful extraction or a damaged one (headers kept, paragraphs cut at page breaks).
 */
const PAGES = 6;
const SENTENCES = [
  'Reading a book on a small screen needs text that flows',
  'and a table of contents that goes to the right place',
  'while the page furniture of the printed edition stays out of the way',
  'so that every paragraph reads as one piece from start to end',
];

interface PageText {
  heading?: { text: string; level: number };
  lines: string[];
}

function pageTexts(): PageText[] {
  const pages: PageText[] = [];
  for (let p = 0; p < PAGES; p++) {
    const lines: string[] = [];
    for (let i = 0; i < 8; i++)
      lines.push(`${SENTENCES[(p + i) % SENTENCES.length]} on page ${p + 1} line ${i + 1}`);
    const heading =
      p === 0
        ? { text: '1 Getting started', level: 1 }
        : p === 3
          ? { text: '2 Going further', level: 1 }
          : p % 2 === 1
            ? { text: `${p === 1 ? '1.1' : '2.1'} Section ${p}`, level: 2 }
            : undefined;
    pages.push({ heading, lines });
  }
  return pages;
}

function line(text: string, y: number, artifact?: Line['artifact']): Line {
  return {
    text,
    box: { x: 72, y, w: 400, h: 10 },
    spans: [],
    fontId: 'f1',
    size: 10,
    bold: false,
    italic: false,
    monospace: false,
    column: 0,
    artifact,
  };
}

function layout(): LayoutArtifact {
  const texts = pageTexts();
  const outline: OutlineEntry[] = [
    {
      title: 'Getting started',
      pageIndex: 0,
      y: 90,
      children: [{ title: 'Section 1', pageIndex: 1, y: 190, children: [] }],
    },
    {
      title: 'Going further',
      pageIndex: 3,
      y: 90,
      children: [{ title: 'Section 5', pageIndex: 5, y: 190, children: [] }],
    },
  ];
  const pages: PageLayout[] = texts.map((page, index) => {
    const lines = [line('A Small Book About Flowing Text', 40, 'header')];
    if (page.heading) lines.push(line(page.heading.text, page.heading.level === 1 ? 100 : 200));
    page.lines.forEach((text, i) => lines.push(line(text, 250 + i * 14)));
    lines.push(line(String(index + 1), 760, 'page_number'));
    return {
      index,
      width: 612,
      height: 792,
      lines,
      columns: 1,
      images: [],
      links: [],
      complexity: { complex: false, reasons: [] },
    };
  });
  return {
    version: 1,
    pageCount: PAGES,
    pages,
    fonts: {},
    fontStats: { bodySize: 10, headingSizes: [16, 13], monospaceFontIds: [] },
    outline,
    metadata: { title: 'A Small Book About Flowing Text' },
    runningPatterns: ['a small book about flowing text'],
  };
}

/** Faithful: one paragraph per page-crossing run of lines; damaged: headers kept, cut at every page break. */
function content(damaged: boolean): ContentArtifact {
  const blocks: Block[] = [];
  let pending: string[] = [];
  let n = 0;
  const flush = (page: number) => {
    if (pending.length)
      blocks.push({ kind: 'paragraph', id: `b${n++}`, page, y: 250, inlines: [{ text: pending.join(' ') }] });
    pending = [];
  };
  pageTexts().forEach((page, p) => {
    if (damaged) {
      flush(p);
      blocks.push({
        kind: 'paragraph',
        id: `b${n++}`,
        page: p,
        y: 40,
        inlines: [{ text: 'A Small Book About Flowing Text' }],
      });
    }
    if (page.heading) {
      flush(p);
      const { text, level } = page.heading;
      blocks.push({
        kind: 'heading',
        id: `b${n++}`,
        page: p,
        y: level === 1 ? 100 : 200,
        level,
        text,
        inlines: [{ text }],
      });
    }
    pending.push(...page.lines);
    if (damaged) {
      flush(p);
      blocks.push({ kind: 'paragraph', id: `b${n++}`, page: p, y: 760, inlines: [{ text: String(p + 1) }] });
    }
  });
  flush(PAGES - 1);
  return {
    version: 1,
    blocks,
    assets: [],
    stats: { pages: PAGES, blocks: blocks.length, words: 0, emptyPages: [] },
  };
}

/** TOC entries moved to the top of the page they are on, as Calibre does. */
function pointTocAtPageTops(book: BookStructure): BookStructure {
  const all = book.chapters.flatMap((c) => c.blocks.map((b) => ({ block: b, chapter: c.id })));
  const retarget = (entries: BookStructure['toc']): BookStructure['toc'] =>
    entries.map((e) => {
      const target = all.find((x) => x.block.id === e.anchorId);
      const top = all.find((x) => target && x.block.page === target.block.page);
      return {
        ...e,
        anchorId: top?.block.id,
        chapterId: top?.chapter ?? e.chapterId,
        children: retarget(e.children),
      };
    });
  return { ...book, toc: retarget(book.toc) };
}

async function convert(damaged: boolean) {
  const ctx = { assets: new MemoryAssetStore() };
  const lay = layout();
  const cont = content(damaged);
  let book = await identifyStructure(lay, cont, ctx);
  if (damaged) book = pointTocAtPageTops(book);
  const epub = await generateEpub(book, ctx);
  return {
    report: await calculateQuality({ layout: lay, chapterCount: book.chapters.length, epub }, ctx),
    lay,
    cont,
    book,
    epub,
  };
}

describe('calculate_quality_score', () => {
  it('rates a faithful conversion high, with every component at its best', async () => {
    const { report } = await convert(false);
    expect(report.score).toBeGreaterThanOrEqual(97);
    expect(report.components.text_coverage.detail.recall).toBe(1);
    expect(report.components.toc_coverage.detail.recall).toBe(1);
    expect(report.components.toc_links.detail.accuracy).toBe(1);
    expect(report.components.header_leak.detail.perPage).toBe(0);
    expect(report.components.paragraphs.detail.per100).toBe(0);
    expect(report.components.package.score).toBe(1);
    expect(report.warnings).toEqual([]);
    expect(report.pages).toBe(PAGES);
  });

  it('rates a damaged conversion (headers kept, paragraphs cut, TOC at page tops) lower, component by component', async () => {
    const good = (await convert(false)).report;
    const bad = (await convert(true)).report;
    expect(bad.score).toBeLessThan(good.score - 10);
    expect(bad.components.header_leak.score).toBeLessThan(good.components.header_leak.score);
    expect(bad.components.paragraphs.score).toBeLessThan(good.components.paragraphs.score);
    expect(bad.components.toc_links.score).toBeLessThan(good.components.toc_links.score);
    expect(bad.components.text_noise.score).toBeLessThan(good.components.text_noise.score);
    expect(bad.warnings.join('\n')).toMatch(/running headers/);
  });

  it('notices lost text and a broken package', async () => {
    const { lay, book, epub } = await convert(false);
    const files = unzipSync(epub);
    const ch = Object.keys(files).find((name) => name.endsWith('ch002.xhtml')) as string;
    files[ch] = strToU8('<html><body><p>cut short');
    const { mimetype, ...rest } = files;
    const broken = zipSync({ ...rest, mimetype });
    const ctx = { assets: new MemoryAssetStore() };
    const report = await calculateQuality(
      { layout: lay, chapterCount: book.chapters.length, epub: broken },
      ctx,
    );
    const good = await calculateQuality({ layout: lay, chapterCount: book.chapters.length, epub }, ctx);
    expect(report.components.package.detail.mimetypeFirst).toBe(false);
    expect(report.components.package.detail.xhtmlWellFormed).toBe(false);
    expect(report.components.text_coverage.score).toBeLessThan(good.components.text_coverage.score);
    expect(report.score).toBeLessThan(good.score);
  });

  it('reads the TOC from the NCX of a package without an EPUB 3 navigation document', async () => {
    const { lay, book, epub } = await convert(false);
    const files = unzipSync(epub);
    const opf = strFromU8(files['OEBPS/content.opf']).replace(' properties="nav"', '');
    const epub2 = zipSync({
      mimetype: [files.mimetype, { level: 0 }],
      ...files,
      'OEBPS/content.opf': strToU8(opf),
    });
    const report = await calculateQuality(
      { layout: lay, chapterCount: book.chapters.length, epub: epub2 },
      { assets: new MemoryAssetStore() },
    );
    expect(report.components.package.detail.navPresent).toBe(false);
    expect(report.components.toc_coverage.detail.recall).toBe(1);
    expect(report.components.toc_links.detail.accuracy).toBe(1);
  });

  it('scores zero when the bytes are not an EPUB at all', async () => {
    const { lay, book } = await convert(false);
    const report = await calculateQuality(
      { layout: lay, chapterCount: book.chapters.length, epub: strToU8('not a zip') },
      { assets: new MemoryAssetStore() },
    );
    expect(report.score).toBe(0);
  });
});
