import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'convert.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', CLI, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const BODY = [
  'A converter turns the pages of a printed book into text that flows on any screen.',
  'Each paragraph keeps its words, and the headings become the table of contents.',
  'Nothing of the page furniture should remain once the conversion has finished.',
];

async function smallPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('A Small Test Book');
  doc.setAuthor('Test Author');
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const serif = await doc.embedFont(StandardFonts.TimesRoman);
  for (const [i, title] of ['1 Introduction', '2 Usage'].entries()) {
    const page = doc.addPage([612, 792]);
    page.drawText(title, { x: 72, y: 700, size: 20, font: bold });
    BODY.forEach((line, j) => page.drawText(line, { x: 72, y: 660 - j * 16, size: 11, font: serif }));
    page.drawText(String(i + 1), { x: 300, y: 40, size: 10, font: serif });
  }
  return doc.save();
}

describe('convert CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-spec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('converts a small PDF: five timed stages on stderr, the EPUB written, the quality table printed', async () => {
    const input = join(dir, 'small.pdf');
    await writeFile(input, await smallPdf());
    const run = await runCli([input]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    for (const stage of [
      'analyze_layout',
      'extract_content',
      'identify_structure',
      'generate_epub',
      'calculate_quality_score',
    ]) {
      expect(run.stderr).toMatch(new RegExp(`\\] ${stage}\\s+\\d+\\.\\d\\d s`));
    }
    expect(run.stdout).toMatch(/^Quality score: \d+(\.\d)? \/ 100/);
    const output = join(dir, 'small.epub');
    const files = unzipSync(new Uint8Array(readFileSync(output)));
    expect(strFromU8(files.mimetype)).toBe('application/epub+zip');
    const text = Object.entries(files)
      .filter(([name]) => /ch\d+\.xhtml$/.test(name))
      .map(([, data]) => strFromU8(data))
      .join('\n');
    expect(text).toContain('Each paragraph keeps its words');
    expect(text).toMatch(/<h\d[^>]*>1 Introduction<\/h\d>/);
  }, 120_000);

  it('prints the report as JSON with -o and --json', async () => {
    const input = join(dir, 'small2.pdf');
    await writeFile(input, await smallPdf());
    const output = join(dir, 'named.epub');
    const run = await runCli([input, '-o', output, '--json']);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as {
      output: string;
      stages: unknown[];
      quality: { score: number; pages: number };
    };
    expect(parsed.output).toBe(output);
    expect(parsed.stages).toHaveLength(5);
    expect(parsed.quality.pages).toBe(2);
    expect(parsed.quality.score).toBeGreaterThan(50);
    expect(existsSync(output)).toBe(true);
  }, 120_000);

  it('exits 2 with a clear message for a file that is not a PDF, and leaves no EPUB', async () => {
    const input = join(dir, 'notes.pdf');
    await writeFile(input, 'just some text, not a PDF\n');
    const run = await runCli([input]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error (INVALID_PDF|CORRUPTED_FILE|UNSUPPORTED_FORMAT|EMPTY_DOCUMENT): \S/m);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'notes.epub'))).toBe(false);
  }, 60_000);

  it('exits 2 for a missing input file, a missing output directory and bad usage', async () => {
    const missing = await runCli([join(dir, 'nope.pdf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error INVALID_ARGUMENT: Input file not found/m);
    const input = join(dir, 'ok.pdf');
    await writeFile(input, await smallPdf());
    const badOut = await runCli([input, '-o', join(dir, 'no', 'such', 'dir', 'x.epub')]);
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toMatch(/^error INVALID_ARGUMENT: Output directory does not exist/m);
    const usage = await runCli([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run convert/);
  }, 60_000);
});
