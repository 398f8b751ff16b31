/** Section numbering at the start of a heading: "1.2", "Chapter 3", "Appendix A", "Part II". */

const LABEL_WORDS = new Set(['chapter', 'part', 'appendix', 'section', 'lecture', 'book', 'unit', 'lesson']);
const TOP_LEVEL_LABELS = new Set(['chapter', 'part', 'appendix', 'book', 'unit', 'lesson', 'lecture']);
const ROMAN_RE = /^[ivxlc]+$/;
const DOTTED_RE = /^(\d+|[A-Z])((?:\.\d+)*)\.?$/;

export interface Numbering {
  /** 1 for "3", "Chapter 3", "Part II"; 2 for "3.1"; ... */
  depth: number;
  /** How many normalised words the numbering takes (e.g. "chapter 3" = 2, "3.1" = 2). */
  words: number;
}

function isLabelValue(word: string): boolean {
  return /^\d+$/.test(word) || /^[a-z]$/.test(word) || ROMAN_RE.test(word);
}

/** Numbering of a heading's raw text, or null when it does not start with one. */
export function numberingOf(rawText: string): Numbering | null {
  const tokens = rawText.trim().split(/\s+/);
  const first = tokens[0] ?? '';
  const lower = first.toLowerCase();
  if (LABEL_WORDS.has(lower) && tokens.length >= 2) {
    const value = (tokens[1] ?? '').replace(/[.:]$/, '').toLowerCase();
    if (isLabelValue(value)) return { depth: TOP_LEVEL_LABELS.has(lower) ? 1 : 2, words: 2 };
    return null;
  }
  const dotted = DOTTED_RE.exec(first);
  if (!dotted || tokens.length < 2) return null;
  const subParts = dotted[2] ? dotted[2].split('.').length - 1 : 0;
  if (/^[A-Z]$/.test(dotted[1] ?? '') && subParts === 0) return null;
  return { depth: 1 + subParts, words: 1 + subParts };
}

/** True when the normalised words are nothing but a numbering label ("chapter 3", "1", "part ii", "a 2"). */
export function isBareNumbering(words: readonly string[]): boolean {
  if (words.length === 0 || words.length > 4) return false;
  const rest = LABEL_WORDS.has(words[0] ?? '') ? words.slice(1) : words;
  return rest.length > 0 && rest.every(isLabelValue);
}

/** True when the first `count` normalised words are a numbering prefix (as left of a title), or a bare label word. */
export function isNumberingPrefix(words: readonly string[], count: number): boolean {
  if (count === 1 && LABEL_WORDS.has(words[0] ?? '')) return true; // "Part" + "I Getting Started"
  return count > 0 && isBareNumbering(words.slice(0, count));
}
