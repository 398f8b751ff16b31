import { MemoryAssetStore } from '../../../src/conversion/assets';
import type { TocEntry } from '../../../src/conversion/model/book';
import type { Block, ContentArtifact, HeadingBlock } from '../../../src/conversion/model/content';
import type { LayoutArtifact, OutlineEntry } from '../../../src/conversion/model/layout';
import { identifyStructure } from '../../../src/conversion/structure';
import { BlockList } from '../../../src/conversion/structure/block-list';
import { findTitleRange } from '../../../src/conversion/structure/block-split';

const para = (id: string, page: number, y: number, text: string): Block => ({
  kind: 'paragraph',
  id,
  page,
  y,
  inlines: [{ text }],
});
const heading = (id: string, page: number, y: number, text: string, level = 1): Block => ({
  kind: 'heading',
  id,
  page,
  y,
  level,
  text,
  inlines: [{ text }],
});
const entry = (
  title: string,
  pageIndex: number,
  y: number | null,
  children: OutlineEntry[] = [],
): OutlineEntry => ({
  title,
  pageIndex,
  y,
  children,
});

function layoutOf(
  pages: number,
  outline: OutlineEntry[] = [],
  metadata: LayoutArtifact['metadata'] = {},
): LayoutArtifact {
  return {
    version: 1,
    pageCount: pages,
    pages: Array.from({ length: pages }, (_, index) => ({
      index,
      width: 612,
      height: 792,
      lines: [],
      columns: 1,
      images: [],
      links: [],
      complexity: { complex: false, reasons: [] },
    })),
    fonts: {},
    fontStats: { bodySize: 10, headingSizes: [16, 13], monospaceFontIds: [] },
    outline,
    metadata,
    runningPatterns: [],
  };
}

function contentOf(blocks: Block[]): ContentArtifact {
  const pages = blocks.reduce((max, b) => Math.max(max, b.page + 1), 0);
  return {
    version: 1,
    blocks,
    assets: [],
    stats: { pages, blocks: blocks.length, words: 0, emptyPages: [] },
  };
}

const ctx = () => ({ assets: new MemoryAssetStore() });
const LOREM = 'The text of the section goes on for a while and says nothing of interest.';

function flat(toc: TocEntry[], depth = 1): { title: string; depth: number; entry: TocEntry }[] {
  return toc.flatMap((e) => [{ title: e.title, depth, entry: e }, ...flat(e.children, depth + 1)]);
}

function blockById(
  book: Awaited<ReturnType<typeof identifyStructure>>,
  id: string | undefined,
): Block | undefined {
  return book.chapters.flatMap((c) => c.blocks).find((b) => b.id === id);
}

