/**
 * What older TeX toolchains (dvipdfmx, OT1-encoded Computer Modern) write, generated with pdf-lib: fonts named
 * CMR10/CMMI10/CMBX12 in TeX's own encodings with a ToUnicode map that lists only some codes, and `\_` set as a
 * short rule on the baseline.
 */
import {
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFPage,
  beginText,
  endText,
  fill,
  moveText,
  rectangle,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { PAGE_H, PAGE_W } from './pdf-fixtures';

/** A ToUnicode map that knows only "ff" (0x0B) and "ffi" (0x0E), as dvipdfmx wrote it for CMR10. */
const PARTIAL_CMAP = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /CMR10-UTF16 def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
2 beginbfchar
<0B> <FB00>
<0E> <FB03>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end`;

const GLYPH_WIDTH = 0.5;

function hex(codes: string): PDFHexString {
  return PDFHexString.of([...codes].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
}

function texFont(doc: PDFDocument, page: PDFPage, key: string, baseFont: string): void {
  const cmap = doc.context.register(doc.context.stream(PARTIAL_CMAP));
  const font = doc.context.register(
    doc.context.obj({
      Type: 'Font',
      Subtype: 'Type1',
      BaseFont: baseFont,
      ToUnicode: cmap,
      // Every glyph half an em wide, so the test knows where each one ends.
      FirstChar: 0,
      LastChar: 127,
      Widths: Array.from({ length: 128 }, () => GLYPH_WIDTH * 1000),
    }),
  );
  page.node.setFontDictionary(PDFName.of(key), font);
}

function line(page: PDFPage, key: string, size: number, x: number, yFromTop: number, codes: string): void {
  page.pushOperators(
    beginText(),
    setFontAndSize(key, size),
    moveText(x, PAGE_H - yFromTop),
    showText(hex(codes)),
    endText(),
  );
}

/** The body text of the TeX page: OT1 codes for "fi", "ff", the quotes and the en dash. */
export const TEX_BODY_CODES =
  'The speci\x0Ced routine sets the constant term (\x5Cshift\x22) of the objective, see (1.1)\x7B(1.3); no e\x0Bort.';
export const TEX_BODY_TEXT =
  'The specified routine sets the constant term (\u201Cshift\u201D) of the objective, see (1.1)\u2013(1.3); no effort.';

/**
 * One page: a CMBX12 heading "glp_create_prob" whose underscores are rules, a CMR10 body line in OT1 codes, and a
 * CMMI10 formula with π (0x19) and λ (0x15); only 0x0B and 0x0E have ToUnicode entries. A line of CMR10 text
 * underlined by a long rule shows that underlines stay underlines.
 */
export async function texEncodingsPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE_W, PAGE_H]);
  texFont(doc, page, 'Fbx', 'HDCCQC+CMBX12');
  texFont(doc, page, 'Frm', 'OXBFNF+CMR10');
  texFont(doc, page, 'Fmi', 'VLUASP+CMMI10');
  // "glp", rule, "create", rule, "prob": each part is its own text object placed after the previous one.
  const size = 14.4;
  const widthOf = (text: string) => text.length * GLYPH_WIDTH * size;
  let x = 72;
  const baseFromTop = 100;
  for (const [i, part] of ['glp', 'create', 'prob'].entries()) {
    if (i > 0) {
      const rx = x + 0.06 * size;
      page.pushOperators(rectangle(rx, PAGE_H - baseFromTop, 0.3 * size, 0.4), fill());
      x = rx + 0.3 * size;
    }
    line(page, 'Fbx', size, x, baseFromTop, part);
    x += widthOf(part);
  }
  line(page, 'Frm', 10, 72, 140, TEX_BODY_CODES);
  line(page, 'Fmi', 10, 72, 160, 'A\x19r\x15');
  // An underlined word: the rule lies under the glyphs ("No" of "Note"), it is no underscore.
  line(page, 'Frm', 10, 72, 180, 'Note');
  page.pushOperators(rectangle(72, PAGE_H - 181.5, 5, 0.4), fill());
  return doc.save();
}
