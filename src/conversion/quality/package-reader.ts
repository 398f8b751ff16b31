/** Opens an EPUB's bytes and checks its package structure: OCF container, OPF manifest and spine, XHTML. */
import { unzipSync } from 'fflate';
import { readXhtml, type XhtmlDocument } from './xhtml-reader';

export interface ManifestEntry {
  id: string;
  href: string;
  path: string;
  mediaType: string;
  properties: string[];
}

export interface SpineDocument {
  path: string;
  doc: XhtmlDocument;
  /** The cover document (not counted as book content). */
  isCover: boolean;
}

export interface NavEntry {
  title: string;
  /** Zip path of the target document and the fragment. */
  path: string;
  fragment: string;
}

export interface EpubPackage {
  /** Structural checks: name → passed. */
  checks: Record<string, boolean>;
  problems: string[];
  spine: SpineDocument[];
  nav: NavEntry[];
  /** Manifest image items, as zip paths. */
  imageFiles: string[];
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function attrsOf(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) attrs[m[1]] = m[2];
  return attrs;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function joinPath(base: string, href: string): string {
  const parts = (base ? `${base}/${safeDecode(href)}` : safeDecode(href)).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** "mimetype" must be the first entry, stored (not deflated), and say application/epub+zip. */
function mimetypeFirstAndStored(bytes: Uint8Array): boolean {
  if (bytes.length < 58) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0x04034b50 || view.getUint16(8, true) !== 0) return false;
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const name = decoder.decode(bytes.subarray(30, 30 + nameLength));
  const start = 30 + nameLength + extraLength;
  return name === 'mimetype' && decoder.decode(bytes.subarray(start, start + 20)) === 'application/epub+zip';
}

function navEntries(navDoc: string, navPath: string): NavEntry[] {
  const toc = /<nav\b[^>]*epub:type="[^"]*\btoc\b[^"]*"[^>]*>([\s\S]*?)<\/nav>/.exec(navDoc);
  if (!toc) return [];
  const entries: NavEntry[] = [];
  for (const m of toc[1].matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)) {
    const href = unescapeXml(attrsOf(m[1]).href ?? '');
    const [file, fragment = ''] = href.split('#');
    const title = unescapeXml(m[2].replace(/<[^>]*>/g, '')).trim();
    entries.push({ title, path: joinPath(dirOf(navPath), file), fragment: safeDecode(fragment) });
  }
  return entries;
}

/** EPUB 2 packages have only an NCX: its navPoints, in document order. */
function ncxEntries(ncx: string, ncxPath: string): NavEntry[] {
  const entries: NavEntry[] = [];
  const points = /<navLabel>\s*<text>([\s\S]*?)<\/text>\s*<\/navLabel>\s*<content\b[^>]*src="([^"]*)"/g;
  for (const m of ncx.matchAll(points)) {
    const [file, fragment = ''] = unescapeXml(m[2]).split('#');
    const title = unescapeXml(m[1].replace(/<[^>]*>/g, '')).trim();
    entries.push({ title, path: joinPath(dirOf(ncxPath), file), fragment: safeDecode(fragment) });
  }
  return entries;
}

function empty(problem: string): EpubPackage {
  return { checks: { opens: false }, problems: [problem], spine: [], nav: [], imageFiles: [] };
}

export function readEpubPackage(bytes: Uint8Array): EpubPackage {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    return empty('the EPUB is not a readable zip archive');
  }
  const text = (path: string): string | null => (files[path] ? decoder.decode(files[path]) : null);
  const checks: Record<string, boolean> = { opens: true, mimetypeFirst: mimetypeFirstAndStored(bytes) };
  const problems: string[] = [];
  const container = text('META-INF/container.xml');
  const opfPath = container ? unescapeXml(/full-path="([^"]+)"/.exec(container)?.[1] ?? '') : '';
  const opf = opfPath ? text(opfPath) : null;
  checks.container = opf !== null;
  if (opf === null) return { checks, problems: ['no package document'], spine: [], nav: [], imageFiles: [] };
  const base = dirOf(opfPath);
  const manifest = new Map<string, ManifestEntry>();
  for (const m of opf.matchAll(/<item\b([^>]*)\/?>/g)) {
    const a = attrsOf(m[1]);
    if (!a.id || !a.href) continue;
    const href = unescapeXml(a.href);
    const properties = (a.properties ?? '').split(/\s+/).filter(Boolean);
    manifest.set(a.id, {
      id: a.id,
      href,
      path: joinPath(base, href),
      mediaType: a['media-type'] ?? '',
      properties,
    });
  }
  const spineIds = [...opf.matchAll(/<itemref\b[^>]*idref="([^"]+)"/g)].map((m) => m[1]);
  const missingFiles = [...manifest.values()].filter((item) => !files[item.path]);
  checks.manifestFilesPresent = missingFiles.length === 0;
  if (missingFiles.length) problems.push(`manifest items missing from the zip: ${missingFiles.length}`);
  checks.spineInManifest = spineIds.length > 0 && spineIds.every((id) => manifest.has(id));
  const navItem = [...manifest.values()].find((item) => item.properties.includes('nav'));
  checks.navPresent = !!navItem && !!files[navItem.path];
  const coverItem = [...manifest.values()].find(
    (item) => item.id === 'cover' || /(^|\/)(cover|titlepage)\.x?html$/.test(item.href),
  );
  const spine: SpineDocument[] = [];
  let wellFormed = true;
  for (const id of spineIds) {
    const item = manifest.get(id);
    const source = item ? text(item.path) : null;
    if (!item || source === null || !item.mediaType.includes('html')) continue;
    const doc = readXhtml(source);
    if (!doc.wellFormed) {
      wellFormed = false;
      problems.push(`${item.href}: ${doc.problem ?? 'not well-formed'}`);
    }
    if (item !== navItem) spine.push({ path: item.path, doc, isCover: item === coverItem });
  }
  checks.xhtmlWellFormed = wellFormed;
  const navSource = navItem ? text(navItem.path) : null;
  const ncxItem = [...manifest.values()].find((item) => item.mediaType === 'application/x-dtbncx+xml');
  const ncxSource = ncxItem ? text(ncxItem.path) : null;
  let nav = navItem && navSource ? navEntries(navSource, navItem.path) : [];
  if (nav.length === 0 && ncxItem && ncxSource) nav = ncxEntries(ncxSource, ncxItem.path);
  const imageFiles = [...manifest.values()]
    .filter((i) => i.mediaType.startsWith('image/'))
    .map((i) => i.path);
  return { checks, problems, spine, nav, imageFiles };
}

/** The zip path an <img src> in document `docPath` points at. */
export function resolveHref(docPath: string, href: string): string {
  return joinPath(dirOf(docPath), href.split('#')[0]);
}
