/** The individual measures of a conversion; each yields a 0..1 score and the raw figures behind it. */
import { indexOfWords, normalizeText, wordsOf } from '../structure/text';
import type { EpubPackage, SpineDocument } from './package-reader';
import { maskLine, type Reference } from './reference';
import type { TextBlock } from './xhtml-reader';

export interface Measure {
  score: number;
  detail: Record<string, number | string | boolean | null>;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

function counts(words: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const w of words) map.set(w, (map.get(w) ?? 0) + 1);
  return map;
}

export function contentDocs(pkg: EpubPackage): SpineDocument[] {
  return pkg.spine.filter((doc) => !doc.isCover);
}

export function contentBlocks(pkg: EpubPackage): TextBlock[] {
  return contentDocs(pkg).flatMap((doc) => doc.doc.blocks);
}

/** Words of the PDF body found in the EPUB (recall) and EPUB words the PDF does not account for (noise). */
export function textCoverage(
  ref: Reference,
  epubWords: readonly string[],
): { recall: Measure; noise: Measure } {
  const refCounts = counts(ref.bodyWords);
  const epubCounts = counts(epubWords);
  let common = 0;
  for (const [word, n] of refCounts) common += Math.min(n, epubCounts.get(word) ?? 0);
  let excess = 0;
  for (const [word, n] of epubCounts) excess += Math.max(0, n - (refCounts.get(word) ?? 0));
  const recall = ref.bodyWords.length ? common / ref.bodyWords.length : 1;
  const noise = epubWords.length ? excess / epubWords.length : 0;
  return {
    recall: {
      score: clamp01((recall - 0.8) / 0.2),
      detail: { recall: round(recall), pdfWords: ref.bodyWords.length, epubWords: epubWords.length },
    },
    noise: { score: 1 - clamp01(noise / 0.1), detail: { noise: round(noise) } },
  };
}

function longestIncreasing(values: readonly number[]): number {
  const tails: number[] = [];
  for (const v of values) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
  }
  return tails.length;
}

const GRAM = 6;

/** Where each word occurs in the EPUB text. */
function positionsByWord(words: readonly string[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  words.forEach((word, i) => {
    const list = positions.get(word);
    if (list) list.push(i);
    else positions.set(word, [i]);
  });
  return positions;
}

/** The single position where `key` occurs in `words`, -1 when it is absent or ambiguous. */
function uniquePosition(
  key: readonly string[],
  words: readonly string[],
  index: Map<string, number[]>,
): number {
  let rarest = 0;
  for (let k = 1; k < key.length; k++) {
    if ((index.get(key[k])?.length ?? 0) < (index.get(key[rarest])?.length ?? 0)) rarest = k;
  }
  let found = -1;
  for (const at of index.get(key[rarest]) ?? []) {
    const start = at - rarest;
    if (start < 0 || start + key.length > words.length) continue;
    if (key.every((w, k) => words[start + k] === w)) {
      if (found >= 0) return -1;
      found = start;
    }
  }
  return found;
}

/** Share of sampled PDF lines that appear in the EPUB in the same relative order (longest increasing run). */
export function readingOrder(ref: Reference, epubWords: readonly string[]): Measure | null {
  const seen = new Map<string, number>();
  const keys: string[][] = [];
  for (const words of ref.bodyLineWords) {
    if (words.length < GRAM) continue;
    const key = words.slice(0, GRAM);
    const joined = key.join(' ');
    seen.set(joined, (seen.get(joined) ?? 0) + 1);
    keys.push(key);
  }
  const index = positionsByWord(epubWords);
  const positions = keys
    .filter((key) => seen.get(key.join(' ')) === 1)
    .map((key) => uniquePosition(key, epubWords, index))
    .filter((pos) => pos >= 0);
  if (positions.length < 5) return null;
  const inOrder = longestIncreasing(positions) / positions.length;
  return {
    score: clamp01((inOrder - 0.7) / 0.3),
    detail: { inOrder: round(inOrder), sampledLines: positions.length },
  };
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = [0];
    b.forEach((y, j) => cur.push(x === y ? prev[j] + 1 : Math.max(prev[j + 1], cur[j])));
    prev = cur;
  }
  return prev[b.length];
}

/** Outline titles present in the navigation, in order. */
export function tocCoverage(ref: Reference, pkg: EpubPackage): Measure | null {
  if (ref.outlineTitles.length === 0) return null;
  const outline = ref.outlineTitles.slice(0, 2000);
  const nav = pkg.nav.slice(0, 4000).map((entry) => normalizeText(entry.title));
  const recall = lcsLength(outline, nav) / outline.length;
  return {
    score: clamp01(recall),
    detail: { recall: round(recall), outline: outline.length, nav: pkg.nav.length },
  };
}

