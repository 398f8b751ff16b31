/** Runs one stage on a work directory (see workdir.ts), in the calling thread. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DirAssetStore } from './assets';
import { analyzeLayoutSerialized } from './analyze';
import { extractContent } from './extract';
import { identifyStructure } from './structure';
import { generateEpub } from './epub';
import { buildReference, scoreEpub } from './quality';
import type { ConversionOptions, StageContext, StageName } from './stages';
import { WORK_FILES } from './workdir';
import { readJsonFile, writeJsonFile } from './json-file';
import { tuneHeapForBook } from './heap';
import type { LayoutArtifact } from './model/layout';
import type { ContentArtifact } from './model/content';
import type { BookStructure } from './model/book';
import type { QualityReport } from './model/quality';

export interface StageRunOptions extends ConversionOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface StageOutcome {
  warnings: string[];
  /** Small facts for the job row and logs, e.g. { pageCount: 113 } after analyze. */
  summary: Record<string, number | string | boolean>;
}

async function readJson<T>(workDir: string, file: string): Promise<T> {
  return readJsonFile<T>(join(workDir, file));
}

async function writeJson(workDir: string, file: string, value: unknown): Promise<void> {
  await writeJsonFile(join(workDir, file), value);
}

export async function executeStage(
  stage: StageName,
  workDir: string,
  options: StageRunOptions = {},
): Promise<StageOutcome> {
  const warnings: string[] = [];
  const ctx: StageContext = {
    signal: options.signal,
    onProgress: options.onProgress,
    assets: new DirAssetStore(join(workDir, WORK_FILES.assetsDir)),
    warn: (message) => warnings.push(message),
  };
  const pdf = async () => new Uint8Array(await readFile(join(workDir, WORK_FILES.pdf)));
  const layout = async () => {
    const read = await readJson<LayoutArtifact>(workDir, WORK_FILES.layout);
    tuneHeapForBook(read.pageCount);
    return read;
  };
  const content = () => readJson<ContentArtifact>(workDir, WORK_FILES.content);
  const structure = () => readJson<BookStructure>(workDir, WORK_FILES.structure);

  switch (stage) {
    case 'analyze_layout': {
      const result = await analyzeLayoutSerialized(await pdf(), ctx, options);
      await writeJson(workDir, WORK_FILES.layout, result);
      return { warnings, summary: { pageCount: result.pageCount } };
    }
    case 'extract_content': {
      const result = await extractContent(await layout(), ctx, options);
      await writeJson(workDir, WORK_FILES.content, result);
      return { warnings, summary: { blocks: result.stats.blocks, words: result.stats.words } };
    }
    case 'identify_structure': {
      const result = await identifyStructure(await layout(), await content(), ctx);
      await writeJson(workDir, WORK_FILES.structure, result);
      return { warnings, summary: { chapters: result.chapters.length, tocSource: result.tocSource } };
    }
    case 'generate_epub': {
      const epub = await generateEpub(await structure(), ctx);
      await writeFile(join(workDir, WORK_FILES.epub), epub);
      return { warnings, summary: { epubBytes: epub.byteLength } };
    }
    case 'calculate_quality_score': {
      // One artifact at a time: the layout only until its reference is built, then the EPUB; of the book, only
      // its chapter count.
      const chapterCount = (await structure()).chapters.length;
      const reference = buildReference(await layout());
      const epub = new Uint8Array(await readFile(join(workDir, WORK_FILES.epub)));
      const report: QualityReport = await scoreEpub(reference, chapterCount, epub, ctx);
      await writeJson(workDir, WORK_FILES.quality, report);
      return { warnings, summary: { score: report.score } };
    }
  }
}
