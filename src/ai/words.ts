/** Word-level text accounting: the guard that keeps an AI reading from adding or losing text. */

/** Normalised words: NFKC, lower case, letters and digits only (punctuation and hyphens removed). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.normalize('NFKC').toLowerCase().split(/\s+/)) {
    const word = raw.replace(/[^\p{L}\p{N}]+/gu, '');
    if (word) out.push(word);
  }
  return out;
}

export type Multiset = Map<string, number>;

export function multiset(items: Iterable<string>): Multiset {
  const set: Multiset = new Map();
  for (const item of items) set.set(item, (set.get(item) ?? 0) + 1);
  return set;
}

export function size(set: Multiset): number {
  let n = 0;
  for (const count of set.values()) n += count;
  return n;
}

/** What `a` holds beyond `b`. */
export function minus(a: Multiset, b: Multiset): Multiset {
  const out: Multiset = new Map();
  for (const [word, count] of a) {
    const rest = count - (b.get(word) ?? 0);
    if (rest > 0) out.set(word, rest);
  }
  return out;
}

function take(set: Multiset, word: string): boolean {
  const count = set.get(word) ?? 0;
  if (count === 0) return false;
  if (count === 1) set.delete(word);
  else set.set(word, count - 1);
  return true;
}

/**
 * Pairs of words split by a line-end hyphen ("exam-" + "ple"): a reading that joins them is not adding text.
 * `lines` are the page's line texts in order.
 */
export function hyphenPairs(lines: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const current = lines[i].trimEnd();
    if (!/\p{L}[-\u00ad\u2010]$/u.test(current)) continue;
    const left = words(current).at(-1);
    const right = words(lines[i + 1])[0];
    if (left && right) pairs.push([left, right]);
  }
  return pairs;
}

export interface TextComparison {
  /** Words the reading has that the source has not. */
  added: number;
  /** Words of the source the reading lost. */
  lost: number;
  sourceWords: number;
}

/** Compares a reading's words with the source's, forgiving joined hyphenations. */
export function compareWords(
  source: string[],
  reading: string[],
  pairs: Array<[string, string]> = [],
): TextComparison {
  const src = multiset(source);
  const got = multiset(reading);
  const added = minus(got, src);
  const lost = minus(src, got);
  for (const [left, right] of pairs) {
    const joined = left + right;
    if ((added.get(joined) ?? 0) > 0 && (lost.get(left) ?? 0) > 0 && (lost.get(right) ?? 0) > 0) {
      take(added, joined);
      take(lost, left);
      take(lost, right);
    }
  }
  return { added: size(added), lost: size(lost), sourceWords: source.length };
}

/** Allowed differences: 2 words, or 2% of the page, whichever is more. */
export function withinTolerance(c: TextComparison, ratio = 0.02, floor = 2): boolean {
  const allowed = Math.max(floor, Math.floor(c.sourceWords * ratio));
  return c.added <= allowed && c.lost <= allowed;
}
