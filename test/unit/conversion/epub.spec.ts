import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { generateEpub } from '../../../src/conversion/epub';
import type { BookStructure } from '../../../src/conversion/model/book';
import type { Block } from '../../../src/conversion/model/content';
import { readXhtml } from '../../../src/conversion/quality/xhtml-reader';
import { itWithEpubcheck, runEpubcheck } from '../../helpers/epubcheck';

const HOSTILE = 'Tom & Jerry <script>alert("x")</script> ]]> end\u0001\u0007 \ud800 \uffff';

function book(): BookStructure {
  const ch1: Block[] = [
    { kind: 'heading', id: 'b1', page: 1, y: 72, level: 1, text: '1 Start', inlines: [{ text: '1 Start' }] },
    {
      kind: 'paragraph',
      id: 'b2',
      page: 1,
      y: 100,
      inlines: [
        { text: HOSTILE },
        { text: ' see ' },
        { text: 'later', href: '#b7' },
        { text: ' or ' },
        { text: 'evil', href: 'javascript:alert(1)' },
        { text: ' or ' },
        { text: 'site', href: 'https://example.org/?a=1&b=<2>' },
        { text: ' bold', bold: true },
        { text: ' mono', monospace: true },
      ],
    },
    { kind: 'heading', id: 'b3', page: 1, y: 300, level: 2, text: HOSTILE, inlines: [{ text: HOSTILE }] },
    { kind: 'code', id: 'b4', page: 1, y: 400, text: 'if (a < b && c) {\n    x = "]]>";\n}' },
    {
      kind: 'list_item',
      id: 'b5',
      page: 1,
      y: 500,
      marker: '1.',
      ordered: true,
      inlines: [{ text: 'first' }],
    },
    {
      kind: 'list_item',
      id: 'b6',
      page: 1,
      y: 520,
      marker: '2.',
      ordered: true,
      inlines: [{ text: 'second' }],
    },
  ];
  const ch2: Block[] = [
    { kind: 'heading', id: 'b7', page: 2, y: 72, level: 1, text: '2 Later', inlines: [{ text: '2 Later' }] },
    {
      kind: 'table',
      id: 'b8',
      page: 2,
      y: 100,
      rows: [
        ['k & v', '<x>'],
        ['1', HOSTILE],
      ],
      headerRow: true,
    },
    {
      kind: 'figure',
      id: 'b9',
      page: 2,
      y: 300,
      image: { name: 'img-1.png', mediaType: 'image/png', width: 40, height: 30 },
      alt: 'A red "box" & <more>',
      caption: [{ text: 'Figure 1: a box' }],
    },
    {
      kind: 'figure',
      id: 'b10',
      page: 2,
      y: 500,
      image: { name: 'gone.png', mediaType: 'image/png', width: 9, height: 9 },
      alt: '',
    },
    {
      kind: 'footnote',
      id: 'b11',
      page: 2,
      y: 700,
      label: '1',
      inlines: [{ text: 'A note, back to ' }, { text: 'start', href: '#b1' }],
    },
    { kind: 'paragraph', id: '9 bad id', page: 2, y: 720, inlines: [{ text: 'odd id' }] },
  ];
  return {
    version: 1,
    metadata: {
      title: `Book ${HOSTILE}`,
      authors: ['Ann & Bob <team>'],
      language: 'en',
      identifier: 'urn:uuid:12345678-1234-5234-9234-123456789abc',
      modified: '2026-01-02T03:04:05Z',
      published: '2020-01-01T00:00:00Z',
    },
    chapters: [
      { id: 'ch001', title: 'Start', blocks: ch1 },
      { id: 'ch002', title: 'Later', blocks: ch2 },
    ],
    toc: [
      {
        title: '1 Start',
        chapterId: 'ch001',
        anchorId: 'b1',
        children: [{ title: HOSTILE, chapterId: 'ch001', anchorId: 'b3', children: [] }],
      },
      { title: '2 Later', chapterId: 'ch002', anchorId: 'b7', children: [] },
    ],
    tocSource: 'outline',
  };
}

async function assets(): Promise<MemoryAssetStore> {
  const store = new MemoryAssetStore();
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } })
    .png()
    .toBuffer();
  await store.put('img-1.png', new Uint8Array(png));
  return store;
}

async function build(structure = book()) {
  const warnings: string[] = [];
  const bytes = await generateEpub(structure, { assets: await assets(), warn: (m) => warnings.push(m) });
  return { bytes, files: unzipSync(bytes), warnings };
}

