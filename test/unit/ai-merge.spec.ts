/**
 * The AI pass end to end against the local stub answering with its correct reading (real SDKs over 127.0.0.1, no
 * cache): paragraphs continued over a page break stay one paragraph, tables the heuristics found survive, and the
 * stub reads a grid of cells as a table.
 */
import { enhanceContent } from '../../src/ai/enhance';
import { readPage, type StubLine } from '../../src/ai/stub/stub-reading';
import { blockText } from '../../src/conversion/block-text';
import type { Block, ContentArtifact } from '../../src/conversion/model/content';
import { AiStubServer, buildFixture, stubConfig } from '../helpers/ai-stub-server';

function paragraphs(content: ContentArtifact): string[] {
  return content.blocks.filter((b) => b.kind === 'paragraph').map((b) => blockText(b));
}

function paragraph(text: string): { kind: 'paragraph'; inlines: Array<{ text: string }> } {
  return { kind: 'paragraph', inlines: [{ text }] };
}

/** Two pages; a paragraph runs from the foot of the first to the top of the second. */
function twoPages(heuristic: 'joined' | 'split') {
  const first = 'The first paragraph starts here and runs on over the page break into';
  const rest = 'the next page where it ends.';
  const fixture = buildFixture([
    {
      lines: [
        { text: 'Introduction', size: 16 },
        'The first paragraph starts here and',
        'runs on over the page break into',
      ],
      blocks: [
        { kind: 'heading', level: 1, text: 'Introduction', inlines: [{ text: 'Introduction' }] },
        paragraph(heuristic === 'joined' ? `${first} ${rest}` : first),
      ],
    },
    {
      lines: ['the next page where it ends.', 'A second paragraph follows it.'],
      blocks:
        heuristic === 'joined'
          ? [paragraph('A second paragraph follows it.')]
          : [paragraph(rest), paragraph('A second paragraph follows it.')],
    },
  ]);
  // Short last lines end their paragraphs (the fixture's lines are all 400 pt wide).
  fixture.layout.pages[1].lines[0].box.w = 150;
  fixture.layout.pages[1].lines[1].box.w = 180;
  return fixture;
}

describe('AI pass with the stub’s correct reading', () => {
  let stub: AiStubServer;
  beforeAll(async () => {
    stub = await AiStubServer.start();
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => stub.reset());

  it('keeps a paragraph continued over a page break as one paragraph when both pages are read by AI', async () => {
    const { layout, content } = twoPages('joined');
    const { content: out, report } = await enhanceContent(layout, content, { config: stubConfig(stub) });
    expect(report.pages.map((p) => p.outcome)).toEqual(['enhanced', 'enhanced']);
    expect(paragraphs(out)).toEqual([
      'The first paragraph starts here and runs on over the page break into the next page where it ends.',
      'A second paragraph follows it.',
    ]);
    expect(out.blocks.find((b) => b.kind === 'heading')).toMatchObject({ text: 'Introduction', page: 0 });
  });

  it('joins a paragraph the heuristics left in two at a page break when the reading says it continues', async () => {
    const { layout, content } = twoPages('split');
    const link: Block = {
      id: 'x',
      kind: 'paragraph',
      page: 1,
      y: 500,
      inlines: [{ text: 'see above', href: '#b2' }],
    };
    content.blocks.push(link);
    layout.pages[1].lines.push({
      ...layout.pages[1].lines[1],
      text: 'see above',
      box: { ...layout.pages[1].lines[1].box, y: 500 },
    });
    const { content: out, report } = await enhanceContent(layout, content, { config: stubConfig(stub) });
    expect(report.pages.map((p) => p.outcome)).toEqual(['enhanced', 'enhanced']);
    expect(paragraphs(out).slice(0, 2)).toEqual([
      'The first paragraph starts here and runs on over the page break into the next page where it ends.',
      'A second paragraph follows it.',
    ]);
    // The link to the block that was joined away points at the paragraph that now holds its text.
    const joined = out.blocks.find((b) => b.kind === 'paragraph' && blockText(b).startsWith('The first'));
    const linking = out.blocks.find((b) => b.kind === 'paragraph' && blockText(b) === 'see above');
    expect(linking?.kind === 'paragraph' && linking.inlines[0].href).toBe(`#${joined?.id}`);
    // The heuristic content itself is not changed in place.
    expect(content.blocks.filter((b) => b.kind === 'paragraph')).toHaveLength(4);
  });

  it('keeps the table the heuristics found when the reading has none', async () => {
    const { layout, content } = buildFixture([
      {
        complex: true,
        lines: ['Option Default', 'width 80', 'depth 3'],
        blocks: [
          {
            kind: 'table',
            headerRow: true,
            rows: [
              ['Option', 'Default'],
              ['width', '80'],
              ['depth', '3'],
            ],
          },
        ],
      },
    ]);
    const { content: out, report } = await enhanceContent(layout, content, { config: stubConfig(stub) });
    expect(report.pages[0]).toMatchObject({
      outcome: 'heuristic',
      kept: 'reading loses 1 table(s) the heuristics found',
    });
    expect(out.blocks.map((b) => b.kind)).toEqual(['table']);
  });
});

describe('the stub’s reading of a page', () => {
  const line = (
    index: number,
    text: string,
    x: number,
    y: number,
    extra: Partial<StubLine> = {},
  ): StubLine => ({
    index,
    text,
    x,
    y,
    width: 6 * text.length,
    size: 10,
    font: 'Times',
    bold: false,
    italic: false,
    monospace: false,
    column: 0,
    ...extra,
  });

  it('reads rows of aligned cells as a table, code as code, headings, indented paragraphs and page numbers', () => {
    const reading = readPage(
      {
        page: 3,
        width: 612,
        height: 792,
        columns: 1,
        lines: [
          line(0, '2 Options', 72, 72, { size: 14, bold: true }),
          line(1, 'the rest of a sentence begun on the page before, which ends here.', 72, 100, {
            width: 300,
          }),
          line(2, 'A new paragraph starts with an indent and runs', 84, 112, { width: 288 }),
          line(3, 'on to a short last line.', 72, 124, { width: 120 }),
          line(4, 'Option', 72, 150),
          line(5, 'Default', 200, 150),
          line(6, 'width', 72, 162),
          line(7, '80', 200, 162),
          line(8, 'x <- c(1, 2)', 90, 190, { monospace: true }),
          line(9, 'mean(x)', 90, 202, { monospace: true }),
          line(10, 'The page ends in the middle of a sentence that goes', 72, 230, { width: 300 }),
          line(11, '17', 300, 760),
        ],
      },
      10,
      [14],
    );
    expect(reading).toEqual({
      page: 3,
      blocks: [
        { role: 'heading', level: 1, text: '2 Options' },
        { role: 'paragraph', text: 'the rest of a sentence begun on the page before, which ends here.' },
        {
          role: 'paragraph',
          text: 'A new paragraph starts with an indent and runs on to a short last line.',
        },
        {
          role: 'table',
          rows: [
            ['Option', 'Default'],
            ['width', '80'],
          ],
          header_row: false,
        },
        { role: 'code', text: 'x <- c(1, 2)\nmean(x)' },
        { role: 'paragraph', text: 'The page ends in the middle of a sentence that goes' },
      ],
      artifact_lines: [11],
      // It starts with a heading, so it does not continue a paragraph of the page before.
      continues_previous_page: false,
      continues_on_next_page: true,
    });
  });
});
