/**
 * Every book in ../shared/corpus/books converts through the five stages (in-process, as the CLI runs them),
 * its EPUB passes epubcheck with 0 errors, and the engine's own quality score stays above a measured floor.
 * Skips with a message when the corpus is missing, unless REQUIRE_CORPUS=1 (CI), then fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MemoryAssetStore } from '../../src/conversion/assets';
import type { BookStructure } from '../../src/conversion/model/book';
import type { ContentArtifact } from '../../src/conversion/model/content';
import type { LayoutArtifact } from '../../src/conversion/model/layout';
import type { QualityReport } from '../../src/conversion/model/quality';
import { calculateQuality } from '../../src/conversion/quality';
import { executeStage } from '../../src/conversion/run-stage';
import { STAGES } from '../../src/conversion/stages';
import { WORK_FILES } from '../../src/conversion/workdir';
import {
  epubcheckMissingReason,
  epubcheckRequired,
  runEpubcheck,
  type EpubcheckResult,
} from '../helpers/epubcheck';

const CORPUS = resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'books');

/**
 * Quality-score floors, measured on this corpus (README.md, "The conversion engine") and set 6–9 points below what the engine
 * reaches, so that a real regression fails while small extraction changes do not. Unknown books get the default.
 */
const SCORE_FLOORS: Record<string, number> = {
  'R-intro.pdf': 92, // measured 97.6–99.3
  'beameruserguide.pdf': 92, // measured 99.7–99.9
  'pdkids.pdf': 90, // measured 98.9
  'tracemonkey.pdf': 90, // measured 98.2–98.3
};
const DEFAULT_FLOOR = 70;

const books = existsSync(CORPUS)
  ? readdirSync(CORPUS)
      .filter((f) => f.toLowerCase().endsWith('.pdf'))
      .sort()
  : [];

interface Converted {
  report?: QualityReport;
  error?: string;
  epubcheck?: Promise<EpubcheckResult>;
}

interface Artifacts {
  layout: LayoutArtifact;
  content: ContentArtifact;
  book: BookStructure;
}

/** The smallest book is also converted by Calibre, to check that our score ranks it below ours as the judge does. */
const CROSS_CHECK_BOOK = [...books].sort(
  (a, b) => statSync(join(CORPUS, a)).size - statSync(join(CORPUS, b)).size,
)[0];
const calibreMissing = spawnSync('sh', ['-c', 'command -v ebook-convert'], { stdio: 'ignore' }).status !== 0;

async function readJson<T>(dir: string, file: string): Promise<T> {
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
}

async function convert(
  pdf: string,
  keepDir: string,
): Promise<{ report: QualityReport; epub: string; artifacts: Artifacts }> {
  const workDir = await mkdtemp(join(tmpdir(), 'corpus-e2e-'));
  try {
    await copyFile(pdf, join(workDir, WORK_FILES.pdf));
    for (const stage of STAGES) await executeStage(stage, workDir);
    const epub = join(keepDir, `${basename(pdf, '.pdf')}.epub`);
    await copyFile(join(workDir, WORK_FILES.epub), epub);
    const report = await readJson<QualityReport>(workDir, WORK_FILES.quality);
    const artifacts: Artifacts = {
      layout: await readJson<LayoutArtifact>(workDir, WORK_FILES.layout),
      content: await readJson<ContentArtifact>(workDir, WORK_FILES.content),
      book: await readJson<BookStructure>(workDir, WORK_FILES.structure),
    };
    return { report, epub, artifacts };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

if (books.length === 0) {
  describe('corpus end to end', () => {
    if (process.env.REQUIRE_CORPUS === '1') {
      it('needs the corpus', () => {
        throw new Error(`REQUIRE_CORPUS=1 but no books at ${CORPUS}`);
      });
    } else {
      // Skipped on purpose: a user's clone has no ../shared/corpus (the reason is in the test name).
      it.skip(`converts every corpus book [skipped: no corpus at ${CORPUS}]`, () => undefined);
    }
  });
} else {
  describe('corpus end to end', () => {
    const results = new Map<string, Converted>();
    let crossCheck: Artifacts | undefined;
    let dir: string;
    const epubcheckMissing = epubcheckMissingReason();

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'corpus-epubs-'));
      for (const book of books) {
        try {
          const { report, epub, artifacts } = await convert(join(CORPUS, book), dir);
          if (book === CROSS_CHECK_BOOK) crossCheck = artifacts;
          // epubcheck runs in the background while the next book converts.
          const epubcheck = epubcheckMissing === null ? runEpubcheck(epub) : undefined;
          epubcheck?.catch(() => undefined);
          results.set(book, { report, epubcheck });
        } catch (err) {
          results.set(book, { error: (err as Error).message });
        }
      }
    }, 600_000);

    afterAll(async () => {
      await Promise.allSettled([...results.values()].map((r) => r.epubcheck));
      await rm(dir, { recursive: true, force: true });
    });

    if (calibreMissing) {
      // Skipped on purpose: Calibre is optional (the reason is in the test name).
      it.skip(`scores Calibre's EPUB below ours [skipped: ebook-convert not installed]`, () => undefined);
    } else {
      it(`scores Calibre's EPUB of ${CROSS_CHECK_BOOK} below ours, as the judge does`, async () => {
        const out = join(dir, 'calibre.epub');
        const run = spawnSync('ebook-convert', [join(CORPUS, CROSS_CHECK_BOOK), out], {
          stdio: 'ignore',
          timeout: 300_000,
        });
        expect(run.status).toBe(0);
        expect(crossCheck).toBeDefined();
        const epub = new Uint8Array(await readFile(out));
        const theirs = await calculateQuality(
          {
            layout: (crossCheck as Artifacts).layout,
            chapterCount: (crossCheck as Artifacts).book.chapters.length,
            epub,
          },
          { assets: new MemoryAssetStore() },
        );
        const ours = results.get(CROSS_CHECK_BOOK)?.report?.score ?? 0;
        expect(theirs.score).toBeLessThan(ours - 10);
        expect(theirs.components.toc_links?.score ?? 0).toBeLessThan(0.5);
      }, 300_000);
    }

    describe.each(books)('%s', (book) => {
      it('converts and scores above its floor', () => {
        const result = results.get(book);
        expect(result?.error).toBeUndefined();
        const floor = SCORE_FLOORS[book] ?? DEFAULT_FLOOR;
        expect({
          book,
          score: result?.report?.score ?? 0,
          above: (result?.report?.score ?? 0) >= floor,
        }).toEqual({
          book,
          score: result?.report?.score,
          above: true,
        });
        expect(result?.report?.chapters).toBeGreaterThan(1);
      });

      if (epubcheckMissing === null) {
        it('passes epubcheck with 0 errors', async () => {
          const check = await results.get(book)?.epubcheck;
          expect(check?.errors).toEqual([]);
        }, 300_000);
      } else if (epubcheckRequired()) {
        it('passes epubcheck with 0 errors', () => {
          throw new Error(`REQUIRE_EPUBCHECK=1 but ${epubcheckMissing}`);
        });
      } else {
        // Skipped on purpose: epubcheck is not installed here (the reason is in the test name).
        it.skip(`passes epubcheck [skipped: ${epubcheckMissing}]`, () => undefined);
      }
    });
  });
}
