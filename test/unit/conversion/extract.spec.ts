import { analyzeLayout } from '../../../src/conversion/analyze';
import { extractContent } from '../../../src/conversion/extract';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { BookDictionary } from '../../../src/conversion/extract/dehyphenate';
import type { LayoutArtifact } from '../../../src/conversion/model/layout';
import type { Block, ContentArtifact, Inline } from '../../../src/conversion/model/content';
import {
  CODE_LINES,
  codeLineEndingInCutWordPdf,
  LOOK_ALIKE_SECTIONS,
  TABLE_ROWS,
  codePdf,
  fontHeadingsPdf,
  hyphenationPdf,
  imagePdf,
  linksPdf,
  lookAlikeHeadingsPdf,
  loweredLetterPdf,
  NUMBERED_LISTING,
  numberedListingPdf,
  OUTPUT_LINES,
  programOutputPdf,
  outdentedCodeTitlePdf,
  boldTitleAtPageTopPdf,
  bulletWithInlineCodePdf,
  pageBreakParagraphPdf,
  proseWithInlineCodePdf,
  tallMarginPageNumbersPdf,
  tinyLabelsPdf,
  runningHeadersPdf,
  tablePdf,
  twoColumnPdf,
} from '../../helpers/pdf-fixtures';

async function convert(pdf: Uint8Array): Promise<{ content: ContentArtifact; assets: MemoryAssetStore }> {
  const assets = new MemoryAssetStore();
  const ctx = { assets };
  const layout = await analyzeLayout(pdf, ctx, { parallelism: 1 });
  const content = await extractContent(layout, ctx, {});
  return { content, assets };
}

const text = (inlines: Inline[]) => inlines.map((i) => i.text).join('');

function texts(blocks: Block[]): string[] {
  return blocks.map((b) => {
    switch (b.kind) {
      case 'code':
        return b.text;
      case 'table':
        return b.rows.flat().join('|');
      case 'figure':
        return b.caption ? text(b.caption) : '';
      case 'heading':
        return b.text;
      default:
        return text(b.inlines);
    }
  });
}

