/**
 * Small PDFs that imitate what producers other than TeX write (Ghostscript, Word, FrameMaker, FOP,
 * Asciidoctor PDF...), generated with pdf-lib for the engine's tests.
 */
import {
  PDFDocument,
  PDFFont,
  PDFHexString,
  PDFName,
  PDFPage,
  StandardFonts,
  beginText,
  endText,
  moveText,
  setCharacterSpacing,
  setFontAndSize,
  setTextMatrix,
  setWordSpacing,
  showText,
} from 'pdf-lib';
import { LOREM, PAGE_H, PAGE_W, samplePng, wrap } from './pdf-fixtures';

/** Shows `parts` one after the other on one line, each with its own word and character spacing (Tw, Tc). */
function showSpaced(
  page: PDFPage,
  font: PDFFont,
  size: number,
  x: number,
  yFromTop: number,
  parts: Array<{ text: string; tw?: number; tc?: number }>,
): void {
  const key = page.node.newFontDictionary(font.name, font.ref);
  page.pushOperators(beginText(), setFontAndSize(key, size), moveText(x, PAGE_H - yFromTop - size));
  for (const p of parts) {
    // Within one text object each Tj starts where the previous one ended.
    page.pushOperators(
      setWordSpacing(p.tw ?? 0),
      setCharacterSpacing(p.tc ?? 0),
      showText(font.encodeText(p.text)),
    );
  }
  page.pushOperators(endText());
}

/**
 * Ghostscript's rendering of groff pages: a space character inside a word ("neg ative") that word spacing
 * shrinks to nothing, next to real spaces between words.
 */
export async function collapsedSpacePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  let y = 72;
  for (const line of wrap(LOREM.join(' '), font, 11, PAGE_W - 144)) {
    page.drawText(line, { x: 72, y: PAGE_H - y - 11, size: 11, font });
    y += 14;
  }
  // "so neg ative indices": the space after "neg" advances 2.75 - 2.6 = 0.15 pt.
  showSpaced(page, font, 11, 72, y, [
    { text: 'Indices are counted so ' },
    { text: 'neg ative', tw: -2.6 },
    { text: ' indices count back from the end of the array.' },
  ]);
  return doc.save();
}

/**
 * DocBook/FOP and Word running heads: the chapter title in bold on even pages, the current section's title in
 * the regular font on odd pages, both at the same height; each section title heads one page only.
 */
export async function sectionRunningHeadsPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const sections = ['Installing the Tool', 'Initial Testing', 'Probes and Handlers', 'Running Scripts'];
  for (let i = 0; i < 8; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    if (i % 2 === 0) {
      page.drawText('Chapter 2. Using the Tool', { x: 54, y: PAGE_H - 44 - 10, size: 10, font: bold });
    } else {
      const title = sections[(i - 1) / 2];
      const x = PAGE_W - 54 - regular.widthOfTextAtSize(title, 10);
      page.drawText(title, { x, y: PAGE_H - 44 - 10, size: 10, font: regular });
    }
    let y = 75;
    for (const line of wrap(`Body text of page ${i + 1}. ${LOREM[i % LOREM.length]}`, regular, 10, 500)) {
      page.drawText(line, { x: 54, y: PAGE_H - y - 10, size: 10, font: regular });
      y += 13;
    }
  }
  return doc.save();
}

/** Writes `text` wrapped to the text width from `y` (distance from the top); returns the y below it. */
function paragraph(page: PDFPage, font: PDFFont, text: string, y: number, size = 11): number {
  for (const line of wrap(text, font, size, PAGE_W - 144)) {
    page.drawText(line, { x: 72, y: PAGE_H - y - size, size, font });
    y += size * 1.3;
  }
  return y + 8;
}

export const WORD_SECTIONS = ['Running Under UNIX', 'Mouse Controls', 'Scroll Bars'];

/**
 * Word's PDF of a manual first written in HTML (RasMol's, via Mac OS X Quartz): a 24 pt bold chapter title
 * followed by the bulleted list of its sections, then 14 pt bold section titles, each section closed by a
 * horizontal rule drawn as a 400×40 px picture squeezed to 468 × 1.44 pt and embedded anew at each use.
 */
export async function wordHtmlRulesPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const rulePng = await samplePng(400, 40);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  page.drawText('General Operation', { x: 72, y: PAGE_H - 72 - 24, size: 24, font: bold });
  let y = 110;
  for (const title of WORD_SECTIONS) {
    page.drawText(`\u2022 ${title}`, { x: 90, y: PAGE_H - y - 11, size: 11, font: regular });
    y += 15;
  }
  y += 10;
  for (const [i, title] of WORD_SECTIONS.entries()) {
    page.drawText(title, { x: 72, y: PAGE_H - y - 14, size: 14, font: bold });
    y = paragraph(page, regular, LOREM[i % LOREM.length], y + 22);
    const rule = await doc.embedPng(rulePng);
    page.drawImage(rule, { x: 72, y: PAGE_H - y - 1.44, width: 468, height: 1.44 });
    y += 12;
  }
  return doc.save();
}

/**
 * A manual without an outline whose middle chapter is a reference of many short entries (two a page over 30
 * pages, 14 pt bold titles) between two short chapters (24 pt bold titles).
 */
