/** Shared by the failure-semantics integration specs (not a test file itself). */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A small text PDF the real engine converts in a few seconds. */
export async function smallPdf(
  pages = 2,
  label = 'A short paragraph of text for the converter.',
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let index = 0; index < pages; index += 1) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Chapter ${index + 1}`, { x: 72, y: 780, size: 20, font });
    page.drawText(`Page ${index + 1}: ${label}`, { x: 72, y: 740, size: 12, font });
  }
  return Buffer.from(await doc.save());
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Compiles src/ for child processes (tsx cannot run the Nest app: it emits no decorator metadata) into a
 * private folder under node_modules/.cache (so that packages resolve and no one else's dist/ is touched), as
 * `<folder>/dist` beside a link to migrations/. Returns the folder; remove it with `rm(folder, {recursive})`.
 */
export async function compileForProcesses(): Promise<string> {
  const folder = join(
    REPO_ROOT,
    'node_modules',
    '.cache',
    `pdf2epub-failure-${randomBytes(4).toString('hex')}`,
  );
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const outDir = join(folder, 'dist');
  // Type errors elsewhere in the tree do not stop the emit; a missing main.js does.
  await new Promise<void>((done) => {
    execFile(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir],
      { cwd: REPO_ROOT },
      () => done(),
    );
  });
  if (!existsSync(join(outDir, 'main.js'))) throw new Error(`compiling src/ into ${outDir} failed`);
  await symlink(join(REPO_ROOT, 'migrations'), join(folder, 'migrations'));
  return folder;
}