describe('extractContent', () => {
  it('joins a paragraph across a page break', async () => {
    const { content } = await convert(await pageBreakParagraphPdf());
    const paras = texts(content.blocks.filter((b) => b.kind === 'paragraph'));
    expect(paras).toContain(
      'The sentence that crosses the page break starts on the first page and ends on the second page, as one paragraph.',
    );
    expect(paras).toContain('A new paragraph starts after a blank line.');
  });

  it('drops running headers and page numbers', async () => {
    const { content } = await convert(await runningHeadersPdf(6));
    const all = texts(content.blocks).join('\n');
    expect(all).not.toContain('Running Header');
    expect(all).not.toMatch(/^\d+$/m);
    for (let i = 1; i <= 6; i++) expect(all).toContain(`Body text of page ${i}.`);
  });

  it('dehyphenates with the book as dictionary', async () => {
    const { content } = await convert(await hyphenationPdf());
    const first = texts(content.blocks)[0];
    expect(first).toContain('useful information about');
    expect(first).toContain('a well-known rule');
    expect(first).not.toContain('informa-');
  });

  it('keeps monospace code as a code block with indentation', async () => {
    const { content } = await convert(await codePdf());
    const code = content.blocks.filter((b) => b.kind === 'code');
    expect(code).toHaveLength(1);
    expect(code[0].kind === 'code' && code[0].text).toBe(CODE_LINES.join('\n'));
    expect(texts(content.blocks)).toEqual([
      'The following function greets a person.',
      CODE_LINES.join('\n'),
      'That was the whole program.',
    ]);
  });

  it('keeps rules of dashes and lines of digits in code, and drops a decorative rule of letters', async () => {
    const { content } = await convert(await programOutputPdf());
    expect(texts(content.blocks)).toEqual([
      'The script prints the following lines.',
      OUTPUT_LINES.join('\n'),
      'That was all of it.',
    ]);
  });

  it('turns a simple grid into a table', async () => {
    const { content } = await convert(await tablePdf());
    const table = content.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows).toEqual(TABLE_ROWS);
    expect(table?.kind === 'table' && table.headerRow).toBe(true);
  });

  it('extracts an image once as a figure asset with its caption, skipping tiny images', async () => {
    const { content, assets } = await convert(await imagePdf());
    const figures = content.blocks.filter((b) => b.kind === 'figure');
    expect(figures).toHaveLength(2);
    expect(content.assets).toHaveLength(1);
    const [asset] = content.assets;
    expect(asset).toMatchObject({ width: 64, height: 48, mediaType: 'image/png' });
    const bytes = await assets.get(asset.name);
    expect(Buffer.from(bytes.subarray(1, 4)).toString('latin1')).toBe('PNG');
    const first = figures[0];
    expect(first.kind === 'figure' && first.caption && text(first.caption)).toBe('Figure 1: Quadrants.');
    expect(first.kind === 'figure' && first.image.name).toBe(asset.name);
    expect(texts(content.blocks)).toContain('Text after the figure.');
  });

  it('reads headings from font sizes', async () => {
    const { content } = await convert(await fontHeadingsPdf());
    const headings = content.blocks.filter((b) => b.kind === 'heading');
    expect(headings.map((h) => h.kind === 'heading' && [h.text, h.level])).toEqual([
      ['The Big Title', 1],
      ['First Section', 2],
      ['Second Section', 2],
    ]);
  });

  it('turns link annotations into inline links (external and internal)', async () => {
    const { content } = await convert(await linksPdf());
    const inlines = content.blocks.flatMap((b) => ('inlines' in b ? b.inlines : []));
    const ext = inlines.find((i) => i.href?.startsWith('http'));
    expect(ext).toMatchObject({ text: 'example site', href: 'https://example.com/' });
    expect(inlines.some((i) => i.href?.startsWith('javascript'))).toBe(false);
    const internal = inlines.find((i) => i.href?.startsWith('#'));
    expect(internal).toBeDefined();
    const target = content.blocks.find((b) => `#${b.id}` === internal?.href);
    expect(target && texts([target])[0]).toBe('Target heading here');
  });

  it('reads two columns as two flows of paragraphs', async () => {
    const { content } = await convert(await twoColumnPdf());
    const all = texts(content.blocks);
    expect(all[0]).toBe('A Title Across Both Columns');
    const alpha = all.find((t) => t.startsWith('Alpha column text begins'));
    expect(alpha).toMatch(/Alpha column text ends here\.$/);
    const beta = all.find((t) => t.startsWith('Beta column text begins'));
    expect(beta).toMatch(/Beta column text ends here\.$/);
  });
});

