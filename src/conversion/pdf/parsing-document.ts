/**
 * The document pages are parsed from, kept in bounded memory. pdf.js keeps, for the life of a document, every
 * object it has read (its xref cache) and every page it has opened (with the page's annotations);
 * `cleanup()` drops fonts and images but neither of those. On a 1300-page manual that grew the heap by more
 * than 100 MB. So every RENEW_PAGES parsed pages the document is closed and opened again from the same bytes,
 * and every CACHE_RECYCLE_PAGES pages in between its caches are dropped.
 */
import { openPdf } from './open';
import type { PdfjsDocument, PdfjsModule } from './pdfjs';

/** Pages parsed between two `cleanup()` calls (fonts and images are parsed again after one). */
export const CACHE_RECYCLE_PAGES = 60;
/** Pages parsed from one opened copy of the document (opening a copy again costs one xref parse). */
export const RENEW_PAGES = 180;

export class ParsingDocument {
  private parsed = 0;

  /** Takes ownership of `doc`: it is destroyed at the first renewal or on close(). */
  constructor(
    readonly pdfjs: PdfjsModule,
    private current: PdfjsDocument,
    private readonly data: Uint8Array,
    readonly renewEvery = RENEW_PAGES,
  ) {}

  get doc(): PdfjsDocument {
    return this.current;
  }

  /** Counts a parsed page; drops caches or renews the document when its turn comes. */
  async pageDone(): Promise<void> {
    this.parsed++;
    if (this.parsed % this.renewEvery === 0) await this.renew();
    else if (this.parsed % CACHE_RECYCLE_PAGES === 0) await this.cleanup();
  }

  async close(): Promise<void> {
    await this.current.destroy().catch(() => undefined);
  }

  private async cleanup(): Promise<void> {
    try {
      await this.current.cleanup();
    } catch {
      // cleanup refuses while a page is still being read; the next round will do
    }
  }

  /** Opens a fresh copy; keeps the old one if the copy cannot be opened (the bytes opened before). */
  private async renew(): Promise<void> {
    let fresh: PdfjsDocument;
    try {
      fresh = (await openPdf(this.data)).doc;
    } catch {
      await this.cleanup();
      return;
    }
    const old = this.current;
    this.current = fresh;
    await old.destroy().catch(() => undefined);
  }
}
