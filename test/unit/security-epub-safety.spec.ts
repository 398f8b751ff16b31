/**
 * Nothing a PDF contains reaches the EPUB as active content: markup-like text, XML-invalid characters, a
 * JavaScript open action, javascript:/file: links and hostile metadata all come out as escaped, well-formed text.
 * Runs the real engine in-process (executeStage) on a PDF generated here.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import {
  beginText,
  endText,
  moveText,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFString,
  setFontAndSize,
  showText,
  StandardFonts,
} from 'pdf-lib';
import { executeStage } from '../../src/conversion/run-stage';
import { WORK_FILES } from '../../src/conversion/workdir';
import { escapeAttr, escapeText, safeExternalHref } from '../../src/conversion/epub/xml';
import { readXhtml } from '../../src/conversion/quality/xhtml-reader';
import { itWithEpubcheck, runEpubcheck } from '../helpers/epubcheck';

const HOSTILE_LINES = [
  'Chapter 1: <script>alert("pwned")</script> begins here',
  'Tom & Jerry &amp; friends; a < b > c and "quotes" and \'single\'',
  'CDATA end ]]> and <![CDATA[ start and <!-- a comment -->',
  '<img src=x onerror=alert(1)> <a href="javascript:alert(2)">click</a>',
  'An ordinary sentence so that the page reads like prose and is kept as a paragraph.',
];

/** Maps byte codes to characters XML 1.0 forbids (and printable ASCII to itself) via a ToUnicode CMap. */
const CONTROL_CMAP = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
1 beginbfrange
<20> <7E> <0020>
endbfrange
6 beginbfchar
<01> <0001>
<02> <FFFE>
<03> <FFFF>
<04> <001B>
<05> <D800>
<06> <000C>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end`;

// eslint-disable-next-line no-control-regex -- finding the characters XML forbids is the point of the check
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hex(text: string): string {
  return [...text].map((char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

function linkAnnotation(doc: PDFDocument, rect: number[], uri: string) {
  const action = PDFDict.withContext(doc.context);
  action.set(PDFName.of('S'), PDFName.of('URI'));
  action.set(PDFName.of('URI'), PDFString.of(uri));
  return doc.context.register(
    doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: rect, Border: [0, 0, 0], A: action }),
  );
}

async function hostilePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Evil <script>alert(1)</script> & ]]> title');
  doc.setAuthor('Mallory "<b>" & co');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  HOSTILE_LINES.forEach((line, index) => page.drawText(line, { x: 72, y: 700 - index * 20, size: 11, font }));

  const cmap = doc.context.register(doc.context.stream(CONTROL_CMAP));
  const controlFont = doc.context.register(
    doc.context.obj({
      Type: 'Font',
      Subtype: 'Type1',
      BaseFont: 'Helvetica',
      Encoding: 'WinAnsiEncoding',
      ToUnicode: cmap,
    }),
  );
  page.node.setFontDictionary(PDFName.of('Fctl'), controlFont);
  page.pushOperators(
    beginText(),
    setFontAndSize('Fctl', 11),
    moveText(72, 560),
    showText(
      PDFHexString.of(
        hex('Control \x01 bell \x02 noncharacters \x03 escape \x04 surrogate \x05 formfeed \x06 end'),
      ),
    ),
    endText(),
  );

  const annots = PDFArray.withContext(doc.context);
  const overLine = (index: number) => [72, 700 - index * 20 - 2, 300, 700 - index * 20 + 10];
  annots.push(linkAnnotation(doc, overLine(1), 'javascript:alert(3)'));
  annots.push(linkAnnotation(doc, overLine(2), 'file:///etc/passwd'));
  annots.push(linkAnnotation(doc, overLine(4), 'https://example.com/safe'));
  page.node.set(PDFName.of('Annots'), annots);

  const openAction = doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("open action")') });
  doc.catalog.set(PDFName.of('OpenAction'), openAction);
  return doc.save();
}

interface EpubFiles {
  path: string;
  files: Record<string, string>;
}

async function convert(pdf: Uint8Array, workDir: string): Promise<EpubFiles> {
  await writeFile(join(workDir, WORK_FILES.pdf), pdf);
  for (const stage of ['analyze_layout', 'extract_content', 'identify_structure', 'generate_epub'] as const) {
    await executeStage(stage, workDir, { parallelism: 1 });
  }
  const path = join(workDir, WORK_FILES.epub);
  const entries = unzipSync(new Uint8Array(await readFile(path)));
  const files = Object.fromEntries(
    Object.entries(entries)
      .filter(([name]) => /\.(xhtml|html|opf|ncx|xml)$/.test(name))
      .map(([name, data]) => [name, strFromU8(data)]),
  );
  return { path, files };
}

describe('EPUB safety: hostile PDF content becomes inert, well-formed text', () => {
  let workDir: string;
  let epub: EpubFiles;
  let allMarkup: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'pdf2epub-epub-safety-'));
    epub = await convert(await hostilePdf(), workDir);
    allMarkup = Object.values(epub.files).join('\n');
  }, 120_000);

  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('keeps the markup-like text as escaped text, not as elements', () => {
    const body = Object.entries(epub.files)
      .filter(([name]) => /\.x?html$/.test(name))
      .map(([, text]) => text)
      .join('\n');
    expect(body).toContain('&lt;script&gt;alert(');
    expect(body).toMatch(/Tom &amp; Jerry &amp;amp; friends/);
    expect(body).toMatch(/]]&gt;/);
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img[^>]*onerror/i);
    expect(body).not.toMatch(/<!\[CDATA\[/);
    expect(body).not.toMatch(/<[^>]*\son\w+\s*=/i); // an event-handler attribute inside a tag
  });

  it('drops XML-invalid characters and lone surrogates from every file', () => {
    expect(allMarkup).toMatch(/Control\s*bell\s*noncharacters/);
    for (const [name, text] of Object.entries(epub.files)) {
      expect({ name, invalid: INVALID_XML_CHARS.test(text), surrogate: LONE_SURROGATE.test(text) }).toEqual({
        name,
        invalid: false,
        surrogate: false,
      });
    }
  });

  it('carries no script, no javascript:/file: links and no remote resources', () => {
    // Inside tags only: the same words as escaped text are harmless (and present on purpose).
    expect(allMarkup).not.toMatch(/<[^>]*(javascript|file):/i);
    expect(allMarkup).not.toMatch(/open action/);
    expect(allMarkup).not.toMatch(/\b(src|xlink:href)\s*=\s*["']https?:/i);
    const hrefs = [...allMarkup.matchAll(/<[a-z][^>]*?\bhref\s*=\s*"([^"]*)"/gi)].map((match) => match[1]);
    expect(hrefs).toContain('https://example.com/safe'); // the link annotations did reach the EPUB writer
    for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:|#|[\w./-]+(#[\w.-]*)?$)/);
  });

  it('escapes hostile metadata in the package document', () => {
    const opf = Object.entries(epub.files).find(([name]) => name.endsWith('.opf'))?.[1] ?? '';
    expect(opf).toMatch(/Evil &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; ]]&gt; title/);
    expect(opf).toMatch(/Mallory (&quot;|")&lt;b&gt;(&quot;|")/);
    expect(opf).not.toMatch(/<b>/);
  });

  it('every XHTML document is well-formed XML', () => {
    const documents = Object.entries(epub.files).filter(([name]) => name.endsWith('.xhtml'));
    expect(documents.length).toBeGreaterThanOrEqual(2);
    for (const [name, text] of documents) {
      const { wellFormed, problem } = readXhtml(text);
      expect({ name, wellFormed, problem }).toEqual({ name, wellFormed: true, problem: undefined });
    }
  });

  itWithEpubcheck('passes epubcheck (which parses every file as XML)', async () => {
    const { errors } = await runEpubcheck(epub.path);
    expect(errors).toEqual([]);
  });
});

/**
 * The EPUB writer's own defence, independent of what extraction already cleaned: every string written into the
 * EPUB passes these functions.
 */
describe('EPUB writer escaping', () => {
  const HOSTILE = 'a\u0001b\u000Bc\u001Fd\uFFFEe\uFFFFf\uD800g\uDC00h <script>&amp; ]]> "q" \'s\'';

  it('leaves no markup and no XML-invalid character in text and attribute values', () => {
    for (const escaped of [escapeText(HOSTILE), escapeAttr(HOSTILE)]) {
      expect(escaped).not.toMatch(/[<>]/);
      expect(escaped).not.toMatch(/&(?!(amp|lt|gt|quot);)/);
      expect(INVALID_XML_CHARS.test(escaped) || LONE_SURROGATE.test(escaped)).toBe(false);
      expect(escaped).toContain('abcdefgh');
      const { wellFormed } = readXhtml(`<p title="${escapeAttr(HOSTILE)}">${escaped}</p>`);
      expect(wellFormed).toBe(true);
    }
    expect(escapeAttr(HOSTILE)).not.toContain('"');
  });

  it('lets only http(s) and mailto links through', () => {
    const refused = [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\u0001script:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '//evil.example/x',
      'ftp://example.com/',
    ];
    expect(refused.map((href) => [href, safeExternalHref(href)])).toEqual(
      refused.map((href) => [href, null]),
    );
    expect(safeExternalHref('https://example.com/a?b=1&c=<2>')).toBe('https://example.com/a?b=1&c=%3C2%3E');
    expect(safeExternalHref('mailto:someone@example.com')).toBe('mailto:someone@example.com');
  });

  it('percent-encodes what RFC 3986 forbids in a link target, which epubcheck would refuse', () => {
    // Found in a real manual (RSC-020): "^" is kept by the WHATWG serialisation.
    expect(safeExternalHref('http://www.freebsd.org/cgi/ports.cgi?query=^nut-&stype=name')).toBe(
      'http://www.freebsd.org/cgi/ports.cgi?query=%5Enut-&stype=name',
    );
    expect(safeExternalHref('https://h.example/a|b{c}?q=100%&r=%41#x^y')).toBe(
      'https://h.example/a%7Cb%7Bc%7D?q=100%25&r=%41#x%5Ey',
    );
    expect(safeExternalHref('http://user:pw@[::1]:8080/p')).toBe('http://user:pw@[::1]:8080/p');
    expect(safeExternalHref('mailto:a^b@example.com')).toBe('mailto:a%5Eb@example.com');
  });
});
