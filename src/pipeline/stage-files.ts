/** Copies a stage's input files from storage into its work dir, and its output files back (see workdir.ts). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STAGE_FILES, WORK_FILES } from '../conversion/workdir';
import type { Stage } from '../common/enums';
import { storagePaths, type JobRef, type WorkFile } from '../storage/storage-paths';
import type { StorageService } from '../storage/storage.service';

const CONTENT_TYPES: Partial<Record<WorkFile, string>> = {
  pdf: 'application/pdf',
  epub: 'application/epub+zip',
  layout: 'application/json',
  content: 'application/json',
  structure: 'application/json',
  quality: 'application/json',
};

function assetsPrefix(ref: JobRef): string {
  return `${storagePaths.workPrefix(ref)}${WORK_FILES.assetsDir}/`;
}

export async function downloadStageInputs(
  storage: StorageService,
  ref: JobRef,
  stage: Stage,
  workDir: string,
): Promise<void> {
  for (const file of STAGE_FILES[stage].inputs) {
    if (file === 'assetsDir') {
      const prefix = assetsPrefix(ref);
      for (const key of await storage.list(prefix)) {
        await storage.downloadToFile(key, join(workDir, WORK_FILES.assetsDir, key.slice(prefix.length)));
      }
    } else {
      await storage.downloadToFile(storagePaths.workFile(ref, file), join(workDir, WORK_FILES[file]));
    }
  }
}

async function filesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

export async function uploadStageOutputs(
  storage: StorageService,
  ref: JobRef,
  stage: Stage,
  workDir: string,
): Promise<void> {
  for (const file of STAGE_FILES[stage].outputs) {
    if (file === 'assetsDir') {
      const dir = join(workDir, WORK_FILES.assetsDir);
      for (const name of await filesIn(dir))
        await storage.putFile(`${assetsPrefix(ref)}${name}`, join(dir, name));
    } else {
      await storage.putFile(
        storagePaths.workFile(ref, file),
        join(workDir, WORK_FILES[file]),
        CONTENT_TYPES[file],
      );
    }
  }
}
