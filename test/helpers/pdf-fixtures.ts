/**
 * Small PDFs with known content, generated with pdf-lib for the engine's tests. Every generator returns the
 * bytes of a complete PDF. Exported names and their options are stable: other test suites import them.
 */
import {
  PDFDocument,
  PDFFont,
  PDFName,
  PDFNumber,
  PDFPage,
  PDFString,
  PDFHexString,
  PDFArray,
  PDFDict,
  PDFRef,
  StandardFonts,
  rgb,
} from 'pdf-lib';
import sharp from 'sharp';

export const PAGE_W = 612;
export const PAGE_H = 792;
const MARGIN = 72;

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  mono: PDFFont;
}

async function fonts(doc: PDFDocument): Promise<Fonts> {
  return {
    regular: await doc.embedFont(StandardFonts.TimesRoman),
    bold: await doc.embedFont(StandardFonts.TimesRomanBold),
    italic: await doc.embedFont(StandardFonts.TimesRomanItalic),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
}

/** Writes lines top-down from y (distance from the top); returns the y after the last line. */
function writeLines(
  page: PDFPage,
  lines: string[],
  opts: { x?: number; y: number; size?: number; leading?: number; font: PDFFont },
): number {
  const size = opts.size ?? 11;
  const leading = opts.leading ?? size * 1.3;
  let y = opts.y;
  for (const line of lines) {
    page.drawText(line, {
      x: opts.x ?? MARGIN,
      y: PAGE_H - y - size,
      size,
      font: opts.font,
      color: rgb(0, 0, 0),
    });
    y += leading;
  }
  return y;
}

/** Greedy word wrap to a width in points. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (font.widthOfTextAtSize(next, size) > width && cur) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
}

export const LOREM = [
  'The quick brown fox jumps over the lazy dog while the sleepy cat watches from the warm windowsill above the garden.',
  'Reading order matters for every converter because a reader expects sentences to follow each other as the author wrote them.',
  'Columns are read from top to bottom, the left one first, and only then the right one, which starts again at the top.',
  'Small details such as hyphens, running heads and page numbers decide whether an electronic book feels like a real book.',
];

async function finish(doc: PDFDocument): Promise<Uint8Array> {
  return doc.save({ useObjectStreams: false });
}

/** Two columns: LEFT_MARKER sentences fill the left column, RIGHT_MARKER ones the right column. */
export async function twoColumnPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const colW = (PAGE_W - 2 * MARGIN - 24) / 2;
  const left = wrap(
    'Alpha column text begins here. ' + LOREM.join(' ') + ' Alpha column text ends here.',
    f.regular,
    10,
    colW,
  );
  const right = wrap(
    'Beta column text begins here. ' + LOREM.slice().reverse().join(' ') + ' Beta column text ends here.',
    f.regular,
    10,
    colW,
  );
  writeLines(page, ['A Title Across Both Columns'], { y: 60, size: 18, font: f.bold });
  writeLines(page, left, { x: MARGIN, y: 110, size: 10, leading: 12, font: f.regular });
  writeLines(page, right, { x: MARGIN + colW + 24, y: 110, size: 10, leading: 12, font: f.regular });
  return finish(doc);
}

/** `pages` pages, each with a running header, a page number footer and one body paragraph "Body text of page N". */
export async function runningHeadersPdf(pages = 6): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    writeLines(page, ['The Running Header Of This Book'], { y: 36, size: 9, font: f.italic });
    const body = wrap(`Body text of page ${i + 1}. ` + LOREM[i % LOREM.length] + '.', f.regular, 11, 468);
    writeLines(page, body, { y: 120, size: 11, font: f.regular });
    writeLines(page, [String(i + 1)], { x: PAGE_W / 2 - 5, y: PAGE_H - 50, size: 9, font: f.regular });
  }
  return finish(doc);
}

/**
 * Line-end hyphenation: "informa-" + "tion" (joined: "information" occurs elsewhere) and "well-" + "known"
 * (kept: "well-known" occurs elsewhere and "wellknown" never does).
 */
