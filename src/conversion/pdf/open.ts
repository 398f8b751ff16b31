/** Opening a PDF with pdf.js and mapping every way that can fail to a ConversionError code. */
import { ConversionError } from '../errors';
import { documentParams, loadPdfjs, type PdfjsDocument, type PdfjsModule } from './pdfjs';

export interface OpenedPdf {
  pdfjs: PdfjsModule;
  doc: PdfjsDocument;
}

function startsWithPdfHeader(data: Uint8Array): boolean {
  // The header may be preceded by up to 1024 bytes of junk (PDF readers tolerate that).
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

/** Maps a pdf.js failure (while opening or reading) to a user-facing error. */
export function classifyPdfError(err: unknown, data: Uint8Array): ConversionError {
  if (err instanceof ConversionError) return err;
  const e = err as { name?: string; message?: string; code?: number };
  const name = e?.name ?? '';
  const message = String(e?.message ?? '');
  if (name === 'PasswordException') {
    return new ConversionError(
      'PASSWORD_PROTECTED',
      'The PDF is protected by a password. Remove the password protection and upload it again.',
      { cause: err },
    );
  }
  if (
    /encrypt|crypt filter|security handler|unknown filter|unsupported filter|not supported/i.test(message)
  ) {
    return new ConversionError(
      'UNSUPPORTED_FORMAT',
      'The PDF uses an encryption method or compression filter that is not supported. Re-save it with a standard PDF tool and try again.',
      { cause: err },
    );
  }
  if (data.byteLength === 0) {
    return new ConversionError('INVALID_PDF', 'The file is empty (0 bytes), not a PDF.', { cause: err });
  }
  if (!startsWithPdfHeader(data)) {
    return new ConversionError('INVALID_PDF', 'The file is not a PDF. Upload a PDF document.', {
      cause: err,
    });
  }
  return new ConversionError(
    'CORRUPTED_FILE',
    'The PDF is damaged and cannot be read (it may be truncated or incomplete). Upload a complete copy.',
    { cause: err },
  );
}

/**
 * Opens a document. The data is copied first: pdf.js transfers (detaches) the buffer it is given.
 * Throws ConversionError for anything that is not a readable PDF, or one with more pages than maxPages.
 */
export async function openPdf(data: Uint8Array, options: { maxPages?: number } = {}): Promise<OpenedPdf> {
  if (data.byteLength === 0) {
    throw new ConversionError('INVALID_PDF', 'The file is empty (0 bytes), not a PDF.');
  }
  if (!startsWithPdfHeader(data)) {
    throw new ConversionError('INVALID_PDF', 'The file is not a PDF. Upload a PDF document.');
  }
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument(documentParams(new Uint8Array(data), pdfjs));
  let doc: PdfjsDocument;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw classifyPdfError(err, data);
  }
  if (doc.numPages === 0) {
    await doc.destroy().catch(() => undefined);
    throw new ConversionError('EMPTY_DOCUMENT', 'The PDF has no pages.');
  }
  if (options.maxPages !== undefined && doc.numPages > options.maxPages) {
    const pages = doc.numPages;
    await doc.destroy().catch(() => undefined);
    throw new ConversionError(
      'TOO_MANY_PAGES',
      `The PDF has ${pages} pages; the limit is ${options.maxPages}. Split it into smaller parts.`,
    );
  }
  return { pdfjs, doc };
}
