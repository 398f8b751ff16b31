/** What producers other than TeX write: Ghostscript, Word, FrameMaker, FOP, Asciidoctor PDF. */
import { analyzeLayout } from '../../../src/conversion/analyze';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import type { Block, ContentArtifact } from '../../../src/conversion/model/content';
import type { LayoutArtifact, Line } from '../../../src/conversion/model/layout';
import { identifyStructure } from '../../../src/conversion/structure';
import { extractContent } from '../../../src/conversion/extract';
import { generateEpub } from '../../../src/conversion/epub';
import { calculateQuality } from '../../../src/conversion/quality';
import { strFromU8, unzipSync } from 'fflate';
import {
  WORD_SECTIONS,
  collapsedSpacePdf,
  colonListItemPdf,
  cutCapitalsInTaggedParagraphPdf,
  flippedType3Pdf,
  referenceChapterPdf,
  sectionRunningHeadsPdf,
  spacingAccentsPdf,
  wordHtmlRulesPdf,
} from '../../helpers/producer-fixtures';
import { TEX_BODY_TEXT, texEncodingsPdf } from '../../helpers/tex-fixtures';

const ctx = () => ({ assets: new MemoryAssetStore() });

describe('text as other producers set it', () => {
  it('does not break a word at a space character that word spacing shrinks to nothing', async () => {
    const layout = await analyzeLayout(await collapsedSpacePdf(), ctx(), { parallelism: 1 });
    const text = layout.pages[0].lines.map((l) => l.text).join('\n');
    expect(text).toContain('so negative indices count back');
  });

  it('keeps a spacing accent set beside the letters as a character, and composes one set over its letter', async () => {
    const layout = await analyzeLayout(await spacingAccentsPdf(), ctx(), { parallelism: 1 });
    expect(layout.pages[0].lines.map((l) => l.text)).toEqual([
      'Press \u02C6C to stop; the \u02C6 operator converts.',
      'A café in the square.',
    ]);
  });

  it('reads a Type 3 glyph whose font matrix and text matrix both flip y as upright text', async () => {
    const layout = await analyzeLayout(await flippedType3Pdf(), ctx(), { parallelism: 1 });
    expect(layout.pages[0].lines.map((l) => l.text)).toEqual([
      'Refer to the variable $count in the handler.',
    ]);
  });
});

describe('paragraphs as other producers set them', () => {
  it('goes on with a paragraph after a word cut by a hyphen, even where the rest of the word is in capitals', async () => {
    const c = ctx();
    const layout = await analyzeLayout(await cutCapitalsInTaggedParagraphPdf(), c, { parallelism: 1 });
    const content = await extractContent(layout, c, {});
    const texts = content.blocks.map((b) => ('inlines' in b ? b.inlines.map((i) => i.text).join('') : ''));
    expect(texts).toContain(
      '-i The variable is treated as an integer; arithmetic evaluation (see ARITHMETIC EVALUATION above) is performed when the variable is assigned a value.',
    );
  });
});

describe('running heads as other producers set them', () => {
  it('drops section titles set in the running-head slot in another font than the chapter title', async () => {
    const layout = await analyzeLayout(await sectionRunningHeadsPdf(), ctx(), { parallelism: 1 });
    for (const page of layout.pages) {
      const [head, ...body] = [...page.lines].sort((a, b) => a.box.y - b.box.y);
      expect(head.artifact).toBe('header');
      expect(body[0].text).toContain(`Body text of page ${page.index + 1}`);
      expect(body.every((l) => !l.artifact)).toBe(true);
    }
  });
});

/** A layout of `pages` empty pages whose first page carries `header` as a dropped running-head line. */
function layoutWithHeader(pages: number, header: string, outline: LayoutArtifact['outline']): LayoutArtifact {
  const headLine: Line = {
    text: header,
    box: { x: 290, y: 44, w: 40, h: 10 },
    spans: [],
    fontId: 'f1',
    size: 10,
    bold: true,
    italic: false,
    monospace: false,
    column: 0,
    artifact: 'header',
  };
  return {
    version: 1,
    pageCount: pages,
    pages: Array.from({ length: pages }, (_, index) => ({
      index,
      width: 612,
      height: 792,
      lines: index === 1 ? [headLine] : [],
      columns: 1,
      images: [],
      links: [],
      complexity: { complex: false, reasons: [] },
    })),
    fonts: {},
    fontStats: { bodySize: 10, headingSizes: [24, 16], monospaceFontIds: [] },
    outline,
    metadata: {},
    runningPatterns: [],
  };
}

