/** Escaping for XML 1.0 documents: every text and attribute value written into the EPUB passes here. */

/** Characters XML 1.0 forbids (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- finding the control characters XML forbids is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function stripInvalidXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

export function escapeText(text: string): string {
  return stripInvalidXml(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\s/g, ' ');
}

const NCNAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function isXmlId(id: string): boolean {
  return NCNAME_RE.test(id);
}

/** A safe XML id derived from `raw` (letters, digits, "-", "_", "." only; starts with a letter). */
export function toXmlId(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `x${cleaned}`;
}

/**
 * Characters RFC 3986 allows in a URI outside the host: unreserved, sub-delims, ":", "@", "/", "?", "#" and "%"
 * starting an escape. The WHATWG serialisation keeps others ("^", "|", "{", a lone "%") that epubcheck refuses.
 */
const NOT_URI_CHAR = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]/g;

function percentEncode(text: string): string {
  return text.replace(NOT_URI_CHAR, (ch) => encodeURIComponent(ch));
}

/** The URL serialised with every character RFC 3986 forbids percent-encoded (an IPv6 host keeps its brackets). */
function strictUri(url: URL): string {
  const href = url.href;
  // An http(s) URL's serialisation always has a path after the authority; mailto has no authority.
  const pathStart = url.host ? href.indexOf('/', url.protocol.length + 2) : url.protocol.length;
  return href.slice(0, pathStart) + percentEncode(href.slice(pathStart));
}

/** External link targets a reader may follow: http(s) and mailto only, parsed and re-serialised. */
export function safeExternalHref(href: string): string | null {
  const trimmed = stripInvalidXml(href).trim();
  if (!/^(https?:|mailto:)/i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) return null;
    return strictUri(url);
  } catch {
    return null;
  }
}

export const XHTML_NS = 'http://www.w3.org/1999/xhtml';
export const EPUB_NS = 'http://www.idpf.org/2007/ops';

/** The start of every XHTML content document, through the opening <body>. */
export function xhtmlHead(title: string, language: string, bodyClass?: string): string {
  const lang = escapeAttr(language);
  const cls = bodyClass ? ` class="${escapeAttr(bodyClass)}"` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' +
    `<html xmlns="${XHTML_NS}" xmlns:epub="${EPUB_NS}" xml:lang="${lang}" lang="${lang}">\n` +
    `<head>\n<meta charset="UTF-8"/>\n<title>${escapeText(title)}</title>\n` +
    '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n' +
    `<body${cls}>\n`
  );
}

export const XHTML_TAIL = '</body>\n</html>\n';