describe('generate_epub', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'epub-spec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes mimetype first and stored, then a container pointing at the package', async () => {
    const { bytes, files } = await build();
    expect(strFromU8(bytes.subarray(30, 38))).toBe('mimetype');
    expect(bytes[8]).toBe(0); // compression method: stored
    expect(strFromU8(files.mimetype)).toBe('application/epub+zip');
    expect(strFromU8(files['META-INF/container.xml'])).toContain('full-path="OEBPS/content.opf"');
  });

  it('keeps every document well-formed and inert whatever the text holds', async () => {
    const { files } = await build();
    const markup = Object.entries(files).filter(([name]) => /\.(xhtml|opf|ncx|svg)$/.test(name));
    expect(markup.length).toBeGreaterThanOrEqual(6);
    for (const [name, data] of markup) {
      const text = strFromU8(data);
      const doc = readXhtml(text);
      expect({ name, wellFormed: doc.wellFormed, problem: doc.problem }).toEqual({
        name,
        wellFormed: true,
        problem: undefined,
      });
      expect(text).not.toMatch(/<script/i);
      expect(text).not.toMatch(/javascript:/i);
      for (const banned of ['\u0001', '\u0007', '\uffff']) expect(text.includes(banned)).toBe(false);
    }
    const ch1 = strFromU8(files['OEBPS/ch001.xhtml']);
    expect(ch1).toContain('Tom &amp; Jerry &lt;script&gt;alert("x")&lt;/script&gt; ]]&gt; end');
    expect(ch1).toContain(
      '<pre id="b4"><code>if (a &lt; b &amp;&amp; c) {\n    x = "]]&gt;";\n}</code></pre>',
    );
    expect(ch1).toContain('<a href="https://example.org/?a=1&amp;b=%3C2%3E">site</a>');
    expect(ch1).toContain('evil');
  });

  it('resolves internal links to the chapter file that holds the target', async () => {
    const { files } = await build();
    expect(strFromU8(files['OEBPS/ch001.xhtml'])).toContain('<a href="ch002.xhtml#b7">later</a>');
    expect(strFromU8(files['OEBPS/ch002.xhtml'])).toContain('<a href="ch001.xhtml#b1">start</a>');
    expect(strFromU8(files['OEBPS/ch002.xhtml'])).toMatch(/<p id="x9_bad_id">odd id<\/p>/);
  });

  it('writes a nested navigation document and an NCX pointing at the headings', async () => {
    const { files } = await build();
    const nav = strFromU8(files['OEBPS/nav.xhtml']);
    expect(nav).toMatch(
      /<nav epub:type="toc"[^>]*>[\s\S]*<li><a href="ch001.xhtml#b1">1 Start<\/a>\s*<ol>\s*<li><a href="ch001.xhtml#b3">Tom &amp; Jerry/,
    );
    expect(nav).toContain('<li><a href="ch002.xhtml#b7">2 Later</a></li>');
    expect(nav).toContain('epub:type="landmarks"');
    const ncx = strFromU8(files['OEBPS/toc.ncx']);
    expect(ncx).toMatch(
      /<navPoint id="np1" playOrder="1">[\s\S]*<navPoint id="np2" playOrder="2">[\s\S]*<\/navPoint>\s*<\/navPoint>/,
    );
  });

  it('lists images and the cover in the manifest, leaves out missing ones with a warning', async () => {
    const structure = { ...book(), coverAsset: 'img-1.png' };
    const { files, warnings } = await build(structure);
    const opf = strFromU8(files['OEBPS/content.opf']);
    expect(opf).toMatch(
      /<item id="[^"]+" href="images\/img-1.png" media-type="image\/png" properties="cover-image"\/>/,
    );
    expect(files['OEBPS/images/img-1.png'].length).toBeGreaterThan(50);
    expect(opf).not.toContain('gone.png');
    expect(warnings).toEqual(['Image gone.png is missing from the assets; left out.']);
    expect(strFromU8(files['OEBPS/ch002.xhtml'])).toContain(
      '<img src="images/img-1.png" alt="A red &quot;box&quot; &amp; &lt;more&gt;"/>',
    );
    expect(opf).toContain('<meta property="schema:accessibilityFeature">tableOfContents</meta>');
    expect(opf).toContain('<meta property="dcterms:modified">2026-01-02T03:04:05Z</meta>');
  });

  it('generates a title-page cover when the first page has no image', async () => {
    const { files } = await build();
    expect(strFromU8(files['OEBPS/images/cover.svg'])).toContain('<text');
    expect(strFromU8(files['OEBPS/content.opf'])).toContain(
      'href="images/cover.svg" media-type="image/svg+xml" properties="cover-image"',
    );
  });

  it('keeps a paragraph interrupted by a code block as one element, and a finished one apart', async () => {
    const structure = book();
    structure.chapters[1].blocks.push(
      { kind: 'paragraph', id: 'c1', page: 3, y: 100, inlines: [{ text: 'To start it, run the command' }] },
      { kind: 'code', id: 'c2', page: 3, y: 120, text: '> start()' },
      { kind: 'paragraph', id: 'c3', page: 3, y: 140, inlines: [{ text: 'which opens a window.' }] },
      { kind: 'code', id: 'c4', page: 3, y: 160, text: '> stop()' },
      { kind: 'paragraph', id: 'c5', page: 3, y: 180, inlines: [{ text: 'closes it again.' }] },
    );
    const { files } = await build(structure);
    const ch2 = strFromU8(files['OEBPS/ch002.xhtml']);
    expect(ch2).toContain(
      '<div id="c1" class="para">To start it, run the command\n<pre id="c2"><code>&gt; start()</code></pre>\n' +
        '<span id="c3" class="cont">which opens a window.</span></div>\n<pre id="c4">',
    );
    expect(ch2).toContain('<p id="c5">closes it again.</p>');
  });

  itWithEpubcheck(
    'passes epubcheck with no errors and no warnings',
    async () => {
      const { bytes } = await build({ ...book(), coverAsset: 'img-1.png' });
      const file = join(dir, 'book.epub');
      await writeFile(file, bytes);
      const result = await runEpubcheck(file);
      expect(result).toEqual({ errors: [], warnings: [] });
    },
    120_000,
  );
});