describe('outline titles as other producers print them', () => {
  it('gives a chapter heading back the label printed in the running head above it', async () => {
    const blocks: Block[] = [
      { kind: 'paragraph', id: 'b1', page: 0, y: 80, inlines: [{ text: 'Preface text of the book.' }] },
      {
        kind: 'heading',
        id: 'b2',
        page: 1,
        y: 76,
        level: 1,
        text: 'Introduction',
        inlines: [{ text: 'Introduction' }],
      },
      { kind: 'paragraph', id: 'b3', page: 1, y: 110, inlines: [{ text: 'SystemTap is a tracing tool.' }] },
    ];
    const content: ContentArtifact = {
      version: 1,
      blocks,
      assets: [],
      stats: { pages: 2, blocks: blocks.length, words: 12, emptyPages: [] },
    };
    const outline = [
      { title: 'Preface', pageIndex: 0, y: 80, children: [] },
      { title: 'Chapter 1. Introduction', pageIndex: 1, y: 44, children: [] },
    ];
    const withLabel = await identifyStructure(layoutWithHeader(2, 'Chapter 1.', outline), content, {
      assets: new MemoryAssetStore(),
    });
    const headings = withLabel.chapters.flatMap((c) => c.blocks).filter((b) => b.kind === 'heading');
    expect(headings.map((h) => (h.kind === 'heading' ? h.text : ''))).toContain('Chapter 1. Introduction');
    // A running head that says something else gives nothing.
    const other = await identifyStructure(layoutWithHeader(2, 'Chapter 7.', outline), content, {
      assets: new MemoryAssetStore(),
    });
    const texts = other.chapters.flatMap((c) => c.blocks).map((b) => (b.kind === 'heading' ? b.text : ''));
    expect(texts).toContain('Introduction');
    expect(texts.join('|')).not.toContain('Chapter');
  });
});

describe('text as older TeX toolchains set it', () => {
  it('reads ligatures, quotes, dashes and Greek a partial ToUnicode map leaves unmapped, by the font’s TeX encoding', async () => {
    const layout = await analyzeLayout(await texEncodingsPdf(), ctx(), { parallelism: 1 });
    const texts = layout.pages[0].lines.map((l) => l.text);
    expect(texts).toContain(TEX_BODY_TEXT);
    expect(texts).toContain('Aπrλ');
  });

  it('reads an underscore drawn as a rule on the baseline, and leaves an underline alone', async () => {
    const layout = await analyzeLayout(await texEncodingsPdf(), ctx(), { parallelism: 1 });
    const texts = layout.pages[0].lines.map((l) => l.text);
    expect(texts).toContain('glp_create_prob');
    expect(texts).toContain('Note');
  });
});

/** The five stages in-process on `pdf`; the EPUB's files unzipped. */
async function convertAll(pdf: Uint8Array) {
  const c = ctx();
  const layout = await analyzeLayout(pdf, c, { parallelism: 1 });
  const content = await extractContent(layout, c, {});
  const book = await identifyStructure(layout, content, c);
  const epub = await generateEpub(book, c);
  const report = await calculateQuality({ layout, chapterCount: book.chapters.length, epub }, c);
  return { content, book, files: unzipSync(epub), report };
}

describe('Word documents first written in HTML', () => {
  it('keeps horizontal rules drawn as thin pictures, in one image file shown at each place', async () => {
    const { content, book, files, report } = await convertAll(await wordHtmlRulesPdf());
    const rules = content.blocks.filter((b) => b.kind === 'figure');
    expect(rules).toHaveLength(3);
    expect(rules.every((b) => b.kind === 'figure' && b.rule && b.alt === '' && !b.caption)).toBe(true);
    expect(book.coverAsset).toBeUndefined();
    const images = Object.keys(files).filter(
      (name) => name.startsWith('OEBPS/images/') && name.endsWith('.png'),
    );
    expect(images).toHaveLength(1);
    const xhtml = Object.entries(files)
      .filter(([name]) => /OEBPS\/ch\d+\.xhtml$/.test(name))
      .map(([, data]) => strFromU8(data))
      .join('\n');
    expect(
      xhtml.match(/<div id="[^"]+" class="rule"><img src="images\/[^"]+" alt=""\/><\/div>/g),
    ).toHaveLength(3);
    expect(report.components.images.detail).toMatchObject({ epubImages: 3, pdfImages: 3 });
  });

  it('takes a chapter title followed by the bulleted list of its sections as a heading', async () => {
    const { book } = await convertAll(await wordHtmlRulesPdf());
    const headings = book.chapters
      .flatMap((c) => c.blocks)
      .flatMap((b) => (b.kind === 'heading' ? [[b.text, b.level]] : []));
    expect(headings).toEqual([['General Operation', 1], ...WORD_SECTIONS.map((t) => [t, 2])]);
  });

  it('keeps a long chapter of short reference entries in one document', async () => {
    const { book } = await convertAll(await referenceChapterPdf());
    expect(book.chapters.map((c) => c.title)).toEqual(['Introduction', 'Command Reference', 'Appendix']);
    expect(book.toc[1].children).toHaveLength(60);
  });
});

describe('lists as htmldoc sets them', () => {
  it("keeps a list item's line ending with a colon and the word hung under it in one item", async () => {
    const c = ctx();
    const content = await extractContent(
      await analyzeLayout(await colonListItemPdf(), c, { parallelism: 1 }),
      c,
      {},
    );
    const items = content.blocks.flatMap((b) =>
      b.kind === 'list_item' ? [b.inlines.map((i) => i.text).join('')] : [],
    );
    expect(items).toEqual([
      'Icons in the side and bottom panels appear then disappear',
      'A warning about some action not found occurs, like "Warning: Actions not found: ModeOpenCompound"',
      'An X error occurs with the Request code, or thick line shows through',
      'On Ubuntu Precise:',
    ]);
  });
});