export async function hyphenationPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(
    page,
    [
      'This paragraph carries some useful informa-',
      'tion about hyphens, and it mentions a well-',
      'known rule that every well-known typesetter follows.',
    ],
    { y: 100, font: f.regular },
  );
  writeLines(page, ['More information is given in the next section of this document.'], {
    y: 180,
    font: f.regular,
  });
  return finish(doc);
}

/** One paragraph whose sentence runs from the bottom of page 1 to the top of page 2. */
export async function pageBreakParagraphPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const p1 = doc.addPage([PAGE_W, PAGE_H]);
  const p2 = doc.addPage([PAGE_W, PAGE_H]);
  const filler = wrap(LOREM.join(' ') + ' ' + LOREM.join(' '), f.regular, 11, 468);
  writeLines(p1, filler, { y: 72, font: f.regular });
  writeLines(p1, ['The sentence that crosses the page break starts on the first page and'], {
    y: 700,
    font: f.regular,
  });
  writeLines(p2, ['ends on the second page, as one paragraph.', ''], { y: 72, font: f.regular });
  writeLines(p2, ['A new paragraph starts after a blank line.'], { y: 110, font: f.regular });
  return finish(doc);
}

export const CODE_LINES = [
  'function greet(name) {',
  '  if (name) {',
  '    return "Hello, " + name;',
  '  }',
  '}',
];

/** A paragraph, a Courier code block (indentation matters), another paragraph. */
export async function codePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(page, ['The following function greets a person.'], { y: 100, font: f.regular });
  // Courier lines, each written as separate words positioned by character cells (as TeX does).
  let y = 130;
  for (const line of CODE_LINES) {
    const indent = line.length - line.trimStart().length;
    const cell = f.mono.widthOfTextAtSize('M', 10);
    page.drawText(line.trimStart(), {
      x: MARGIN + 20 + indent * cell,
      y: PAGE_H - y - 10,
      size: 10,
      font: f.mono,
    });
    y += 12;
  }
  writeLines(page, ['That was the whole program.'], { y: y + 14, font: f.regular });
  return finish(doc);
}

export const TABLE_ROWS = [
  ['Name', 'Colour', 'Count'],
  ['Apple', 'Red', '12'],
  ['Banana', 'Yellow', '7'],
  ['Plum', 'Purple', '30'],
];

/** A three-column table (header row in bold), between two paragraphs. */
export async function tablePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(page, ['The table below lists some fruit.'], { y: 100, font: f.regular });
  let y = 140;
  TABLE_ROWS.forEach((row, r) => {
    row.forEach((cell, c) => {
      page.drawText(cell, {
        x: MARGIN + c * 120,
        y: PAGE_H - y - 11,
        size: 11,
        font: r === 0 ? f.bold : f.regular,
      });
    });
    y += 16;
  });
  writeLines(page, ['The table ends here.'], { y: y + 20, font: f.regular });
  return finish(doc);
}

/** A PNG made of coloured quadrants. */
export async function samplePng(width = 64, height = 48): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x < width / 2 ? 200 : 20;
      data[i + 1] = y < height / 2 ? 180 : 40;
      data[i + 2] = 90;
    }
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/**
 * A page with an embedded raster image and its caption "Figure 1: Quadrants.", plus the same image on a second
 * page (one asset expected) and a tiny 8×8 image (skipped).
 */
export async function imagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const png = await doc.embedPng(await samplePng());
  const tiny = await doc.embedPng(await samplePng(8, 8));
  const p1 = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(p1, ['A picture follows.'], { y: 90, font: f.regular });
  p1.drawImage(png, { x: MARGIN, y: PAGE_H - 300, width: 192, height: 144 });
  p1.drawImage(tiny, { x: 400, y: PAGE_H - 200, width: 8, height: 8 });
  writeLines(p1, ['Figure 1: Quadrants.'], { y: 310, font: f.regular });
  writeLines(p1, ['Text after the figure.'], { y: 350, font: f.regular });
  const p2 = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(p2, ['The same picture again.'], { y: 90, font: f.regular });
  p2.drawImage(png, { x: MARGIN, y: PAGE_H - 300, width: 192, height: 144 });
  return finish(doc);
}

