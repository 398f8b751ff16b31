/** applyReading: an AI reading replaces a page's heuristic blocks only when it keeps exactly the page's text. */
import { applyReading, type PageContext } from '../../src/ai/apply';
import type { PageInput, PageReading } from '../../src/ai/reading';
import type { Block, FigureBlock } from '../../src/conversion/model/content';

function input(page: number, lines: string[]): PageInput {
  return {
    page,
    width: 612,
    height: 792,
    columns: 1,
    complexityReasons: [],
    lines: lines.map((text, index) => ({
      index,
      text,
      x: 72,
      y: 72 + index * 12,
      w: 400,
      size: 10,
      font: 'Times',
      bold: false,
      italic: false,
      monospace: false,
      column: 0,
    })),
    heuristicReading: [],
    imageCount: 0,
  };
}

function paragraph(id: string, page: number, text: string): Block {
  return { id, kind: 'paragraph', page, y: 72, inlines: [{ text }] };
}

function reading(page: number, blocks: PageReading['blocks'], artifact_lines: number[] = []): PageReading {
  return { page, blocks, artifact_lines };
}

function ctx(partial: Partial<PageContext> & Pick<PageContext, 'input' | 'heuristic'>): PageContext {
  return { nextPageWords: [], ...partial };
}

describe('applyReading', () => {
  it('accepts a reading with the same words and gives the blocks the replaced ids', () => {
    const page = input(3, ['Results', 'The parser reads every page', 'and keeps the order.']);
    const heuristic = [paragraph('b7', 3, 'Results The parser reads every page and keeps the order.')];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(3, [
        { role: 'heading', level: 2, text: 'Results' },
        { role: 'paragraph', text: 'The parser reads every page and keeps the order.' },
      ]),
      new Set(['b7']),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.blocks.map((b) => [b.id, b.kind, b.page])).toEqual([
      ['b7', 'heading', 3],
      ['ai3x0', 'paragraph', 3],
    ]);
    expect(result.blocks[1].y).toBe(84);
  });

  it('refuses a reading that adds words, loses words or drops body text as an artifact', () => {
    const page = input(0, ['one two three four five six seven eight nine ten']);
    const heuristic = [paragraph('b0', 0, 'one two three four five six seven eight nine ten')];
    const c = ctx({ input: page, heuristic });
    const added = applyReading(
      c,
      reading(0, [
        {
          role: 'paragraph',
          text: 'one two three four five six seven eight nine ten eleven twelve thirteen',
        },
      ]),
      new Set(),
    );
    const lost = applyReading(
      c,
      reading(0, [{ role: 'paragraph', text: 'one two three four five six seven' }]),
      new Set(),
    );
    expect(added).toEqual({ ok: false, reason: 'text differs from the page (+3/-0 words)' });
    expect(lost).toEqual({ ok: false, reason: 'text differs from the page (+0/-3 words)' });
  });

  it('drops margin lines as artifacts, body lines only when the heuristics dropped them too', () => {
    const page = input(0, ['Body text of the page.', 'Section 2', '•']);
    page.lines[1].y = 400;
    page.lines[2].y = 410;
    const marginPage = input(0, ['Body text of the page.', 'Section 2']);
    marginPage.lines[1].y = 770;
    const heuristic = [paragraph('b0', 0, 'Body text of the page. Section 2')];
    const body = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'Body text of the page.' }], [1, 2]),
      new Set(),
    );
    const debris = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'Body text of the page. Section 2' }], [2]),
      new Set(),
    );
    const margin = applyReading(
      ctx({ input: marginPage, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'Body text of the page.' }], [1]),
      new Set(),
    );
    expect(body).toEqual({ ok: false, reason: 'reading loses 8 character(s) of the heuristic text' });
    const labelDroppedByBoth = applyReading(
      ctx({ input: page, heuristic: [paragraph('b0', 0, 'Body text of the page.')] }),
      reading(0, [{ role: 'paragraph', text: 'Body text of the page.' }], [1, 2]),
      new Set(),
    );
    expect(labelDroppedByBoth.ok).toBe(true);
    expect(debris.ok).toBe(true);
    expect(margin.ok).toBe(true);
  });

  it('does not lose a single character the heuristics printed, however the words are split', () => {
    const page = input(0, ['see the 3d-raytrace and access-fannkuch benchmarks']);
    const heuristic = [paragraph('b0', 0, 'see the 3d-raytrace and access-fannkuch benchmarks')];
    const regrouped = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'see the 3d raytrace and access-fannkuch benchmarks' }]),
      new Set(),
    );
    const shorter = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'see 3d-raytrace and access-fannkuch benchmarks' }]),
      new Set(),
    );
    expect(regrouped.ok).toBe(true);
    expect(shorter).toEqual({ ok: false, reason: 'reading loses 3 character(s) of the heuristic text' });
  });

  it('tolerates two stray words and joined hyphenations', () => {
    const page = input(0, ['an exam-', 'ple of hyphen-', 'ation across lines']);
    const heuristic = [paragraph('b0', 0, 'an example of hyphenation across lines')];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'an example of hyphenation across lines' }]),
      new Set(),
    );
    expect(result.ok).toBe(true);
  });

  it('keeps a paragraph that continues on the next page whole', () => {
    const page = input(4, ['Intro text.', 'A long paragraph starts here and']);
    const heuristic = [
      paragraph('b1', 4, 'Intro text.'),
      paragraph('b2', 4, 'A long paragraph starts here and goes on over the page.'),
    ];
    const result = applyReading(
      ctx({ input: page, heuristic, nextPageWords: ['goes', 'on', 'over', 'the', 'page', 'next'] }),
      reading(4, [
        { role: 'heading', level: 3, text: 'Intro text.' },
        { role: 'paragraph', text: 'A long paragraph starts here and' },
      ]),
      new Set(),
    );
    if (!result.ok) throw new Error(result.reason);
    const last = result.blocks[1];
    expect(last.kind === 'paragraph' && last.inlines.map((i) => i.text).join('')).toBe(
      'A long paragraph starts here and goes on over the page.',
    );
  });

  it('leaves the top of a page that the previous page’s paragraph already holds', () => {
    const page = input(5, ['the end of a sentence.', 'A new paragraph.']);
    const previousBlock = paragraph('b1', 4, 'It runs on to the end of a sentence.');
    const heuristic = [paragraph('b2', 5, 'A new paragraph.')];
    const result = applyReading(
      ctx({ input: page, heuristic, previousBlocks: [previousBlock] }),
      reading(5, [
        { role: 'paragraph', text: 'the end of a sentence.' },
        { role: 'list_item', marker: 'A', ordered: true, text: 'new paragraph.' },
      ]),
      new Set(),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.blocks).toHaveLength(1);
    expect(result.blocks[0]).toMatchObject({ id: 'b2', kind: 'list_item', marker: 'A' });
  });

  it('recognises a word hyphenated across the page break as part of the previous paragraph', () => {
    const page = input(5, ['ple of the rule.', 'Next one.']);
    const previousBlock = paragraph('b1', 4, 'This is an example of the rule.');
    const heuristic = [paragraph('b2', 5, 'Next one.')];
    const result = applyReading(
      ctx({ input: page, heuristic, previousBlocks: [previousBlock] }),
      reading(5, [
        { role: 'paragraph', text: 'ple of the rule.' },
        { role: 'heading', level: 2, text: 'Next one.' },
      ]),
      new Set(),
    );
    expect(result).toMatchObject({ ok: true, blocks: [{ id: 'b2', kind: 'heading' }] });
  });

  it('refuses a reading that would print the previous page’s paragraph twice', () => {
    const page = input(5, ['words that were moved.', 'Next one.']);
    const previousBlock = paragraph('b1', 4, 'Some words that were moved. And then more text after them.');
    const heuristic = [paragraph('b2', 5, 'Next one.')];
    const result = applyReading(
      ctx({ input: page, heuristic, previousBlocks: [previousBlock] }),
      reading(5, [
        { role: 'paragraph', text: 'words that were moved.' },
        { role: 'paragraph', text: 'Next one.' },
      ]),
      new Set(),
    );
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/repeat the previous page/) });
  });

  it('finds the continued paragraph behind the previous page’s footnotes, even when the page has no block', () => {
    const page = input(7, ['runs on to this page and ends here.']);
    const previousBlocks: Block[] = [
      paragraph('b1', 6, 'A paragraph that runs on to this page and ends here.'),
      { id: 'b2', kind: 'footnote', page: 6, y: 700, label: '1', inlines: [{ text: 'A footnote.' }] },
    ];
    const result = applyReading(
      ctx({ input: page, heuristic: [], previousBlocks }),
      reading(7, [{ role: 'paragraph', text: 'runs on to this page and ends here.' }]),
      new Set(),
    );
    expect(result).toEqual({ ok: false, reason: 'nothing of its own on the page (continued paragraph)' });
  });

  it('refuses a reading that turns the heuristics’ code into prose', () => {
    const page = input(0, ['Run it:', 'x <- c(1, 2, 3)', 'mean(x)']);
    const heuristic: Block[] = [
      paragraph('b0', 0, 'Run it:'),
      { id: 'b1', kind: 'code', page: 0, y: 84, text: 'x <- c(1, 2, 3)\nmean(x)' },
    ];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'Run it: x <- c(1, 2, 3) mean(x)' }]),
      new Set(),
    );
    expect(result).toEqual({ ok: false, reason: 'reading turns code into prose' });
  });

  it('refuses a reading that loses a word the heuristics printed, even when no letter is lost', () => {
    const page = input(0, ['It was shown at the 27th symposium.']);
    const heuristic = [paragraph('b0', 0, 'It was shown at the 27th symposium.')];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'It was shown at the 27 th symposium.' }]),
      new Set(),
    );
    expect(result).toEqual({ ok: false, reason: 'reading loses word(s) the heuristics printed: 27th' });
  });

  it('refuses a reading that loses a table the heuristics found', () => {
    const page = input(1, ['Name Size', 'alpha 1']);
    const heuristic: Block[] = [
      {
        id: 'b0',
        kind: 'table',
        page: 1,
        y: 72,
        rows: [
          ['Name', 'Size'],
          ['alpha', '1'],
        ],
        headerRow: true,
      },
    ];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(1, [{ role: 'paragraph', text: 'Name Size alpha 1' }]),
      new Set(),
    );
    expect(result).toEqual({ ok: false, reason: 'reading loses 1 table(s) the heuristics found' });
  });

  it('refuses a reading that splits a sentence into two paragraphs', () => {
    const page = input(0, ['The parser reads the page and', 'keeps the order of the lines.']);
    const heuristic = [paragraph('b0', 0, 'The parser reads the page and keeps the order of the lines.')];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [
        { role: 'paragraph', text: 'The parser reads the page and' },
        { role: 'paragraph', text: 'keeps the order of the lines.' },
      ]),
      new Set(),
    );
    expect(result).toEqual({ ok: false, reason: 'reading breaks paragraphs mid-sentence' });
  });

  it('keeps bold, monospace and links of the heuristic words', () => {
    const page = input(0, ['Call parse() as described in the manual.']);
    const heuristic: Block[] = [
      {
        id: 'b0',
        kind: 'paragraph',
        page: 0,
        y: 72,
        inlines: [
          { text: 'Call ' },
          { text: 'parse()', monospace: true },
          { text: ' as described in ' },
          { text: 'the manual', href: 'https://example.org/manual' },
          { text: '.' },
        ],
      },
    ];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(0, [{ role: 'paragraph', text: 'Call parse() as described in the manual.' }]),
      new Set(),
    );
    if (!result.ok) throw new Error(result.reason);
    const block = result.blocks[0];
    expect(block.kind === 'paragraph' && block.inlines).toEqual([
      { text: 'Call ' },
      { text: 'parse() ', monospace: true },
      { text: 'as described in ' },
      { text: 'the manual.', href: 'https://example.org/manual' },
    ]);
  });

  it('gives a figure its AI caption and keeps the image', () => {
    const figure: FigureBlock = {
      id: 'b1',
      kind: 'figure',
      page: 2,
      y: 100,
      alt: 'diagram',
      image: { name: 'img-0001.png', mediaType: 'image/png', width: 10, height: 10 },
    };
    const page = input(2, ['Figure 1: The pipeline stages', 'Body text follows here.']);
    const heuristic = [figure, paragraph('b2', 2, 'Figure 1: The pipeline stages Body text follows here.')];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(2, [
        { role: 'caption', text: 'Figure 1: The pipeline stages' },
        { role: 'paragraph', text: 'Body text follows here.' },
      ]),
      new Set(),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.blocks.map((b) => b.kind)).toEqual(['figure', 'paragraph']);
    const fig = result.blocks[0] as FigureBlock;
    expect(fig.id).toBe('b1');
    expect(fig.image.name).toBe('img-0001.png');
    expect(fig.caption?.map((i) => i.text).join('')).toBe('Figure 1: The pipeline stages');
  });

  it('reads a table from the lines', () => {
    const page = input(1, ['Name Size', 'alpha 1', 'beta 2']);
    const heuristic = [paragraph('b0', 1, 'Name Size alpha 1 beta 2')];
    const result = applyReading(
      ctx({ input: page, heuristic }),
      reading(1, [
        {
          role: 'table',
          header_row: true,
          rows: [
            ['Name', 'Size'],
            ['alpha', '1'],
            ['beta', '2'],
          ],
        },
      ]),
      new Set(),
    );
    expect(result).toMatchObject({ ok: true, blocks: [{ id: 'b0', kind: 'table', headerRow: true }] });
  });
});
