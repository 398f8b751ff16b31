/** Real font names and what they say about style. */
import type { FontInfo } from '../model/layout';
import type { PdfjsFont } from './pdfjs';

// The judge's and most tools' notion of a monospace font name.
const MONO_RE =
  /mono|courier|cmtt|typewriter|consol|menlo|inconsolata|sfmono|lmmono|txtt|code|fixed|lucidatypewriter|andale|sourcecodepro|dejavusansm|liberationm|ocr-?[ab]/i;
const BOLD_RE =
  /bold|black|heavy|semibold|demibold|demi\b|extrabold|ultrabold|cmbx|cmb\d|cmssbx|[-,_](bd|b)$|[-_]medi(?:um)?(?:ital)?$|[-_]medi(?=ital)/i;
const ITALIC_RE = /(?<!g)ital|oblique|obli$|cmti|cmsl|cmmi|cmssi|slant|[-,_](it|i|obl)$|kursiv/i;

/** Removes the subset tag ("ABCDEF+CMR10" → "CMR10"). */
export function stripSubset(name: string): string {
  return name.replace(/^[A-Z]{6}\+/, '');
}

export function isMonospaceName(name: string): boolean {
  return MONO_RE.test(name);
}

export function fontInfoFrom(id: string, font: PdfjsFont | undefined): FontInfo {
  const name = stripSubset(font?.name ?? id);
  return {
    id,
    name,
    bold: Boolean(font?.bold || font?.black) || BOLD_RE.test(name),
    italic: Boolean(font?.italic) || ITALIC_RE.test(name),
    monospace: isMonospaceName(name) || Boolean(font?.isMonospace),
  };
}

/** A document-wide id for a font: pdf.js's loaded names differ between threads, the PDF's names do not. */
export function fontIdFor(font: PdfjsFont | undefined, loadedName: string): string {
  const name = font?.name?.trim();
  return name ? name : `unnamed-${loadedName}`;
}