describe('extractContent on look-alike layouts', () => {
  it('keeps numbered titles at page tops that look alike once digits are masked, and drops the footer', async () => {
    const { content } = await convert(await lookAlikeHeadingsPdf());
    const all = texts(content.blocks);
    for (const n of LOOK_ALIKE_SECTIONS) expect(all).toContain(`${n}.4 External links`);
    expect(all.join('\n')).not.toContain('User Manual');
  });

  it('drops page numbers set far above the bottom edge when they follow the pages', async () => {
    const { content } = await convert(await tallMarginPageNumbersPdf());
    const all = texts(content.blocks);
    expect(all.filter((t) => /^\d+$/.test(t.trim()))).toEqual([]);
    expect(all.filter((t) => /^\d+\s|\s\d+$/.test(t.trim()))).toEqual([]);
    for (let i = 1; i <= 6; i++) expect(all.join('\n')).toContain(`Body text of page ${i}.`);
  });

  it('keeps a listing with line numbers in the text font as one code block, and a numbered title after it apart', async () => {
    const { content } = await convert(await numberedListingPdf());
    const code = content.blocks.filter((b) => b.kind === 'code');
    expect(
      texts(code)[0]
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual(NUMBERED_LISTING);
    expect(code.some((b) => texts([b])[0].includes('113 }') && texts([b])[0].includes('2.3'))).toBe(false);
    expect(texts(content.blocks)).toContain('2.3 \\DeclareThing');
  });

  it('reads a bulleted line that is mostly inline code as a list item, not a code block', async () => {
    const { content } = await convert(await bulletWithInlineCodePdf());
    expect(content.blocks.filter((b) => b.kind === 'code')).toHaveLength(0);
    const item = content.blocks.find((b) => b.kind === 'list_item');
    expect(item && texts([item])[0]).toBe('redefines \\@xfootnotenext, \\@xfootnotemark, \\@mpfootnotetext');
  });

  it('keeps a letter lowered inside a word (the TeX logo) in its line', async () => {
    const { content } = await convert(await loweredLetterPdf());
    const all = texts(content.blocks);
    expect(all[0]).toBe('Support for Plain TEX (plain.def) files is kept for old documents.');
    expect(all).not.toContain('E');
  });

  it("keeps a diagram's tiny labels out of a sentence that goes on past them", async () => {
    const { content } = await convert(await tinyLabelsPdf());
    const all = texts(content.blocks);
    expect(all).toContain(
      'In general, if loops are nested to a depth k, and each loop has n paths through it, the tree grows with every path.',
    );
    expect(all.some((t) => t.includes('Nested Tree'))).toBe(true);
  });

  it('reads a line of mostly inline code that ends in a hyphen-cut word as part of its sentence', async () => {
    const { content } = await convert(await codeLineEndingInCutWordPdf());
    expect(content.blocks.filter((b) => b.kind === 'code')).toHaveLength(0);
    expect(texts(content.blocks).join('\n')).toContain('including function signature and variable matching.');
  });

  it('starts a new block at a numbered monospace title set left of the listing before it', async () => {
    const { content } = await convert(await outdentedCodeTitlePdf());
    const all = texts(content.blocks);
    expect(all.some((t) => t.includes('\\ifverbose') && t.includes('2.2.3'))).toBe(false);
    expect(all).toContain('2.2.3 \\DeclareComplementaryOption');
  });

  it('starts a new block at a bold title opening the next page, even after an unfinished line', async () => {
    const { content } = await convert(await boldTitleAtPageTopPdf());
    const all = texts(content.blocks);
    expect(all).toContain('Other New Features');
    expect(all.some((t) => t.includes('polar Other New Features'))).toBe(false);
    const title = content.blocks.find((b) => texts([b])[0] === 'Other New Features');
    expect(title?.kind).toBe('heading');
  });

  it('reads a hyphen-continued line that is mostly inline code as the same paragraph, not a code block', async () => {
    const { content } = await convert(await proseWithInlineCodePdf());
    expect(content.blocks.filter((b) => b.kind === 'code')).toHaveLength(0);
    const para = texts(content.blocks).find((t) => t.startsWith('Creating a deep copy'));
    expect(para).toContain('to be expanded using asn1_create_element_of_node().');
  });
});

describe('BookDictionary', () => {
  const dictOf = (texts: string[]) =>
    BookDictionary.fromLayout({
      pages: [{ lines: texts.map((t) => ({ text: t })) }],
    } as unknown as LayoutArtifact);

  it('joins a word in capitals split by a hyphen unless the book uses it as a compound', () => {
    const dict = dictOf(['ASN1_ELEMENT_NOT_FOUND if the ELEMENT is missing', 'a NON-ASCII name']);
    expect(dict.decide('if ELE-', 'MENT is NULL')).toBe('join');
    expect(dict.decide('PROVE DEFEC-', 'TIVE, YOU ASSUME')).toBe('join');
    expect(dict.decide('a NON-', 'ASCII name')).toBe('keep');
    expect(dict.decide('a non-', 'Linear map')).toBe('keep');
    expect(dict.decide('bitops-bitwise-', 'and, crypto-sha1', true)).toBe('keep');
    expect(dict.decide('the ELE-', 'MENT list', true)).toBe('join');
  });
});
