/** What the PDF says, from the layout artifact: body text (headers/footers removed), running lines, images, code. */
import type { LayoutArtifact, OutlineEntry } from '../model/layout';
import { normalizeText, wordsOf } from '../structure/text';

export interface Reference {
  /** Body lines in reading order, line-end hyphenation joined like a good converter would. */
  bodyLines: string[];
  /** Normalised words of each body line (same order as bodyLines). */
  bodyLineWords: string[][];
  bodyWords: string[];
  /** Masked texts (digits → #) of the lines the layout marked as running headers/footers/page numbers. */
  runningMasks: Set<string>;
  /** Distinct raster images of at least 32×32 px. */
  images: number;
  /** Non-space characters of monospace body lines. */
  monoChars: number;
  outlineTitles: string[];
  pages: number;
}

export function maskLine(text: string): string {
  return normalizeText(text).replace(/\d+/g, '#');
}

function flatTitles(entries: readonly OutlineEntry[]): string[] {
  return entries.flatMap((entry) => [normalizeText(entry.title), ...flatTitles(entry.children)]);
}

/** Joins "algo-" + "rithm" across line ends when the next line starts in lower case. */
function dehyphenate(lines: readonly string[]): string[] {
  const out: string[] = [];
  let carry = '';
  lines.forEach((line, i) => {
    const text = carry + line.trim();
    const next = lines[i + 1]?.trimStart() ?? '';
    if (/\p{Ll}-$/u.test(text) && /^\p{Ll}/u.test(next)) {
      carry = text.slice(0, -1);
    } else {
      out.push(text);
      carry = '';
    }
  });
  if (carry) out.push(carry);
  return out;
}

export function buildReference(layout: LayoutArtifact): Reference {
  const body: string[] = [];
  const runningMasks = new Set<string>();
  const images = new Set<string>();
  let monoChars = 0;
  for (const page of layout.pages) {
    for (const line of page.lines) {
      if (line.artifact) {
        if (line.artifact !== 'page_number') runningMasks.add(maskLine(line.text));
        continue;
      }
      body.push(line.text);
      if (line.monospace) monoChars += line.text.replace(/\s/g, '').length;
    }
    for (const image of page.images) if (image.width >= 32 && image.height >= 32) images.add(image.name);
  }
  runningMasks.delete('');
  const bodyLines = dehyphenate(body);
  const bodyLineWords = bodyLines.map(wordsOf);
  return {
    bodyLines,
    bodyLineWords,
    bodyWords: bodyLineWords.flat(),
    runningMasks,
    images: images.size,
    monoChars,
    outlineTitles: flatTitles(layout.outline),
    pages: layout.pageCount,
  };
}
