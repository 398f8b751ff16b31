import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLayout } from '../../../src/conversion/analyze';
import { extractContent } from '../../../src/conversion/extract';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { ConversionError } from '../../../src/conversion/errors';
import { openPdf } from '../../../src/conversion/pdf/open';
import { parseAllPages } from '../../../src/conversion/pdf/parse-pages';
import { ParsingDocument } from '../../../src/conversion/pdf/parsing-document';
import { blankPdf, manyPagesPdf } from '../../helpers/pdf-fixtures';

const HOSTILE = join(__dirname, '../../../../shared/corpus/hostile');
const haveCorpus = existsSync(HOSTILE);
if (!haveCorpus) {
  // A user's clone has no ../shared: these cases need the shared corpus.
  console.warn(`pdf.spec: ${HOSTILE} not found, hostile-corpus tests skipped`);
}

async function outcome(pdf: Uint8Array): Promise<string> {
  const ctx = { assets: new MemoryAssetStore() };
  try {
    const layout = await analyzeLayout(pdf, ctx, { parallelism: 1 });
    await extractContent(layout, ctx, {});
    return 'OK';
  } catch (err) {
    if (err instanceof ConversionError) {
      // Messages are for users: short, no paths, no stack.
      expect(err.message.length).toBeLessThan(200);
      expect(err.message).not.toMatch(/\/|\\\\|at .*\(/);
      return err.code;
    }
    throw err;
  }
}

describe('opening PDFs', () => {
  it('classifies non-PDF input', async () => {
    expect(await outcome(new Uint8Array())).toBe('INVALID_PDF');
    expect(await outcome(new TextEncoder().encode('just some text, not a PDF at all'))).toBe('INVALID_PDF');
    expect(await outcome(new TextEncoder().encode('%PDF-1.7\n1 0 obj garbage'))).toBe('CORRUPTED_FILE');
  });

  it('says a document without content is empty', async () => {
    await expect(analyzeLayout(await blankPdf(), { assets: new MemoryAssetStore() })).rejects.toMatchObject({
      code: 'EMPTY_DOCUMENT',
      message: expect.stringMatching(/blank/),
    });
  });

  it('enforces maxPages', async () => {
    const pdf = await manyPagesPdf(5);
    await expect(openPdf(pdf, { maxPages: 4 })).rejects.toMatchObject({ code: 'TOO_MANY_PAGES' });
    const { doc } = await openPdf(pdf, { maxPages: 5 });
    expect(doc.numPages).toBe(5);
    await doc.destroy();
  });

  it('parses pages on worker threads and merges them in order', async () => {
    const pdf = await manyPagesPdf(20);
    const { pdfjs, doc } = await openPdf(pdf);
    const seen: number[] = [];
    const pages = await parseAllPages(pdf, new ParsingDocument(pdfjs, doc, pdf), {
      parallelism: 2,
      onPage: (done) => seen.push(done),
    });
    await doc.destroy();
    expect(pages.map((p) => p.index)).toEqual([...Array(20).keys()]);
    pages.forEach((p, i) => {
      const text = p.spans.map((s) => s.text).join(' ');
      expect(text).toContain(`Page ${i + 1} starts.`);
      expect(p.error).toBeUndefined();
    });
    expect(seen[seen.length - 1]).toBe(20);
  });

  (haveCorpus ? it : it.skip)(
    'ends every hostile file with a sensible outcome, fast',
    async () => {
      const expected: Record<string, string[]> = {
        'empty.pdf': ['INVALID_PDF'],
        'text-renamed.pdf': ['INVALID_PDF'],
        'image-renamed.pdf': ['INVALID_PDF'],
        'truncated-R-intro.pdf': ['CORRUPTED_FILE'],
        'bug1020226.pdf': ['CORRUPTED_FILE'],
        'REDHAT-1531897-0.pdf': ['CORRUPTED_FILE'],
        'issue15590.pdf': ['EMPTY_DOCUMENT', 'CORRUPTED_FILE'],
        'poppler-85140-0.pdf': ['EMPTY_DOCUMENT', 'CORRUPTED_FILE'],
        'pr6531_1.pdf': ['PASSWORD_PROTECTED'],
        'issue7665.pdf': ['OK'],
        // pdf.js decodes BrotliDecode streams: the drawing sheets convert; a reader without it would say unsupported.
        'Brotli-Prototype-FileA.pdf': ['OK', 'UNSUPPORTED_FORMAT'],
      };
      const results: Record<string, string> = {};
      for (const file of readdirSync(HOSTILE).filter((f) => f.endsWith('.pdf'))) {
        const t0 = Date.now();
        results[file] = await outcome(new Uint8Array(readFileSync(join(HOSTILE, file))));
        expect(Date.now() - t0).toBeLessThan(60000);
      }
      for (const [file, codes] of Object.entries(expected)) {
        expect([file, codes]).toEqual([file, expect.arrayContaining([results[file]])]);
      }
    },
    300000,
  );
});