describe('identify_structure with an outline', () => {
  const blocks: Block[] = [
    para('b0', 0, 100, 'An Example Book'),
    heading('b1', 1, 72, '1 Getting started', 1),
    para('b2', 1, 120, LOREM),
    para('b3', 2, 72, 'end of the previous section continues here.'),
    heading('b4', 2, 300, '1.1 Installing the tool', 2),
    para('b5', 2, 330, LOREM),
    para('b6', 3, 72, `${LOREM} Configuration files. They live in your home directory.`),
    heading('b7', 4, 72, '2 Usage', 1),
    para('b8', 4, 120, LOREM),
  ];
  const outline = [
    entry('Getting started', 1, 60, [
      entry('Installing the tool', 2, 290),
      entry('Configuration files', 3, 80),
    ]),
    entry('Usage', 4, 60),
  ];

  it('anchors nested entries at their headings, not at the page top, and keeps the nesting', async () => {
    const book = await identifyStructure(layoutOf(5, outline), contentOf(blocks), ctx());
    expect(book.tocSource).toBe('outline');
    const entries = flat(book.toc);
    expect(entries.map((e) => [e.title, e.depth])).toEqual([
      ['Getting started', 1],
      ['Installing the tool', 2],
      ['Configuration files', 2],
      ['Usage', 1],
    ]);
    const install = entries[1].entry;
    expect(install.anchorId).toBe('b4'); // the heading at y=300, not b3 at the top of page 2
    expect((blockById(book, 'b4') as HeadingBlock).level).toBe(2);
    expect((blockById(book, 'b1') as HeadingBlock).level).toBe(1);
  });

  it('splits a paragraph that carries a heading inside it', async () => {
    const book = await identifyStructure(layoutOf(5, outline), contentOf(blocks), ctx());
    const config = flat(book.toc)[2].entry;
    const anchored = blockById(book, config.anchorId);
    expect(anchored).toMatchObject({ kind: 'heading', text: 'Configuration files', level: 2 });
    const all = book.chapters.flatMap((c) => c.blocks);
    const at = all.findIndex((b) => b.id === config.anchorId);
    expect(all[at - 1]).toMatchObject({ kind: 'paragraph', inlines: [{ text: LOREM }] });
    expect(all[at + 1]).toMatchObject({
      kind: 'paragraph',
      inlines: [{ text: 'They live in your home directory.' }],
    });
  });

  it('makes one chapter per top-level entry, with the front matter on its own', async () => {
    const book = await identifyStructure(layoutOf(5, outline), contentOf(blocks), ctx());
    expect(book.chapters.map((c) => c.title)).toEqual(['An Example Book', 'Getting started', 'Usage']);
    expect(book.chapters[0].blocks.map((b) => b.id)).toEqual(['b0']);
    expect(book.toc[1].chapterId).toBe(book.chapters[2].id);
    expect(book.toc[0].children[0].chapterId).toBe(book.chapters[1].id);
  });

  it('splits at the second level when there is a single top-level entry', async () => {
    const single = [
      entry('Getting started', 1, 60, [entry('Installing the tool', 2, 290), entry('Usage', 4, 60)]),
    ];
    const book = await identifyStructure(layoutOf(5, single), contentOf(blocks), ctx());
    expect(book.chapters.map((c) => c.title)).toEqual([
      'An Example Book',
      'Getting started',
      'Installing the tool',
      'Usage',
    ]);
  });

  it('splits an over-long part at its chapters', async () => {
    const many: Block[] = [heading('p', 0, 72, 'Part I Basics')];
    const parts: OutlineEntry[] = [];
    for (let ch = 0; ch < 4; ch++) {
      many.push(heading(`h${ch}`, ch * 10 + 1, 72, `${ch + 1} Chapter number ${ch + 1}`));
      for (let p = 0; p < 10; p++) many.push(para(`p${ch}-${p}`, ch * 10 + 1 + p, 200, LOREM));
      parts.push(entry(`Chapter number ${ch + 1}`, ch * 10 + 1, 60));
    }
    const book = await identifyStructure(
      layoutOf(41, [entry('Part I Basics', 0, 60, parts)]),
      contentOf(many),
      ctx(),
    );
    // The part title page holds only its heading, so it runs on into the first chapter.
    expect(book.chapters.map((c) => c.title)).toEqual([
      'Part I Basics',
      'Chapter number 2',
      'Chapter number 3',
      'Chapter number 4',
    ]);
    expect(book.chapters[0].blocks.map((b) => b.id).slice(0, 3)).toEqual(['p', 'h0', 'p0-0']);
    expect(book.toc[0].children[0].chapterId).toBe(book.chapters[0].id);
  });

  it('finds titles set as "Part I" + title lines, and headings set in a monospace font', async () => {
    const partBlocks: Block[] = [
      heading('p1', 0, 69, 'Part I', 1),
      heading('p2', 0, 89, 'Getting Started', 1),
      para('x', 0, 123, LOREM),
      { kind: 'code', id: 'c1', page: 1, y: 97, text: '6.3.2 attach() and detach()' },
      para('y', 1, 117, LOREM),
      { kind: 'code', id: 'c2', page: 1, y: 214, text: '> attach(lentils)' },
    ];
    const partOutline = [entry('I Getting Started', 0, 70, [entry('attach() and detach()', 1, 72)])];
    const book = await identifyStructure(layoutOf(2, partOutline), contentOf(partBlocks), ctx());
    expect(book.toc[0].anchorId).toBe('p1');
    expect(blockById(book, 'p1')).toMatchObject({
      kind: 'heading',
      text: 'Part I Getting Started',
      level: 1,
    });
    expect(book.toc[0].children[0].anchorId).toBe('c1');
    expect(blockById(book, 'c1')).toMatchObject({
      kind: 'heading',
      level: 2,
      inlines: [{ text: '6.3.2 attach() and detach()', monospace: true }],
    });
    expect(blockById(book, 'c2')?.kind).toBe('code');
  });

  it('does not cut a paragraph where the title is only mentioned in a sentence', async () => {
    const text = 'Before we start, the configuration files of the tool need a word of explanation here.';
    const mention: Block[] = [heading('h', 0, 72, '1 Setup', 1), para('m', 0, 300, text)];
    const odd = [entry('Setup', 0, 60, [entry('Configuration files', 0, 290)])];
    const book = await identifyStructure(layoutOf(1, odd), contentOf(mention), ctx());
    expect(book.chapters.flatMap((c) => c.blocks).map((b) => b.id)).toEqual(['h', 'm']);
    expect(blockById(book, 'm')).toMatchObject({ kind: 'paragraph', inlines: [{ text }] });
    expect(book.toc[0].children[0].anchorId).toBe('m');
  });

  it('anchors an entry at its heading when the two spell a compound differently', async () => {
    const spelled: Block[] = [
      heading('s1', 0, 72, '2.12 Regular files', 2),
      para('s2', 0, 100, LOREM),
      heading('s3', 0, 300, '2.13 Non-regular files', 2),
      para('s4', 0, 330, LOREM),
    ];
    const toc = [entry('Regular files', 0, 60), entry('Nonregular files', 0, 290)];
    const warnings: string[] = [];
    const book = await identifyStructure(layoutOf(1, toc), contentOf(spelled), {
      ...ctx(),
      warn: (m: string) => warnings.push(m),
    });
    expect(book.toc.map((e) => [e.title, e.anchorId])).toEqual([
      ['Regular files', 's1'],
      ['Nonregular files', 's3'],
    ]);
    expect(warnings.join()).not.toMatch(/not found/);
  });

  it('places an entry whose title is nowhere in the text at the closest block', async () => {
    const odd = [...outline, entry('Something the page never says', 2, 320)];
    const warnings: string[] = [];
    const book = await identifyStructure(layoutOf(5, odd), contentOf(blocks), {
      ...ctx(),
      warn: (m: string) => warnings.push(m),
    });
    expect(book.toc[2].anchorId).toBe('b5');
    expect(warnings.join()).toMatch(/1 of 5 outline entries/);
  });
});

