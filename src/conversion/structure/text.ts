/** Text normalisation shared by the structure and quality stages: compare words, not glyphs. */

const WORD_RE = /[\p{L}\p{N}_]+/gu;

// eslint-disable-next-line no-control-regex -- "anything outside ASCII" is the test
const NON_ASCII = /[^\u0000-\u007f]/;

/** NFKC (ligatures, full-width forms), lower case, typographic quotes and dashes folded, spaces collapsed. */
export function normalizeText(text: string): string {
  let folded = text;
  if (NON_ASCII.test(folded)) {
    folded = folded
      .normalize('NFKC')
      .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
      .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
      .replace(/[\u2010-\u2015\u2212]/g, '-');
  }
  return folded.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The words of a text, normalised like normalizeText (quotes, dashes and spaces do not matter for words). */
export function wordsOf(text: string): string[] {
  const folded = NON_ASCII.test(text) ? text.normalize('NFKC') : text;
  return folded.toLowerCase().match(WORD_RE) ?? [];
}

export { blockText, inlineText } from '../block-text';

/** Index of the first occurrence of `needle` as a contiguous word run in `hay`, or -1. */
export function indexOfWords(hay: readonly string[], needle: readonly string[], from = 0): number {
  if (needle.length === 0) return -1;
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (hay[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** Share of `a`'s words that also occur in `b` (multiset), 0..1. */
export function wordOverlap(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const w of b) counts.set(w, (counts.get(w) ?? 0) + 1);
  let found = 0;
  for (const w of a) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      found++;
      counts.set(w, c - 1);
    }
  }
  return found / a.length;
}
