import { analyzeLayout } from '../../../src/conversion/analyze';
import { extractContent } from '../../../src/conversion/extract';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import type { Block, ContentArtifact, Inline } from '../../../src/conversion/model/content';
import {
  CODE_LINES,
  TABLE_ROWS,
  codePdf,
  fontHeadingsPdf,
  hyphenationPdf,
  imagePdf,
  linksPdf,
  pageBreakParagraphPdf,
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