export interface OutlineSpec {
  title: string;
  page: number;
  /** Distance from the top of the page. */
  top: number;
  children?: OutlineSpec[];
}

export const OUTLINE: OutlineSpec[] = [
  {
    title: 'Chapter One',
    page: 0,
    top: 72,
    children: [
      { title: 'Section 1.1', page: 0, top: 300 },
      { title: 'Section 1.2', page: 1, top: 200, children: [{ title: 'Detail 1.2.1', page: 1, top: 400 }] },
    ],
  },
  { title: 'Chapter Two', page: 2, top: 72 },
];

function addOutline(doc: PDFDocument, specs: OutlineSpec[]): void {
  const ctx = doc.context;
  const pages = doc.getPages();
  const build = (list: OutlineSpec[], parent: PDFRef): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = list.map(() => ctx.nextRef());
    let count = 0;
    list.forEach((spec, i) => {
      const dest = PDFArray.withContext(ctx);
      dest.push(pages[spec.page].ref);
      dest.push(PDFName.of('XYZ'));
      dest.push(PDFNumber.of(0));
      dest.push(PDFNumber.of(PAGE_H - spec.top));
      dest.push(PDFNumber.of(0));
      const dict = PDFDict.withContext(ctx);
      dict.set(PDFName.of('Title'), PDFHexString.fromText(spec.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), dest);
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]);
      if (i < list.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]);
      count++;
      if (spec.children?.length) {
        const sub = build(spec.children, refs[i]);
        dict.set(PDFName.of('First'), sub.first);
        dict.set(PDFName.of('Last'), sub.last);
        dict.set(PDFName.of('Count'), PDFNumber.of(sub.count));
        count += sub.count;
      }
      ctx.assign(refs[i], dict);
    });
    return { first: refs[0], last: refs[refs.length - 1], count };
  };
  const rootRef = ctx.nextRef();
  const top = build(specs, rootRef);
  const root = PDFDict.withContext(ctx);
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  root.set(PDFName.of('First'), top.first);
  root.set(PDFName.of('Last'), top.last);
  root.set(PDFName.of('Count'), PDFNumber.of(top.count));
  ctx.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
}

/** Three pages with headings where OUTLINE points, and that outline (nested). */
export async function outlinePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  for (let i = 0; i < 3; i++) doc.addPage([PAGE_W, PAGE_H]);
  const pages = doc.getPages();
  const place = (specs: OutlineSpec[], depth: number) => {
    for (const s of specs) {
      writeLines(pages[s.page], [s.title], { y: s.top, size: depth === 0 ? 20 : 14, font: f.bold });
      writeLines(pages[s.page], wrap(LOREM[0], f.regular, 11, 468), { y: s.top + 40, font: f.regular });
      if (s.children) place(s.children, depth + 1);
    }
  };
  place(OUTLINE, 0);
  addOutline(doc, OUTLINE);
  doc.setTitle('Outline Test Book');
  doc.setAuthor('Jane Tester');
  doc.setLanguage('en-GB');
  doc.setCreationDate(new Date('2020-05-17T10:00:00Z'));
  return finish(doc);
}

/** Headings by font size only (no outline): 24pt title, 16pt sections, 11pt body. */
export async function fontHeadingsPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  let y = writeLines(page, ['The Big Title'], { y: 72, size: 24, font: f.bold });
  for (const section of ['First Section', 'Second Section']) {
    y = writeLines(page, [section], { y: y + 20, size: 16, font: f.bold });
    y = writeLines(page, wrap(LOREM.join(' '), f.regular, 11, 468), { y: y + 6, font: f.regular });
  }
  return finish(doc);
}

