import { analyzeLayout, analyzeLayoutSerialized } from '../../../src/conversion/analyze';
import { cleanText } from '../../../src/conversion/analyze/text-clean';
import {
  countBodyLines,
  isPageNumberText,
  markRunningText,
  maskText,
  runningTextLines,
} from '../../../src/conversion/analyze/running-headers';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { JsonText } from '../../../src/conversion/json-file';
import type { LayoutArtifact, Line } from '../../../src/conversion/model/layout';
import {
  OUTLINE,
  PAGE_H,
  fontHeadingsPdf,
  imagePdf,
  linksPdf,
  outlinePdf,
  runningHeadersPdf,
  twoColumnPdf,
  codePdf,
  lookAlikeHeadingsPdf,
  tallMarginPageNumbersPdf,
  narrowGutterTocPdf,
  NARROW_GUTTER_TOC,
  splitRunningHeadsPdf,
} from '../../helpers/pdf-fixtures';

const ctx = () => ({ assets: new MemoryAssetStore() });

function body(layout: LayoutArtifact, page = 0): Line[] {
  return layout.pages[page].lines.filter((l) => !l.artifact);
}

describe('analyzeLayout', () => {
  it('reads two columns left column first, after the spanning title', async () => {
    const layout = await analyzeLayout(await twoColumnPdf(), ctx(), { parallelism: 1 });
    const page = layout.pages[0];
    expect(page.columns).toBe(2);
    expect(page.complexity.reasons).toContain('multi_column');
    const text = body(layout).map((l) => l.text);
    expect(text[0]).toBe('A Title Across Both Columns');
    const joined = text.join(' ');
    const iAlphaStart = joined.indexOf('Alpha column text begins');
    const iAlphaEnd = joined.indexOf('Alpha column text ends');
    const iBetaStart = joined.indexOf('Beta column text begins');
    const iBetaEnd = joined.indexOf('Beta column text ends');
    expect(iAlphaStart).toBeGreaterThan(0);
    expect(iAlphaEnd).toBeGreaterThan(iAlphaStart);
    expect(iBetaStart).toBeGreaterThan(iAlphaEnd);
    expect(iBetaEnd).toBeGreaterThan(iBetaStart);
    // No line mixes the two columns.
    expect(text.some((t) => /Alpha.*Beta|Beta.*Alpha/.test(t))).toBe(false);
  });

  it('finds a gutter narrower than an em and keeps right-aligned page numbers in their column', async () => {
    const layout = await analyzeLayout(await narrowGutterTocPdf(), ctx(), { parallelism: 1 });
    expect(layout.pages[0].columns).toBe(2);
    const text = body(layout).map((l) => l.text);
    for (const entry of NARROW_GUTTER_TOC) {
      expect(text.find((t) => t.startsWith(`${entry.title} .`))).toMatch(new RegExp(`\\. ${entry.page}$`));
    }
    // The left column (the contents) is read before the right one.
    const lastEntry = NARROW_GUTTER_TOC[NARROW_GUTTER_TOC.length - 1].title;
    expect(text.findIndex((t) => t.startsWith(lastEntry))).toBeLessThan(
      text.findIndex((t) => t.startsWith('The quick brown fox')),
    );
  });

  it('marks running headers and page numbers', async () => {
    const layout = await analyzeLayout(await runningHeadersPdf(6), ctx(), { parallelism: 1 });
    expect(layout.pageCount).toBe(6);
    for (const page of layout.pages) {
      const header = page.lines.find((l) => l.text === 'The Running Header Of This Book');
      expect(header?.artifact).toBe('header');
      const number = page.lines.find((l) => l.text === String(page.index + 1));
      expect(number?.artifact).toBe('page_number');
      expect(
        page.lines.find((l) => l.text.startsWith(`Body text of page ${page.index + 1}`))?.artifact,
      ).toBeUndefined();
    }
    expect(layout.runningPatterns).toContain('the running header of this book');
  });

  it('marks running heads with a fixed and a varying part ("1.3. Data normalisation … Regression")', async () => {
    const layout = await analyzeLayout(await splitRunningHeadsPdf(8), ctx(), { parallelism: 1 });
    for (const page of layout.pages) {
      const head = page.lines.find((l) => l.text.includes('Regression'));
      expect(head?.text).toMatch(/^(1\.\d\. [A-Za-z ]+ +Regression|Regression +1\.\d\. [A-Za-z ]+)$/);
      expect(head?.artifact).toBe('header');
      expect(
        page.lines.find((l) => l.text.startsWith(`Body text of page ${page.index + 1}`))?.artifact,
      ).toBeUndefined();
    }
    expect(layout.runningPatterns).toContain('regression');
  });

  it('keeps larger two-part titles at page tops ("Lesson 3 … Summary")', async () => {
    const layout = await analyzeLayout(await splitRunningHeadsPdf(8, true), ctx(), { parallelism: 1 });
    for (const page of layout.pages) {
      expect(page.lines.find((l) => l.text.includes('Summary'))?.artifact).toBeUndefined();
    }
  });

  it('resolves a nested outline to pages and positions, with metadata', async () => {
    const layout = await analyzeLayout(await outlinePdf(), ctx(), { parallelism: 1 });
    const strip = (e: LayoutArtifact['outline'][number]): unknown => ({
      title: e.title,
      pageIndex: e.pageIndex,
      y: Math.round(e.y ?? -1),
      children: e.children.map(strip),
    });
    const expected = (s: (typeof OUTLINE)[number]): unknown => ({
      title: s.title,
      pageIndex: s.page,
      y: s.top,
      children: (s.children ?? []).map(expected),
    });
    expect(layout.outline.map(strip)).toEqual(OUTLINE.map(expected));
    expect(layout.metadata.title).toBe('Outline Test Book');
    expect(layout.metadata.author).toBe('Jane Tester');
    expect(layout.metadata.language).toBe('en-GB');
    expect(layout.metadata.creationDate).toBe('2020-05-17T10:00:00.000Z');
  });

  it('computes font statistics with real font names', async () => {
    const layout = await analyzeLayout(await fontHeadingsPdf(), ctx(), { parallelism: 1 });
    expect(layout.fontStats.bodySize).toBe(11);
    expect(layout.fontStats.headingSizes).toEqual([24, 16]);
    const names = Object.values(layout.fonts).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['Times-Roman', 'Times-Bold']));
    const bold = Object.values(layout.fonts).find((f) => f.name === 'Times-Bold');
    expect(bold?.bold).toBe(true);
    const title = body(layout).find((l) => l.text === 'The Big Title');
    expect(title?.bold).toBe(true);
    expect(title?.size).toBe(24);
  });

  it('recognises monospace fonts by name', async () => {
    const layout = await analyzeLayout(await codePdf(), ctx(), { parallelism: 1 });
    expect(layout.fontStats.monospaceFontIds).toEqual(['Courier']);
    const code = body(layout).filter((l) => l.monospace);
    expect(code.map((l) => l.text)).toEqual([
      'function greet(name) {',
      'if (name) {',
      'return "Hello, " + name;',
      '}',
      '}',
    ]);
  });

  it('locates raster images with their size and a stable name', async () => {
    const layout = await analyzeLayout(await imagePdf(), ctx(), { parallelism: 1 });
    const [p1, p2] = layout.pages;
    const big1 = p1.images.find((i) => i.width === 64);
    const big2 = p2.images.find((i) => i.width === 64);
    expect(big1).toBeDefined();
    expect(big1?.name).toBe(big2?.name);
    expect(big1?.height).toBe(48);
    expect(big1?.box.x).toBeCloseTo(72, 0);
    expect(big1?.box.y).toBeCloseTo(156, 0);
    expect(big1?.box.w).toBeCloseTo(192, 0);
    expect(p1.images.some((i) => i.width === 8)).toBe(true);
  });

  it('keeps http(s) links, drops javascript: ones, resolves internal destinations', async () => {
    const layout = await analyzeLayout(await linksPdf(), ctx(), { parallelism: 1 });
    const links = layout.pages[0].links;
    expect(links.filter((l) => l.url).map((l) => l.url)).toEqual(['https://example.com/']);
    const internal = links.find((l) => l.destPage !== undefined);
    expect(internal?.destPage).toBe(1);
    expect(internal?.destY).toBeCloseTo(300, 0);
    expect(links).toHaveLength(2);
    expect(PAGE_H).toBe(792);
  });

  it('reports progress and honours cancellation', async () => {
    const progress: number[] = [];
    await analyzeLayout(
      await runningHeadersPdf(4),
      { ...ctx(), onProgress: (f) => progress.push(f) },
      { parallelism: 1 },
    );
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    const ac = new AbortController();
    ac.abort();
    await expect(
      analyzeLayout(await runningHeadersPdf(4), { ...ctx(), signal: ac.signal }, { parallelism: 1 }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('analyzeLayoutSerialized (the artifact file of the service and the CLI)', () => {
  it('gives exactly the layout analyzeLayout gives: running text, page numbers, links, pictures, outline', async () => {
    const books = [
      await runningHeadersPdf(9),
      await tallMarginPageNumbersPdf(),
      await lookAlikeHeadingsPdf(),
      await splitRunningHeadsPdf(8),
      await linksPdf(),
      await imagePdf(),
      await outlinePdf(),
    ];
    for (const pdf of books) {
      const objects = await analyzeLayout(pdf, ctx(), { parallelism: 1 });
      const serialized = await analyzeLayoutSerialized(pdf, ctx(), { parallelism: 1 }, 0);
      const pages = serialized.pages.map((p) => JSON.parse((p as JsonText).text) as unknown);
      expect(serialized.pages.every((p) => p instanceof JsonText)).toBe(true);
      expect({ ...serialized, pages }).toEqual(JSON.parse(JSON.stringify(objects)));
    }
    const headers = await analyzeLayoutSerialized(await runningHeadersPdf(9), ctx(), { parallelism: 1 }, 0);
    const marked = headers.pages.map(
      (p) => (JSON.parse((p as JsonText).text) as { lines: Line[] }).lines.filter((l) => l.artifact).length,
    );
    expect(marked).toEqual(Array(9).fill(2));
  });
});

describe('cleanText', () => {
  it('decomposes ligatures and drops characters XML forbids', () => {
    expect(cleanText('ﬁnd the ﬂow')).toBe('find the flow');
    expect(cleanText('a\u0001b\u00A0c')).toBe('ab c');
    expect(cleanText('x\uD800y')).toBe('xy');
    expect(cleanText('“quoted”—dash')).toBe('“quoted”—dash');
  });
});

describe('maskText and page numbers', () => {
  it('masks digits and knows page-number shapes', () => {
    expect(maskText('Chapter 12:  Graphics 79')).toBe('chapter #: graphics #');
    for (const t of ['12', 'xiv', '- 7 -', 'Page 3 of 10', '3/10']) expect(isPageNumberText(t)).toBe(true);
    for (const t of ['Figure 3', '12 apples', 'Introduction']) expect(isPageNumberText(t)).toBe(false);
  });
});

describe('markRunningText', () => {
  function line(text: string, y: number): Line {
    return {
      text,
      box: { x: 72, y, w: 6 * text.length, h: 10 },
      spans: [],
      fontId: 'f',
      size: 10,
      bold: false,
      italic: false,
      monospace: false,
      column: 0,
    };
  }

  it('keeps a label the book prints in its body more often than at page bottoms ("Syntax:")', () => {
    // 12 pages with a running header; "Syntax:" ends 4 of them and sits inside the text of 8 others.
    const pages = Array.from({ length: 12 }, (_, i) => {
      const lines = [line(`Manual ${i + 1}`, 40)];
      for (let k = 0; k < 20; k++) lines.push(line(`Body text line ${k} of page ${i}`, 80 + 30 * k));
      if (i < 4) lines.push(line('Syntax:', 740));
      else lines.splice(8, 0, line('Syntax:', 315));
      return { height: 792, lines };
    });
    markRunningText(pages);
    const syntax = pages.flatMap((p) => p.lines).filter((l) => l.text === 'Syntax:');
    expect(syntax).toHaveLength(12);
    expect(syntax.filter((l) => l.artifact)).toHaveLength(0);
    expect(pages.every((p) => p.lines[0].artifact === 'header')).toBe(true);
  });

  it("marks the same lines from each page's edge lines plus the book's body-line counts (long books)", () => {
    const book = () =>
      Array.from({ length: 12 }, (_, i) => {
        const lines = [line(`Manual ${i + 1}`, 40), line('Chapter One', 52)];
        for (let k = 0; k < 20; k++) lines.push(line(`Body text line ${k} of page ${i}`, 80 + 30 * k));
        if (i < 4) lines.push(line('Syntax:', 740));
        else lines.splice(8, 0, line('Syntax:', 315));
        if (i % 3 === 0) lines.push(line('Example:', 760));
        lines.push(line(String(i + 1), 775));
        return { height: 792, lines };
      });
    const whole = book();
    const patterns = markRunningText(whole);
    const edges = book();
    const counts = new Map<string, number>();
    for (const page of edges) countBodyLines(page, counts);
    const subsets = edges.map((p) => ({ height: p.height, lines: runningTextLines(p.lines).lines }));
    expect(subsets[0].lines.length).toBeLessThan(edges[0].lines.length);
    expect(markRunningText(subsets, counts)).toEqual(patterns);
    expect(edges.map((p) => p.lines.map((l) => l.artifact))).toEqual(
      whole.map((p) => p.lines.map((l) => l.artifact)),
    );
    expect(whole.flatMap((p) => p.lines).filter((l) => l.artifact).length).toBeGreaterThan(24);
  });
});
