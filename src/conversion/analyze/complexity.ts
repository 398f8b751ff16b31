/** Simple or complex page, and why (complex pages are candidates for a model's help). */
import type { FontInfo, Line, PageComplexity } from '../model/layout';
import type { RawPage } from '../pdf/raw';

const MATH_FONT_RE =
  /^(cmmi|cmsy|cmex|msam|msbm|eufm|rsfs|stmary|wasy|lmmath|latinmodern-?math|stix.*math|cambria-?math|xits|asana|mathematica|symbol|mt-?extra|euclid)/i;

export function classifyPage(
  raw: RawPage,
  lines: Line[],
  columns: number,
  fonts: Record<string, FontInfo>,
): PageComplexity {
  const reasons: string[] = [];
  let chars = 0;
  let mathChars = 0;
  let bad = 0;
  let letters = 0;
  for (const l of lines) {
    for (const s of l.spans) {
      const n = s.text.replace(/\s/g, '').length;
      chars += n;
      if (MATH_FONT_RE.test(fonts[s.fontId]?.name ?? '')) mathChars += n;
      for (const ch of s.text) {
        const c = ch.codePointAt(0) ?? 0;
        if ((c >= 0xe000 && c <= 0xf8ff) || c === 0xfffd) bad++;
        else if (/\p{L}|\p{N}/u.test(ch)) letters++;
      }
    }
  }
  const pageArea = raw.width * raw.height;
  const imageArea = raw.images.reduce((a, im) => a + im.w * im.h, 0);
  if (chars === 0 && raw.images.length > 0) reasons.push('image_only');
  if (columns > 1) reasons.push('multi_column');
  // Table-like grids: several rows split into 3+ cells by wide gaps.
  let gridRows = 0;
  for (const l of lines) {
    let cells = 1;
    for (let i = 1; i < l.spans.length; i++) {
      const a = l.spans[i - 1].box;
      if (l.spans[i].box.x - (a.x + a.w) > 1.5 * l.size) cells++;
    }
    if (cells >= 3 && !l.monospace) gridRows++;
  }
  if (gridRows >= 3) reasons.push('table_grid');
  if (mathChars >= 20 || (chars > 0 && mathChars > 0.05 * chars)) reasons.push('formula');
  if (chars > 0 && imageArea > 0.15 * pageArea) reasons.push('images');
  if (chars >= 20 && (bad > 0.1 * chars || letters < 0.4 * chars)) reasons.push('garbled_text');
  return { complex: reasons.length > 0, reasons };
}