function linkAnnotation(doc: PDFDocument, rect: number[], action: PDFDict | PDFArray): PDFRef {
  const ctx = doc.context;
  const dict = PDFDict.withContext(ctx);
  dict.set(PDFName.of('Type'), PDFName.of('Annot'));
  dict.set(PDFName.of('Subtype'), PDFName.of('Link'));
  dict.set(PDFName.of('Rect'), ctx.obj(rect));
  dict.set(PDFName.of('Border'), ctx.obj([0, 0, 0]));
  if (action instanceof PDFDict) dict.set(PDFName.of('A'), action);
  else dict.set(PDFName.of('Dest'), action);
  return ctx.register(dict);
}

/**
 * Page 1: "Visit the example site" (external link on "example site" to https://example.com/), "Unsafe
 * script link" (javascript: — must be dropped) and "Jump to the target" (internal link to page 2, 300pt from
 * the top, where "Target heading here" stands).
 */
export async function linksPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const p1 = doc.addPage([PAGE_W, PAGE_H]);
  const p2 = doc.addPage([PAGE_W, PAGE_H]);
  const ctx = doc.context;
  writeLines(p1, ['Visit the example site for more.'], { y: 100, font: f.regular });
  writeLines(p1, ['Unsafe script link here.'], { y: 140, font: f.regular });
  writeLines(p1, ['Jump to the target now.'], { y: 180, font: f.regular });
  const x0 = MARGIN + f.regular.widthOfTextAtSize('Visit the ', 11);
  const x1 = x0 + f.regular.widthOfTextAtSize('example site', 11);
  const uri = PDFDict.withContext(ctx);
  uri.set(PDFName.of('S'), PDFName.of('URI'));
  uri.set(PDFName.of('URI'), PDFString.of('https://example.com/'));
  const js = PDFDict.withContext(ctx);
  js.set(PDFName.of('S'), PDFName.of('URI'));
  js.set(PDFName.of('URI'), PDFString.of('javascript:alert(1)'));
  const dest = PDFArray.withContext(ctx);
  dest.push(p2.ref);
  dest.push(PDFName.of('XYZ'));
  dest.push(PDFNumber.of(0));
  dest.push(PDFNumber.of(PAGE_H - 300));
  dest.push(PDFNumber.of(0));
  const y = (top: number) => PAGE_H - top - 11;
  const annots = [
    linkAnnotation(doc, [x0, y(100) - 2, x1, y(100) + 10], uri),
    linkAnnotation(doc, [MARGIN, y(140) - 2, MARGIN + 100, y(140) + 10], js),
    linkAnnotation(doc, [MARGIN, y(180) - 2, MARGIN + 110, y(180) + 10], dest),
  ];
  p1.node.set(PDFName.of('Annots'), ctx.obj(annots));
  writeLines(p2, ['Filler text on the second page.'], { y: 100, font: f.regular });
  writeLines(p2, ['Target heading here'], { y: 300, size: 16, font: f.bold });
  writeLines(p2, ['The text after the target.'], { y: 330, font: f.regular });
  return finish(doc);
}

/** A valid PDF whose only page is blank. */
export async function blankPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([PAGE_W, PAGE_H]);
  return finish(doc);
}

/** A document of `n` pages of plain text (for worker and page-limit tests). */
export async function manyPagesPdf(n: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  for (let i = 0; i < n; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    writeLines(
      page,
      wrap(`Page ${i + 1} starts. ` + LOREM.join(' ') + ` Page ${i + 1} ends.`, f.regular, 11, 468),
      {
        y: 100,
        font: f.regular,
      },
    );
  }
  return finish(doc);
}

/**
 * Six pages with a running footer "User Manual N / 6" and, at the top of pages 2–5, numbered section titles
 * that look alike once digits are masked ("3.4 External links", "5.4 External links", …) but are headings,
 * not running text. Their numbers do not follow the page numbers.
 */
export const LOOK_ALIKE_SECTIONS = [3, 5, 8, 12];
export async function lookAlikeHeadingsPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  for (let i = 0; i < 6; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    let y = 72;
    if (i >= 1 && i <= 4) {
      writeLines(page, [`${LOOK_ALIKE_SECTIONS[i - 1]}.4 External links`], { y, size: 13, font: f.bold });
      y += 30;
    }
    const body = wrap(`Body text of page ${i + 1}. ` + LOREM[i % LOREM.length] + '.', f.regular, 11, 468);
    writeLines(page, body, { y, size: 11, font: f.regular });
    writeLines(page, [`User Manual ${i + 1} / 6`], { y: PAGE_H - 50, size: 9, font: f.regular });
  }
  return finish(doc);
}