describe('identify_structure without an outline', () => {
  const blocks: Block[] = [
    heading('t', 0, 60, 'A Study of Things', 1),
    para('a', 0, 120, LOREM),
    heading('h1', 0, 300, '1. Introduction', 2),
    para('b', 0, 330, LOREM),
    heading('r1', 1, 20, 'Running title', 3),
    heading('h11', 1, 72, '1.1 Motivation', 3),
    para('c', 1, 100, LOREM),
    heading('r2', 2, 20, 'Running title', 3),
    heading('h2', 2, 72, '2. Results', 2),
    para('d', 2, 100, LOREM),
    heading('r3', 3, 20, 'Running title', 3),
    heading('long', 3, 72, `${LOREM} ${LOREM}`, 2),
    {
      kind: 'paragraph',
      id: 'bold',
      page: 3,
      y: 200,
      inlines: [{ text: '2.1 Bold numbered line', bold: true }],
    },
    para('e', 3, 230, LOREM),
  ];

  it('takes headings from font sizes and numbering, drops repeated and overlong candidates', async () => {
    const book = await identifyStructure(layoutOf(4), contentOf(blocks), ctx());
    expect(book.tocSource).toBe('headings');
    const all = book.chapters.flatMap((c) => c.blocks);
    const headings = all.filter((b): b is HeadingBlock => b.kind === 'heading').map((b) => [b.text, b.level]);
    expect(headings).toEqual([
      ['A Study of Things', 1],
      ['1. Introduction', 1],
      ['1.1 Motivation', 2],
      ['2. Results', 1],
      ['2.1 Bold numbered line', 2],
    ]);
    expect(all.find((b) => b.id === 'r2')?.kind).toBe('paragraph');
    expect(all.find((b) => b.id === 'long')?.kind).toBe('paragraph');
    expect(flat(book.toc).map((e) => [e.title, e.depth])).toEqual([
      ['A Study of Things', 1],
      ['1. Introduction', 1],
      ['1.1 Motivation', 2],
      ['2. Results', 1],
      ['2.1 Bold numbered line', 2],
    ]);
    expect(book.chapters.map((c) => c.title)).toEqual(['A Study of Things', '1. Introduction', '2. Results']);
  });

  it('rejects decorative letters and figure labels, and takes bold title lines set at body size', async () => {
    const body = (id: string, page: number) => para(id, page, 300, `${LOREM} ${LOREM}`);
    const bookBlocks: Block[] = [
      heading('t', 0, 60, 'Stories for Children', 1),
      {
        kind: 'paragraph',
        id: 's1',
        page: 0,
        y: 100,
        inlines: [{ text: 'The Buried Moon', bold: true }, { text: ' by Edmund Dulac' }],
      },
      body('a', 0),
      heading('deco', 1, 60, 'kikikikikikikikikikik', 2),
      heading('noise', 1, 80, 'HBCEAK KLDSC AASLS CSLAHC', 2),
      { kind: 'paragraph', id: 's2', page: 1, y: 100, inlines: [{ text: 'The Honey-Bee', bold: true }] },
      body('b', 1),
      {
        kind: 'paragraph',
        id: 's3',
        page: 2,
        y: 40,
        inlines: [{ text: 'Rainy Day Games', bold: true }, { text: ' Games to play indoors when it rains.' }],
      },
      body('d', 2),
      heading('l1', 2, 60, 'Outer Tree', 2),
      heading('l2', 2, 70, 'Tree Call', 2),
      heading('l3', 2, 80, 'Nested Tree', 2),
      para('cap', 2, 100, 'Figure 7. Control flow graph of a nested loop with an if statement inside.'),
      body('c', 2),
    ];
    const book = await identifyStructure(layoutOf(3), contentOf(bookBlocks), ctx());
    const all = book.chapters.flatMap((c) => c.blocks);
    const headings = all.filter((b): b is HeadingBlock => b.kind === 'heading').map((b) => [b.text, b.level]);
    expect(headings).toEqual([
      ['Stories for Children', 1],
      ['The Buried Moon by Edmund Dulac', 2],
      ['The Honey-Bee', 2],
      ['Rainy Day Games', 2],
    ]);
    expect(all.find((b) => b.id === 's3-p1')).toMatchObject({
      kind: 'paragraph',
      inlines: [{ text: 'Games to play indoors when it rains.' }],
    });
    expect(all.find((b) => b.id === 's1')?.kind).toBe('heading');
    expect(book.chapters.map((c) => c.title)).toEqual([
      'Stories for Children',
      'The Honey-Bee',
      'Rainy Day Games',
    ]);
  });

  it('splits a huge chapter of short entries only into runs of entries some 25 pages long', async () => {
    const name = (i: number) =>
      `Command${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
    const reference: Block[] = [heading('ref', 0, 60, 'Command Reference', 1), para('intro', 0, 100, LOREM)];
    for (let i = 0; i < 140; i++) {
      const page = Math.floor(i / 2);
      reference.push(heading(`e${i}`, page, 100 + 300 * (i % 2), name(i), 2));
      reference.push(para(`t${i}`, page, 130 + 300 * (i % 2), LOREM));
    }
    reference.push(heading('app', 70, 60, 'Appendix', 1), para('end', 70, 100, LOREM));
    const book = await identifyStructure(layoutOf(71), contentOf(reference), ctx());
    expect(book.chapters.map((c) => c.title)).toEqual(['Command Reference', name(50), name(100), 'Appendix']);
    expect(book.toc[0].children).toHaveLength(140);
  });

  it('falls back to chapters of a few pages named after their first words', async () => {
    const plain = Array.from({ length: 30 }, (_, i) =>
      para(`p${i}`, i, 100, `Page ${i} starts with these words. ${LOREM}`),
    );
    const book = await identifyStructure(layoutOf(30), contentOf(plain), ctx());
    expect(book.tocSource).toBe('pages');
    expect(book.chapters.length).toBe(3);
    expect(book.toc[1].title).toBe('Page 12 starts with these words. The text');
  });
});

describe('identify_structure metadata', () => {
  const blocks = [
    heading('t', 0, 60, 'Über die Dinge', 1),
    para(
      'a',
      0,
      120,
      'Das ist nicht der Fall, und die Frage ist, ob es mit dem Wetter zu tun hat. Die Antwort ist eine andere.',
    ),
  ];

  it('uses the PDF metadata when it is meaningful', async () => {
    const meta = {
      title: 'Real Title',
      author: 'Ann One; Bob Two',
      language: 'de_DE',
      creationDate: '2021-03-04T05:06:07Z',
    };
    const book = await identifyStructure(layoutOf(1, [], meta), contentOf(blocks), ctx());
    expect(book.metadata).toMatchObject({
      title: 'Real Title',
      authors: ['Ann One', 'Bob Two'],
      language: 'de-DE',
      published: '2021-03-04T05:06:07Z',
    });
    expect(book.metadata.modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('falls back to the first big heading and guesses the language from the text', async () => {
    const book = await identifyStructure(layoutOf(1, [], { title: 'draft.docx' }), contentOf(blocks), ctx());
    expect(book.metadata.title).toBe('Über die Dinge');
    expect(book.metadata.language).toBe('de');
  });

  it('derives a stable urn:uuid identifier from the content', async () => {
    const a = await identifyStructure(layoutOf(1), contentOf(blocks), ctx());
    const b = await identifyStructure(layoutOf(1), contentOf(structuredClone(blocks)), ctx());
    const c = await identifyStructure(layoutOf(1), contentOf([...blocks, para('z', 0, 700, 'More.')]), ctx());
    expect(a.metadata.identifier).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(b.metadata.identifier).toBe(a.metadata.identifier);
    expect(c.metadata.identifier).not.toBe(a.metadata.identifier);
  });
});

describe('BlockList (the blocks while headings are placed)', () => {
  const para = (id: string, page: number, y: number): Block => ({
    kind: 'paragraph',
    id,
    page,
    y,
    inlines: [{ text: id }],
  });

  it.each([
    ['in page order', [para('a', 0, 10), para('b', 1, 10), para('c', 1, 50), para('d', 2, 10)]],
    ['out of page order', [para('a', 0, 10), para('d', 2, 10), para('b', 1, 10), para('c', 1, 50)]],
  ])('finds blocks by id and page after splits and merges (%s)', (_name, blocks) => {
    const list = new BlockList([...blocks]);
    const at = (id: string) => list.blocks.findIndex((b) => b.id === id);
    list.replace(at('b'), 1, [para('b1', 1, 10), para('b2', 1, 20)]);
    expect(list.onPage(1).map((i) => list.blocks[i].id)).toEqual(
      list.blocks.filter((b) => b.page === 1).map((b) => b.id),
    );
    expect(list.indexOf('c')).toBe(at('c'));
    expect(list.indexOf('c', 0)).toBe(at('c'));
    list.replace(at('b2'), 2, [para('m', 1, 20)]);
    expect(list.indexOf('m', at('m') + 2)).toBe(at('m'));
    expect(list.indexOf('c')).toBe(-1);
    expect(list.has('c')).toBe(true); // a removed block's id stays taken
    expect(list.onPage(1).map((i) => list.blocks[i].id)).toEqual(['b1', 'm']);
    expect(list.onPage(7)).toEqual([]);
    expect(list.closestTo(1, 15)).toBe(at('m'));
  });

  it('looks for a title only near the start of a long block', () => {
    const long = `Intro. Getting Started with it. ${'filler words here. '.repeat(400)}Late Title`;
    expect(findTitleRange(long, ['getting', 'started'])).toEqual({ start: 7, end: 22 });
    expect(findTitleRange(long, ['late', 'title'])).toBeNull();
  });
});
