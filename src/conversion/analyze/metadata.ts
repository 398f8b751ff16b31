/** Document metadata from the info dictionary and XMP, dates as ISO-8601. */
import type { DocumentMetadata } from '../model/layout';
import type { PdfjsDocument, PdfjsModule } from '../pdf/pdfjs';
import { cleanText } from './text-clean';

function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const s = cleanText(v).replace(/\s+/g, ' ').trim();
    return s || undefined;
  }
  if (Array.isArray(v)) return str(v.filter((x) => typeof x === 'string').join(', '));
  return undefined;
}

function isoDate(pdfjs: PdfjsModule, v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  try {
    const d = v.startsWith('D:') || /^\d{4}/.test(v) ? pdfjs.PDFDateString.toDateObject(v) : null;
    if (d && !Number.isNaN(d.getTime())) return d.toISOString();
  } catch {
    // fall through to a plain parse
  }
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export async function readMetadata(pdfjs: PdfjsModule, doc: PdfjsDocument): Promise<DocumentMetadata> {
  let info: Record<string, unknown> = {};
  let xmp: { get(name: string): unknown } | null = null;
  try {
    const md = await doc.getMetadata();
    info = md.info ?? {};
    xmp = md.metadata;
  } catch {
    return {};
  }
  const x = (name: string): unknown => {
    try {
      return xmp?.get(name) ?? undefined;
    } catch {
      return undefined;
    }
  };
  const out: DocumentMetadata = {
    title: str(x('dc:title')) ?? str(info.Title),
    author: str(x('dc:creator')) ?? str(info.Author),
    subject: str(x('dc:description')) ?? str(info.Subject),
    keywords: str(info.Keywords) ?? str(x('pdf:keywords')),
    language: str(info.Language) ?? str(x('dc:language')),
    creator: str(info.Creator) ?? str(x('xmp:creatortool')),
    producer: str(info.Producer) ?? str(x('pdf:producer')),
    creationDate: isoDate(pdfjs, info.CreationDate) ?? isoDate(pdfjs, x('xmp:createdate')),
    modificationDate: isoDate(pdfjs, info.ModDate) ?? isoDate(pdfjs, x('xmp:modifydate')),
  };
  for (const k of Object.keys(out) as Array<keyof DocumentMetadata>) if (out[k] === undefined) delete out[k];
  return out;
}
