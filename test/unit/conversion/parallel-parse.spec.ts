/**
 * The page parse on worker threads (used by default on machines with 3+ cores) must give the same layout and
 * the same pictures as the single-thread parse: pictures encoded on a worker reach the asset store once each.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { analyzeLayout } from '../../../src/conversion/analyze';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { extractContent } from '../../../src/conversion/extract';
import type { LayoutArtifact } from '../../../src/conversion/model/layout';
import { openPdf } from '../../../src/conversion/pdf/open';
import { parseAllPages } from '../../../src/conversion/pdf/parse-pages';
import { ParsingDocument } from '../../../src/conversion/pdf/parsing-document';
import type { RawPage } from '../../../src/conversion/pdf/raw';
import { LOREM, PAGE_H, PAGE_W, samplePng } from '../../helpers/pdf-fixtures';

const PAGES = 24;

/** 24 pages of text; a logo (same picture) on every page and a picture of its own on every fourth page. */
async function illustratedBook(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const logo = await doc.embedPng(await samplePng(40, 40));
  for (let i = 0; i < PAGES; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.drawImage(logo, { x: 500, y: PAGE_H - 60, width: 40, height: 40 });
    page.drawText(`Page ${i + 1} begins here.`, { x: 72, y: PAGE_H - 100, size: 11, font });
    page.drawText(LOREM[i % LOREM.length], { x: 72, y: PAGE_H - 120, size: 11, font });
    if (i % 4 === 0) {
      const own = await doc.embedPng(await samplePng(64 + i, 48));
      page.drawImage(own, { x: 72, y: PAGE_H - 400, width: 192, height: 144 });
    }
  }
  return doc.save({ useObjectStreams: false });
}

function summary(layout: LayoutArtifact) {
  return layout.pages.map((p) => ({
    lines: p.lines.map((l) => l.text),
    images: p.images.map((im) => ({ name: im.name, w: im.width, asset: im.asset?.name ?? null })),
  }));
}

function pageSummary(pages: RawPage[]) {
  return pages.map((p) => ({
    index: p.index,
    text: p.spans.map((s) => s.text).join(' '),
    images: p.images.map((im) => ({ name: im.name, encoded: im.encoded?.bytes.byteLength ?? 0 })),
  }));
}

describe('parallel page parse', () => {
  jest.setTimeout(120_000);

  it('parses every page on worker threads, pictures encoded there, as the calling thread would', async () => {
    const pdf = await illustratedBook();
    const { pdfjs, doc } = await openPdf(pdf);
    try {
      const inThread = await parseAllPages(pdf, new ParsingDocument(pdfjs, doc, pdf), {
        parallelism: 1,
        encodePictures: true,
      });
      const seen: number[] = [];
      const onWorkers = await parseAllPages(pdf, new ParsingDocument(pdfjs, doc, pdf), {
        parallelism: 2,
        encodePictures: true,
        callingThreadParses: false,
        onPage: (done) => seen.push(done),
      });
      expect(pageSummary(onWorkers).map((p) => p.text)).toEqual(pageSummary(inThread).map((p) => p.text));
      expect(seen).toHaveLength(PAGES);
      // Each page's own picture is encoded by whichever worker parsed the page; the logo at least once.
      const own = onWorkers.filter((p) => p.index % 4 === 0).map((p) => p.images.find((im) => im.width > 40));
      expect(own.every((im) => (im?.encoded?.bytes.byteLength ?? 0) > 0)).toBe(true);
      const logos = onWorkers.flatMap((p) => p.images.filter((im) => im.width === 40 && im.encoded));
      expect(logos.length).toBeGreaterThanOrEqual(1);
      expect(logos.length).toBeLessThanOrEqual(2);
    } finally {
      await doc.destroy();
    }
  });

  it('analyze with parallelism 3 gives the same layout and one asset per picture as with one thread', async () => {
    const pdf = await illustratedBook();
    const one = new MemoryAssetStore();
    const many = new MemoryAssetStore();
    const single = await analyzeLayout(pdf, { assets: one }, { parallelism: 1 });
    const threaded = await analyzeLayout(pdf, { assets: many }, { parallelism: 3 });

    expect(summary(threaded)).toEqual(summary(single));
    // One logo and six pictures of their own, each stored once, whichever thread decoded it.
    expect((await many.list()).sort()).toEqual((await one.list()).sort());
    expect(await many.list()).toHaveLength(7);
    for (const name of await many.list()) {
      expect(Buffer.from(await many.get(name))).toEqual(Buffer.from(await one.get(name)));
    }
    expect(threaded.pages.every((p) => p.images.every((im) => im.asset !== undefined))).toBe(true);

    const content = await extractContent(threaded, { assets: many }, {});
    const figures = content.blocks.filter((b) => b.kind === 'figure');
    // The repeated logo is shown once; each page's own picture is a figure.
    expect(figures).toHaveLength(7);
  });

  it('parses the same pages and pictures when the document is reopened every few pages', async () => {
    const pdf = await illustratedBook();
    const { pdfjs, doc } = await openPdf(pdf);
    const reference = pageSummary(
      await parseAllPages(pdf, new ParsingDocument(pdfjs, doc, pdf), { encodePictures: true }),
    );
    const { doc: renewed } = await openPdf(pdf);
    const source = new ParsingDocument(pdfjs, renewed, pdf, 5);
    try {
      const inThread = await parseAllPages(pdf, source, { parallelism: 1, encodePictures: true });
      expect(pageSummary(inThread).map((p) => p.text)).toEqual(reference.map((p) => p.text));
      expect(inThread.filter((p) => p.error)).toEqual([]);
      // The document handed over was closed at the first renewal; parsing went on from fresh copies.
      expect(source.doc).not.toBe(renewed);
      await expect(Promise.resolve().then(() => renewed.getPage(1))).rejects.toThrow();

      const onWorkers = await parseAllPages(
        pdf,
        new ParsingDocument(pdfjs, (await openPdf(pdf)).doc, pdf, 5),
        {
          parallelism: 2,
          encodePictures: true,
          callingThreadParses: false,
        },
      );
      expect(pageSummary(onWorkers).map((p) => p.text)).toEqual(reference.map((p) => p.text));
      expect(onWorkers.filter((p) => p.error)).toEqual([]);
      const own = onWorkers.filter((p) => p.index % 4 === 0).map((p) => p.images.find((im) => im.width > 40));
      expect(own.every((im) => (im?.encoded?.bytes.byteLength ?? 0) > 0)).toBe(true);
    } finally {
      await source.close();
      await doc.destroy();
    }
  });
});
