/** The package document: metadata (with accessibility), manifest and spine. */
import type { BookMetadata } from '../model/book';
import { escapeAttr, escapeText } from './xml';

export interface ManifestItem {
  id: string;
  href: string;
  mediaType: string;
  properties?: string;
}

export interface PackageInput {
  meta: BookMetadata;
  manifest: ManifestItem[];
  /** Manifest ids in reading order. */
  spine: string[];
  hasImages: boolean;
  hasAltText: boolean;
  coverImageId?: string;
}

function dc(tag: string, value: string | undefined, attrs = ''): string {
  return value && value.trim() ? `<dc:${tag}${attrs}>${escapeText(value.trim())}</dc:${tag}>` : '';
}

function meta(property: string, value: string): string {
  return `<meta property="${property}">${escapeText(value)}</meta>`;
}

function accessibility(input: PackageInput): string[] {
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder'];
  if (input.hasAltText) features.push('alternativeText');
  const summary =
    'Converted from PDF: the text reflows, headings and a navigable table of contents follow the source ' +
    `structure${input.hasImages ? '; images are kept, some without a text description' : ''}.`;
  return [
    meta('schema:accessMode', 'textual'),
    ...(input.hasImages ? [meta('schema:accessMode', 'visual')] : []),
    meta('schema:accessModeSufficient', input.hasImages ? 'textual,visual' : 'textual'),
    ...features.map((feature) => meta('schema:accessibilityFeature', feature)),
    meta('schema:accessibilityHazard', 'none'),
    meta('schema:accessibilitySummary', summary),
  ];
}

export function renderOpf(input: PackageInput): string {
  const m = input.meta;
  const metadata = [
    dc('identifier', m.identifier, ' id="bookid"'),
    dc('title', m.title),
    dc('language', m.language),
    ...m.authors.map((author) => dc('creator', author)),
    dc('publisher', m.publisher),
    dc('subject', m.subject),
    dc('description', m.description),
    dc('date', m.published),
    meta('dcterms:modified', m.modified),
    ...accessibility(input),
    ...(input.coverImageId ? [`<meta name="cover" content="${escapeAttr(input.coverImageId)}"/>`] : []),
  ].filter(Boolean);
  const items = input.manifest.map(
    (item) =>
      `<item id="${escapeAttr(item.id)}" href="${escapeAttr(item.href)}" media-type="${escapeAttr(item.mediaType)}"` +
      `${item.properties ? ` properties="${escapeAttr(item.properties)}"` : ''}/>`,
  );
  const spine = input.spine.map((id) => `<itemref idref="${escapeAttr(id)}"/>`);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" xml:lang="${escapeAttr(m.language)}">\n` +
    `<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n${metadata.join('\n')}\n</metadata>\n` +
    `<manifest>\n${items.join('\n')}\n</manifest>\n` +
    `<spine toc="ncx">\n${spine.join('\n')}\n</spine>\n</package>\n`
  );
}

export const CONTAINER_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n' +
  '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>\n' +
  '</container>\n';
