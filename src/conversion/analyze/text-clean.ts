/** Clean Unicode for XML and readers: ligatures decomposed, XML-invalid control characters dropped. */

const LIGATURES: Record<string, string> = {
  '\uFB00': 'ff',
  '\uFB01': 'fi',
  '\uFB02': 'fl',
  '\uFB03': 'ffi',
  '\uFB04': 'ffl',
  '\uFB05': 'st',
  '\uFB06': 'st',
  '\u0132': 'IJ',
  '\u0133': 'ij',
  '\u01C7': 'LJ',
  '\u01C8': 'Lj',
  '\u01C9': 'lj',
  '\u01CA': 'NJ',
  '\u01CB': 'Nj',
  '\u01CC': 'nj',
};

// XML 1.0 forbids C0 controls other than tab/newline/CR and U+FFFE/U+FFFF; C1 controls are useless in text.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
const LIGATURE_RE = /[\uFB00-\uFB06\u0132\u0133\u01C7-\u01CC]/g;

const PLAIN_RE = /^[\u0020-\u007E\u00A1-\u00FF\u2010-\u201F]*$/;

export function cleanText(s: string): string {
  // Most text is plain: nothing to do.
  if (PLAIN_RE.test(s)) return s;
  let out = s;
  out = out.replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c);
  // Lone surrogates become U+FFFD, then go with the other junk.
  out = (out as string & { toWellFormed(): string })
    .toWellFormed()
    .replace(INVALID_XML, '')
    .replace(/\uFFFD/g, '');
  // Non-breaking and odd-width spaces read as plain spaces.
  out = out.replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' ');
  // Zero-width characters carry nothing in reflowed text.
  out = out.replace(/\u200B|\u200C|\u200D|\u2060|\uFEFF/g, '');
  return out;
}
