/**
 * TeX's 7-bit font encodings, for glyphs pdf.js could not map to Unicode.
 *
 * A TeX font (CMR10, CMMI10, ECRM1000, ...) puts ligatures, Greek letters and math symbols at codes that mean
 * something else in ASCII: 0x0C is "fi" in CMR10, 0x19 is "π" in CMMI10, 0x14 is "≤" in CMSY10. When a PDF carries
 * a ToUnicode map that lists only some codes (dvipdfmx writes maps with just "ff" and "ffi"), pdf.js does not fall
 * back to the font's own glyph names for the others and reports the raw code: "speci\fed", "\u0019r". Such a glyph
 * is read here through the encoding the font's name implies. A code pdf.js did map (its text differs from the raw
 * code) is never touched, and fonts with other names are never touched.
 */

/** Code → text, for the codes whose glyph is not the ASCII character of that code. */
type TexEncoding = ReadonlyMap<number, string>;

function table(first: number, chars: readonly string[]): Map<number, string> {
  return new Map(chars.map((text, i) => [first + i, text] as [number, string]));
}

const GREEK_CAPITALS = ['Γ', 'Δ', 'Θ', 'Λ', 'Ξ', 'Π', 'Σ', 'Υ', 'Φ', 'Ψ', 'Ω'];
/** 0x10–0x1F of OT1 text and typewriter fonts: dotless i/j, spacing accents, ß and the Nordic letters. */
const OT1_LETTERS_AND_ACCENTS = [
  'ı',
  'ȷ',
  '`',
  '´',
  'ˇ',
  '˘',
  '¯',
  '˚',
  '¸',
  'ß',
  'æ',
  'œ',
  'ø',
  'Æ',
  'Œ',
  'Ø',
];

/** OT1, the text encoding of Computer Modern roman, bold, italic, slanted and sans fonts. */
const OT1 = new Map([
  ...table(0x00, [...GREEK_CAPITALS, 'ff', 'fi', 'fl', 'ffi', 'ffl', ...OT1_LETTERS_AND_ACCENTS]),
  [0x22, '\u201D'],
  [0x3c, '¡'],
  [0x3e, '¿'],
  [0x5c, '\u201C'],
  [0x5e, 'ˆ'],
  [0x5f, '˙'],
  [0x60, '\u2018'],
  [0x7b, '\u2013'],
  [0x7c, '\u2014'],
  [0x7d, '˝'],
  [0x7e, '˜'],
  [0x7f, '¨'],
]);

/** OT1 as the typewriter fonts (CMTT) have it: no ligatures, ASCII from 0x20 on. */
const OT1_TYPEWRITER = table(0x00, [...GREEK_CAPITALS, '↑', '↓', "'", '¡', '¿', ...OT1_LETTERS_AND_ACCENTS]);

/** OML, math italic (CMMI): Greek, then a few symbols; letters and digits are ASCII. */
const OML = new Map([
  ...table(0x00, [...GREEK_CAPITALS]),
  ...table(0x0b, ['α', 'β', 'γ', 'δ', 'ϵ', 'ζ', 'η', 'θ', 'ι', 'κ', 'λ', 'μ', 'ν', 'ξ', 'π', 'ρ', 'σ', 'τ']),
  ...table(0x1d, ['υ', 'ϕ', 'χ', 'ψ', 'ω', 'ε', 'ϑ', 'ϖ', 'ϱ', 'ς', 'φ']),
  ...table(0x3a, ['.', ',', '<', '/', '>', '⋆']),
  [0x40, '∂'],
  [0x5b, '♭'],
  [0x5c, '♮'],
  [0x5d, '♯'],
  [0x60, 'ℓ'],
  [0x7b, 'ı'],
  [0x7c, 'ȷ'],
  [0x7d, '℘'],
]);

/** OMS, math symbols (CMSY); its capitals are calligraphic letters, read as plain ones. */
const OMS = new Map([
  ...table(0x00, ['−', '·', '×', '∗', '÷', '⋄', '±', '∓', '⊕', '⊖', '⊗', '⊘', '⊙', '◯', '∘', '•']),
  ...table(0x10, ['≍', '≡', '⊆', '⊇', '≤', '≥', '⪯', '⪰', '∼', '≈', '⊂', '⊃', '≪', '≫', '≺', '≻']),
  ...table(0x20, ['←', '→', '↑', '↓', '↔', '↗', '↘', '≃', '⇐', '⇒', '⇑', '⇓', '⇔', '↖', '↙', '∝']),
  ...table(0x30, ['′', '∞', '∈', '∋', '△', '▽', '/', '', '∀', '∃', '¬', '∅', 'ℜ', 'ℑ', '⊤', '⊥', 'ℵ']),
  ...table(0x5b, ['∪', '∩', '⊎', '∧', '∨', '⊢', '⊣', '⌊', '⌋', '⌈', '⌉', '{', '}', '⟨', '⟩', '|', '‖']),
  ...table(0x6c, ['↕', '⇕', '\\', '≀', '√', '⨿', '∇', '∫', '⊔', '⊓', '⊑', '⊒', '§', '†', '‡', '¶']),
  ...table(0x7c, ['♣', '♢', '♡', '♠']),
]);

/** T1 (Cork), the 8-bit text encoding of the EC and cm-super fonts: 0x00–0x1F accents, quotes, ligatures. */
const T1 = new Map([
  ...table(0x00, ['`', '´', 'ˆ', '˜', '¨', '˝', '˚', 'ˇ', '˘', '¯', '˙', '¸', '˛', '\u201A', '‹', '›']),
  ...table(0x10, ['\u201C', '\u201D', '\u201E', '«', '»', '\u2013', '\u2014', '', '', 'ı', 'ȷ']),
  ...table(0x1b, ['ff', 'fi', 'fl', 'ffi', 'ffl']),
  [0x7f, '-'],
]);

/** Which TeX encoding a font's name implies (subset prefix already removed), or null for any other font. */
export function texEncodingOf(fontName: string): TexEncoding | null {
  const name = fontName.toUpperCase();
  if (/^CMMIB?\d/.test(name)) return OML;
  if (/^CMB?SY\d/.test(name)) return OMS;
  if (/^CM(SL|I)?TT\d|^CMTCSC\d/.test(name)) return OT1_TYPEWRITER;
  if (/^CMEX\d/.test(name)) return null;
  if (/^CM[A-Z]{1,6}\d/.test(name)) return OT1;
  if (/^(EC|SF)[A-Z]{2}\d{4}$/.test(name)) return T1;
  return null;
}

/**
 * pdf.js gave up on the glyph: its text is the raw code's character, or a blank for a code that is no space
 * (TeX fonts have no space glyph; pdf.js blanks unmapped codes of fonts it has to substitute).
 */
function unmapped(unicode: string, code: number): boolean {
  return unicode === String.fromCharCode(code) || (code !== 0x20 && unicode.trim() === '');
}

/** The text of a glyph: pdf.js's own, unless pdf.js gave up on it and the font's TeX encoding knows the code. */
export function texGlyphText(
  encoding: TexEncoding | null,
  unicode: string,
  code: number | undefined,
): string {
  if (!encoding || code === undefined || !unmapped(unicode, code)) return unicode;
  return encoding.get(code) ?? unicode;
}