/**
 * A page ending in an unfinished line ("… of the polar") and a next page that opens with a bold title set at
 * body size ("Other New Features") above indented text.
 */
export async function boldTitleAtPageTopPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const p1 = doc.addPage([PAGE_W, PAGE_H]);
  const p2 = doc.addPage([PAGE_W, PAGE_H]);
  const filler = wrap(LOREM.join(' ') + ' ' + LOREM.join(' '), f.regular, 11, 440);
  writeLines(p1, filler, { x: 96, y: 72, font: f.regular });
  writeLines(p1, ['The last item changes the orientation of every axis of the polar'], {
    x: 96,
    y: 700,
    font: f.regular,
  });
  writeLines(p2, ['Other New Features'], { y: 72, font: f.bold });
  const body = wrap(LOREM.join(' '), f.regular, 11, 440);
  writeLines(p2, body, { x: 96, y: 100, font: f.regular });
  return finish(doc);
}

/**
 * A sentence whose second line is mostly inline code but opens with the rest of a hyphenated word:
 * "… requires the node to be ex-" / "panded using" + `asn1_create_element_of_node()` + ".".
 */
export async function proseWithInlineCodePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const size = 11;
  writeLines(page, ['Creating a deep copy of a node variable requires the node to be ex-'], {
    y: 100,
    font: f.regular,
  });
  const y = PAGE_H - 100 - size * 1.3 - size;
  const lead = 'panded using ';
  const code = 'asn1_create_element_of_node()';
  page.drawText(lead, { x: MARGIN, y, size, font: f.regular });
  const x2 = MARGIN + f.regular.widthOfTextAtSize(lead, size);
  page.drawText(code, { x: x2, y, size, font: f.mono });
  page.drawText('.', { x: x2 + f.mono.widthOfTextAtSize(code, size), y, size, font: f.regular });
  writeLines(page, ['An expanded node can then be copied again.'], { y: 160, font: f.regular });
  return finish(doc);
}

/**
 * Six pages whose page numbers sit well above the bottom edge (a tall bottom margin, 80% of the page height),
 * under one body paragraph "Body text of page N".
 */
export async function tallMarginPageNumbersPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  for (let i = 0; i < 6; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    const body = wrap(`Body text of page ${i + 1}. ` + LOREM[i % LOREM.length], f.regular, 11, 468);
    writeLines(page, body, { y: 200, size: 11, font: f.regular });
    writeLines(page, [String(i + 5)], { x: PAGE_W / 2 - 5, y: 0.8 * PAGE_H, size: 11, font: f.regular });
  }
  return finish(doc);
}

/** A listing whose line numbers are set in the text font, short lines included ("113 }"), then a numbered title. */
export const NUMBERED_LISTING = [
  '111 \\def\\foo#1{%',
  '112 \\expandafter\\bar\\csname#1\\endcsname',
  '113 }',
];
export async function numberedListingPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(page, ['The macro below defines the helper used by every option of the package.'], {
    y: 100,
    font: f.regular,
  });
  let y = 130;
  for (const l of NUMBERED_LISTING) {
    const [num, ...rest] = l.split(' ');
    const base = PAGE_H - y - 9;
    page.drawText(num, { x: MARGIN, y: base, size: 7, font: f.regular });
    page.drawText(rest.join(' '), { x: MARGIN + 20, y: base, size: 9, font: f.mono });
    y += 11;
  }
  writeLines(page, ['2.3 \\DeclareThing'], { y: y + 14, size: 11, font: f.mono });
  writeLines(page, ['This command declares a thing and is described in the section above.'], {
    y: y + 40,
    font: f.regular,
  });
  return finish(doc);
}

