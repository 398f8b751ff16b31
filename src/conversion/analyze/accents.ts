/**
 * Accents that TeX (and other typesetters using old 7-bit font encodings) builds from two glyphs: a spacing
 * accent (U+00A8 "¨", U+00B8 "¸", ...) set over or under a letter. pdf.js reports them as two characters,
 * "na¨ıve", "Fran¸cois", which read as two words. They become the accented letter ("naïve", "François").
 * Only the non-ASCII spacing accents are read this way: "^", "`" and "~" are too common in code. An accent that
 * the page sets beside the letters rather than over or under one (groff's "ˆC" for Control-C, "˜/.bashrc")
 * is a character of its own: the page parser gives it a span of its own (see SpanBuilder), and only an accent
 * that overlaps the next span is moved onto it.
 */
import type { RawSpan } from '../pdf/raw';

const COMBINING: Record<string, string> = {
  '\u00A8': '\u0308', // diaeresis
  '\u00B4': '\u0301', // acute
  '\u02C6': '\u0302', // circumflex
  '\u02DC': '\u0303', // tilde
  '\u00AF': '\u0304', // macron
  '\u02C9': '\u0304', // modifier macron
  '\u02D8': '\u0306', // breve
  '\u02D9': '\u0307', // dot above
  '\u02DA': '\u030A', // ring above
  '\u02DD': '\u030B', // double acute
  '\u02C7': '\u030C', // caron
  '\u00B8': '\u0327', // cedilla
  '\u02DB': '\u0328', // ogonek
};

const ACCENT_RE = /[\u00A8\u00B4\u02C6\u02DC\u00AF\u02C9\u02D8\u02D9\u02DA\u02DD\u02C7\u00B8\u02DB]/;
const LETTER_RE = /\p{L}/u;

/** A spacing accent that TeX-like typesetters set over or under a letter. */
export function isSpacingAccent(ch: string): boolean {
  return ch.length === 1 && ACCENT_RE.test(ch);
}

/** The letter with the accent as one precomposed character, or null when Unicode has none. */
function accented(letter: string, accent: string): string | null {
  const mark = COMBINING[accent];
  if (!mark) return null;
  // An accent over a dotless i or j stands for the dotted letter's accented form (ı + ¨ = ï).
  const base = letter === '\u0131' ? 'i' : letter === '\u0237' ? 'j' : letter;
  const composed = (base + mark).normalize('NFC');
  return [...composed].length === 1 ? composed : null;
}

/** Joins each spacing accent of `text` to the letter after it (as TeX sets it) or, failing that, before it. */
export function composeAccents(text: string): string {
  if (!ACCENT_RE.test(text)) return text;
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (!ACCENT_RE.test(c)) {
      out.push(c);
      continue;
    }
    const next = chars[i + 1];
    const prev = out[out.length - 1];
    const withNext = next !== undefined && LETTER_RE.test(next) ? accented(next, c) : null;
    if (withNext) {
      out.push(withNext);
      i++;
      continue;
    }
    const withPrev = prev !== undefined && LETTER_RE.test(prev) ? accented(prev, c) : null;
    if (withPrev) out[out.length - 1] = withPrev;
    else out.push(c);
  }
  return out.join('');
}

function endsWithAccent(s: RawSpan): boolean {
  return ACCENT_RE.test(s.text.slice(-1));
}

/**
 * Composes accents within each span of a row (sorted by x) and across two spans that overlap, when one ends
 * with an accent and the next starts with a letter set under it ("Fran¸" + "cois": the accent goes to the
 * letter after it).
 */
export function composeRowAccents(spans: RawSpan[]): RawSpan[] {
  if (!spans.some((s) => ACCENT_RE.test(s.text))) return spans;
  const out = spans.map((s) => ({ ...s }));
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i];
    const b = out[i + 1];
    const overlapping = !b.spaceBefore && a.x + a.w - b.x > 0.05 * Math.min(a.size, b.size);
    if (overlapping && endsWithAccent(a) && LETTER_RE.test(b.text.charAt(0))) {
      b.text = a.text.slice(-1) + b.text;
      a.text = a.text.slice(0, -1);
    }
  }
  for (const s of out) s.text = composeAccents(s.text);
  return out.filter((s) => s.text.length > 0);
}