export async function referenceChapterPdf(entries = 60): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const chapter = (title: string) => {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.drawText(title, { x: 72, y: PAGE_H - 72 - 24, size: 24, font: bold });
    return { page, y: 120 };
  };
  let { page, y } = chapter('Introduction');
  y = paragraph(page, regular, LOREM.join(' '), y);
  ({ page, y } = chapter('Command Reference'));
  y = paragraph(page, regular, LOREM[0], y);
  for (let i = 0; i < entries; i++) {
    if (i % 2 === 0 && i > 0) {
      page = doc.addPage([PAGE_W, PAGE_H]);
      y = 72;
    }
    const name = `Command${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
    page.drawText(name, {
      x: 72,
      y: PAGE_H - y - 14,
      size: 14,
      font: bold,
    });
    y = paragraph(page, regular, LOREM[i % LOREM.length], y + 22);
  }
  ({ page, y } = chapter('Appendix'));
  paragraph(page, regular, LOREM.join(' '), y);
  return doc.save();
}

/**
 * htmldoc's numbered list (xfig's FAQ): an item's first line ends with a colon well short of the margin and
 * its last word goes on the next line, hung under the item's text; the next item's colon is followed by a
 * sub-item whose marker ("»") is no list marker.
 */
export async function colonListItemPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const items: Array<[string, string?]> = [
    ['2. Icons in the side and bottom panels appear then disappear'],
    [
      '3. A warning about some action not found occurs, like "Warning: Actions not found:',
      'ModeOpenCompound"',
    ],
    ['4. An X error occurs with the Request code, or thick line shows through'],
    ['5. On Ubuntu Precise:', '\u00BB Click on the Dash Home icon in the top left.'],
  ];
  let y = paragraph(page, font, LOREM.join(' '), 72);
  for (const [first, rest] of items) {
    page.drawText(first, { x: 97, y: PAGE_H - y - 11, size: 11, font });
    y += 13.2;
    if (rest) {
      page.drawText(rest, { x: 108, y: PAGE_H - y - 11, size: 11, font });
      y += 13.2;
    }
  }
  paragraph(page, font, LOREM.join(' '), y + 20);
  return doc.save();
}

/**
 * dvips + Ghostscript: a character missing from the text font ("$") drawn from a bitmap Type 3 font whose glyph
 * space points down (FontMatrix [.012 0 0 -.012 0 0]), shown upright through a text matrix that flips y
 * ("1 0 0 -1 x y Tm"): "Refer to the variable " + "$" + "count in the handler."
 */
export async function flippedType3Pdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const ctx = doc.context;
  // A filled box stands for the bitmap of the dollar sign.
  const dollar = ctx.register(ctx.stream('44 0 0 -21 40 59 d1 2 -21 38 80 re f', {}));
  const type3 = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'Type3',
      FontBBox: [-18, -21, 61, 59],
      FontMatrix: [0.012, 0, 0, -0.012, 0, 0],
      CharProcs: { dollar },
      Encoding: { Type: 'Encoding', Differences: [36, PDFName.of('dollar')] },
      FirstChar: 36,
      LastChar: 36,
      Widths: [44],
      Resources: {},
    }),
  );
  const key = page.node.newFontDictionary('T3', type3);
  const base = PAGE_H - 100;
  const before = 'Refer to the variable ';
  const x = 72 + font.widthOfTextAtSize(before, 10);
  page.drawText(before, { x: 72, y: base, size: 10, font });
  page.pushOperators(
    beginText(),
    setFontAndSize(key, 10),
    setTextMatrix(1, 0, 0, -1, x, base),
    showText(PDFHexString.of('24')),
    endText(),
  );
  page.drawText('count in the handler.', { x: x + 5.28, y: base, size: 10, font });
  return doc.save();
}

/**
 * groff's "ˆC" (Control-C) and "${parameterˆpattern}": a circumflex set beside the letters (the glyph
 * "circumflex", U+02C6) on one line; on the next, an acute accent set over the "e" the way TeX does ("caf´"
 * then "e" drawn back over the accent).
 */
export async function spacingAccentsPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const roman = await doc.embedFont(StandardFonts.TimesRoman);
  const bold = await doc.embedFont(StandardFonts.TimesRomanBold);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  let x = 72;
  const base = PAGE_H - 100;
  for (const [text, font] of [
    ['Press ', roman],
    ['\u02C6C', bold],
    [' to stop; the ', roman],
    ['\u02C6', bold],
    [' operator converts.', roman],
  ] as const) {
    page.drawText(text, { x, y: base, size: 10, font });
    x += font.widthOfTextAtSize(text, 10);
  }
  page.drawText('A caf\u00B4', { x: 72, y: base - 14, size: 10, font: roman });
  const e = 72 + roman.widthOfTextAtSize('A caf', 10);
  page.drawText('e in the square.', { x: e, y: base - 14, size: 10, font: roman });
  return doc.save();
}

/**
 * A man page (groff) option list: a tag ("-i") at the left margin, its text indented beside it; the first
 * line ends in a word in capitals cut by a hyphen ("ARITHMETIC EVALUA-"), the next goes on under the text
 * with the rest of it ("TION above) is performed …").
 */
export async function cutCapitalsInTaggedParagraphPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const roman = await doc.embedFont(StandardFonts.TimesRoman);
  const bold = await doc.embedFont(StandardFonts.TimesRomanBold);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  let y = 90;
  const line = (text: string, x: number, font = roman) => {
    page.drawText(text, { x, y: PAGE_H - y - 10, size: 10, font });
  };
  for (const text of wrap(LOREM.join(' '), roman, 10, 430)) {
    line(text, 72);
    y += 12;
  }
  y += 6;
  line('-i', 72, bold);
  line('The variable is treated as an integer; arithmetic evaluation (see ARITHMETIC EVALUA-', 108);
  y += 12;
  line('TION above) is performed when the variable is assigned a value.', 108);
  y += 18;
  line('-l', 72, bold);
  line('When the variable is assigned a value, all upper-case characters are converted to lower-', 108);
  y += 12;
  line('case. The upper-case attribute is disabled.', 108);
  return doc.save();
}