/** A bulleted list item set in the text font whose words are mostly inline code: "• hyperref redefines \@xfootnotenext, …". */
export async function bulletWithInlineCodePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const size = 11;
  writeLines(page, ['The package changes a few internal macros of the kernel:'], { y: 100, font: f.regular });
  const base = PAGE_H - 100 - size * 1.3 - size;
  const lead = '• redefines ';
  const code = '\\@xfootnotenext, \\@xfootnotemark, \\@mpfootnotetext';
  page.drawText(lead, { x: MARGIN, y: base, size, font: f.regular });
  page.drawText(code, { x: MARGIN + f.regular.widthOfTextAtSize(lead, size), y: base, size, font: f.mono });
  writeLines(page, ['Other macros are left alone.'], { y: 160, font: f.regular });
  return finish(doc);
}

/** The TeX logo in running text, its E lowered by 0.3 em: "Support for Plain T" + lowered "E" + "X (plain.def) files." */
export async function loweredLetterPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const size = 11;
  const base = PAGE_H - 100 - size;
  const parts: Array<[string, number]> = [
    ['Support for Plain T', 0],
    ['E', -0.3 * size],
    ['X (plain.def) files is kept for old documents.', 0],
  ];
  let x = MARGIN;
  for (const [t, dy] of parts) {
    page.drawText(t, { x, y: base + dy, size, font: f.regular });
    x += f.regular.widthOfTextAtSize(t, size) - 0.1 * size;
  }
  writeLines(page, ['A second paragraph follows after a blank line.'], { y: 140, font: f.regular });
  return finish(doc);
}

/**
 * A sentence cut by a page break, the next page opening with a diagram's labels in tiny type (no shapes
 * found around them) before the sentence goes on: "… nested to a depth k, and each" / labels / "loop has n paths …".
 */
export async function tinyLabelsPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const p1 = doc.addPage([PAGE_W, PAGE_H]);
  const p2 = doc.addPage([PAGE_W, PAGE_H]);
  const filler = wrap(LOREM.join(' '), f.regular, 11, 468);
  writeLines(p1, filler, { y: 72, font: f.regular });
  writeLines(p1, ['In general, if loops are nested to a depth k, and each'], { y: 700, font: f.regular });
  writeLines(p2, ['Outer Tree', 'i1 t1', 'Nested Tree', 'Exit Guard'], {
    x: 200,
    y: 72,
    size: 5,
    font: f.bold,
  });
  writeLines(p2, ['loop has n paths through it, the tree grows with every path.'], {
    y: 140,
    font: f.regular,
  });
  return finish(doc);
}

/** A line of mostly inline code inside a sentence, ending in a word cut by a hyphen ("…, including func-" / "tion"). */
export async function codeLineEndingInCutWordPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const size = 11;
  writeLines(page, ['The server supports features of the language server protocol'], {
    y: 100,
    font: f.regular,
  });
  const base = PAGE_H - 100 - size * 1.3 - size;
  const code = '(https://example.org/wiki/Language_Server_Protocol)';
  page.drawText(code, { x: MARGIN, y: base, size, font: f.mono });
  page.drawText(', including func-', {
    x: MARGIN + f.mono.widthOfTextAtSize(code, size),
    y: base,
    size,
    font: f.regular,
  });
  writeLines(page, ['tion signature and variable matching.'], { y: 100 + 2 * size * 1.3, font: f.regular });
  return finish(doc);
}

/** An indented monospace listing followed, at the same size, by a numbered title in monospace set further left. */
export async function outdentedCodeTitlePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(page, ['Users of the package can test the switch as a boolean:'], { y: 100, font: f.regular });
  writeLines(page, ['\\boolean{foobar@verbose}', '\\ifverbose\\fi'], {
    x: MARGIN + 40,
    y: 124,
    size: 10,
    font: f.mono,
  });
  writeLines(page, ['2.2.3 \\DeclareComplementaryOption'], { y: 170, size: 10, font: f.mono });
  writeLines(page, ['Sometimes contrasting names are used for the two states of a switch.'], {
    y: 196,
    font: f.regular,
  });
  return finish(doc);
}

