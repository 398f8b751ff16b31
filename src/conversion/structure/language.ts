/** Guessing the book's language from its most common short words, when the PDF does not say. */

const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'is', 'in', 'that', 'it', 'with', 'for', 'this', 'are', 'be', 'on'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'den', 'ein', 'eine', 'zu', 'sich', 'auf', 'dem'],
  fr: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'que', 'dans', 'pour', 'pas', 'qui', 'sur', 'du'],
  es: ['el', 'la', 'los', 'las', 'y', 'que', 'es', 'una', 'por', 'con', 'para', 'del', 'se', 'como'],
  it: ['il', 'la', 'che', 'di', 'e', 'per', 'una', 'sono', 'con', 'non', 'della', 'gli', 'del', 'nel'],
  pt: ['o', 'a', 'os', 'que', 'e', 'do', 'da', 'em', 'um', 'uma', 'para', 'com', 'não', 'dos'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'niet', 'met', 'voor', 'zijn', 'op', 'te', 'ook'],
};

const TAG_RE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

/** A BCP 47 tag from the PDF's /Lang, or null when it is missing or malformed. */
export function normalizeLanguageTag(tag: string | undefined): string | null {
  const clean = (tag ?? '').trim().replace(/_/g, '-');
  if (!TAG_RE.test(clean)) return null;
  const [primary, ...rest] = clean.split('-');
  return [primary.toLowerCase(), ...rest.map((part) => (part.length === 2 ? part.toUpperCase() : part))].join(
    '-',
  );
}

/** The language whose stop words cover most of the sample, "en" when nothing stands out. */
export function guessLanguage(words: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  let best = 'en';
  let bestHits = 0;
  for (const [language, stopwords] of Object.entries(STOPWORDS)) {
    const hits = stopwords.reduce((sum, word) => sum + (counts.get(word) ?? 0), 0);
    if (hits > bestHits) {
      best = language;
      bestHits = hits;
    }
  }
  return bestHits >= Math.max(3, words.length * 0.05) ? best : 'en';
}