/** Navigation entries whose target really starts with the entry's title (not a page top, not a wrong place). */
export function tocLinks(pkg: EpubPackage): Measure | null {
  if (pkg.nav.length === 0) return null;
  const docs = new Map(pkg.spine.map((doc) => [doc.path, doc.doc]));
  let ok = 0;
  for (const entry of pkg.nav) {
    const doc = docs.get(entry.path);
    const start = doc ? (entry.fragment ? doc.ids.get(entry.fragment) : 0) : undefined;
    if (!doc || start === undefined) continue;
    const title = wordsOf(entry.title);
    const following = doc.blocks
      .slice(start, start + 4)
      .map((b) => b.text)
      .join(' ')
      .slice(0, entry.title.length + 200);
    if (title.length > 0 && indexOfWords(wordsOf(following), title) >= 0) ok++;
  }
  const accuracy = ok / pkg.nav.length;
  return {
    score: clamp01((accuracy - 0.5) / 0.5),
    detail: { accuracy: round(accuracy), entries: pkg.nav.length },
  };
}

/**
 * Pictures shown in the content documents (every <img>, as the judge counts them: the EPUB stores a picture the
 * PDF embeds anew at each use — a rule, an icon — once, and shows it at each place) against the PDF's distinct
 * raster images.
 */
export function imagesKept(ref: Reference, pkg: EpubPackage): Measure | null {
  if (ref.images === 0) return null;
  const shown = contentDocs(pkg).reduce((sum, doc) => sum + doc.doc.images.length, 0);
  const recall = Math.min(1, shown / ref.images);
  return { score: recall, detail: { recall: round(recall), pdfImages: ref.images, epubImages: shown } };
}

/** Running headers, footers and bare page numbers that ended up in the text, per page. */
export function headerLeak(ref: Reference, blocks: readonly TextBlock[]): Measure {
  const patterns = new Set([...ref.runningMasks, '#']);
  const bodyCounts = counts(ref.bodyLines.map(maskLine).filter((m) => patterns.has(m)));
  const epubLines = blocks.filter((b) => b.tag !== 'pre').flatMap((b) => b.text.split('\n'));
  const epubCounts = counts(epubLines.map(maskLine).filter((m) => patterns.has(m)));
  let leaked = 0;
  for (const [mask, n] of epubCounts) leaked += Math.max(0, n - (bodyCounts.get(mask) ?? 0));
  const perPage = leaked / Math.max(1, ref.pages);
  return { score: 1 - clamp01(perPage / 0.5), detail: { perPage: round(perPage, 3), leakedLines: leaked } };
}

/** Paragraphs cut mid-sentence (ends without punctuation, next starts in lower case), per 100. */
export function brokenParagraphs(blocks: readonly TextBlock[]): Measure {
  const paras = blocks.filter((b) => b.tag === 'p').map((b) => b.text);
  let broken = 0;
  for (let i = 1; i < paras.length; i++) {
    if (/[A-Za-z,-]$/.test(paras[i - 1].trimEnd()) && /^\p{Ll}/u.test(paras[i].trimStart())) broken++;
  }
  const per100 = (100 * broken) / Math.max(1, paras.length);
  return { score: 1 - clamp01(per100 / 10), detail: { per100: round(per100, 2), paragraphs: paras.length } };
}

/** Words left split by a line-end hyphen ("algo- rithm") whose joined form the book itself uses, per 10k words. */
export function hyphenBreaks(blocks: readonly TextBlock[], epubWords: readonly string[]): Measure {
  const vocabulary = new Set(epubWords);
  let breaks = 0;
  for (const block of blocks) {
    if (block.tag === 'pre') continue;
    for (const m of normalizeText(block.text).matchAll(/\b(\p{Ll}{2,})- (\p{Ll}{2,})\b/gu)) {
      if (vocabulary.has(m[1] + m[2])) breaks++;
    }
  }
  const per10k = (10000 * breaks) / Math.max(1, epubWords.length);
  return { score: 1 - clamp01(per10k / 5), detail: { per10k: round(per10k, 2) } };
}

/** Monospace (code) characters of the PDF kept in <pre>/<code>. */
export function codeKept(ref: Reference, pkg: EpubPackage): Measure | null {
  if (ref.monoChars < 200) return null;
  const code = contentDocs(pkg).reduce((sum, doc) => sum + doc.doc.codeChars, 0);
  const recall = Math.min(1, code / ref.monoChars);
  return { score: recall, detail: { recall: round(recall), pdfMonoChars: ref.monoChars } };
}

/** The package's structural checks (OCF, OPF, spine, nav, well-formed XHTML). */
export function packageValidity(pkg: EpubPackage): Measure {
  const checks = Object.entries(pkg.checks);
  const passed = checks.filter(([, ok]) => ok).length;
  const detail: Measure['detail'] = { ...pkg.checks, problems: pkg.problems.slice(0, 3).join('; ') || null };
  return { score: checks.length ? passed / checks.length : 0, detail };
}