/**
 * A two-column page with a narrow gutter (10pt, under one em of the 11pt text): the left column is a table of
 * contents ("k Section about topic k . . .", dot leaders, then its page number right-aligned at the gutter), the right column prose
 * whose lines share the left column's baselines.
 */
export const NARROW_GUTTER_TOC = Array.from({ length: 14 }, (_, k) => ({
  title: `${k + 1} Section about topic ${k + 1}`,
  page: String(3 * k + 2),
}));
export async function narrowGutterTocPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const gutter = 10;
  const colW = (PAGE_W - 2 * MARGIN - gutter) / 2;
  const rightX = MARGIN + colW + gutter;
  writeLines(page, ['A Title Across Both Columns'], { x: 200, y: 60, size: 18, font: f.bold });
  const prose = wrap(LOREM.join(' ') + ' ' + LOREM.join(' '), f.regular, 11, colW).slice(0, 14);
  NARROW_GUTTER_TOC.forEach((entry, i) => {
    const base = PAGE_H - 120 - 13 * i - 11;
    let leader = entry.title;
    while (f.regular.widthOfTextAtSize(`${leader} .`, 11) < colW - 24) leader += ' .';
    page.drawText(leader, { x: MARGIN, y: base, size: 11, font: f.regular });
    const w = f.regular.widthOfTextAtSize(entry.page, 11);
    page.drawText(entry.page, { x: MARGIN + colW - w, y: base, size: 11, font: f.regular });
    if (prose[i]) page.drawText(prose[i], { x: rightX, y: base, size: 11, font: f.regular });
  });
  return finish(doc);
}

export const SPLIT_HEAD_SECTIONS = ['Learning', 'Data normalisation', 'Regularisation', 'Linear regression'];

/**
 * Running heads in two parts on one line, a wide gap apart: the section ("1.3. Data normalisation", varying)
 * and the chapter ("Regression", fixed), sides swapped on even pages; page numbers at the bottom. With
 * `headings`, every page opens instead with a larger bold title in two parts, "Lesson 5" and "Summary" (lesson numbers that do not follow the pages).
 */
export async function splitRunningHeadsPdf(pages: number, headings = false): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    const size = headings ? 16 : 11;
    const font = headings ? f.bold : f.italic;
    const left = headings
      ? `Lesson ${3 * i + 2}`
      : `1.${i + 1}. ${SPLIT_HEAD_SECTIONS[i % SPLIT_HEAD_SECTIONS.length]}`;
    const right = headings ? 'Summary' : 'Regression';
    const [a, b] = i % 2 === 0 ? [left, right] : [right, left];
    writeLines(page, [a], { y: 40, size, font });
    writeLines(page, [b], { x: PAGE_W - MARGIN - font.widthOfTextAtSize(b, size), y: 40, size, font });
    const body = wrap(`Body text of page ${i + 1}. ` + LOREM[i % LOREM.length] + '.', f.regular, 11, 468);
    writeLines(page, body, { y: 80, size: 11, font: f.regular });
    writeLines(page, [String(i + 1)], { x: PAGE_W / 2, y: PAGE_H - 50, size: 11, font: f.regular });
  }
  return finish(doc);
}

export const OUTPUT_LINES = [
  'Source IP      Dest IP',
  '----------------------',
  '10.0.2.15      10.0.2.2',
  '00000000  ad db de c0',
  '00000010',
];

/**
 * A program's output in Courier (a rule of dashes, a hexdump whose last line is "00000010"), then a decorative
 * rule set as repeated letters in the text font ("kikikikiki", a dingbat font read as letters).
 */
export async function programOutputPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await fonts(doc);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  writeLines(page, ['The script prints the following lines.'], { y: 100, font: f.regular });
  const y = writeLines(page, OUTPUT_LINES, { x: MARGIN + 20, y: 130, size: 10, leading: 12, font: f.mono });
  writeLines(page, ['kikikikikikikikiki'], { x: 200, y: y + 14, font: f.regular });
  writeLines(page, ['That was all of it.'], { y: y + 40, font: f.regular });
  return finish(doc);
}
