#!/usr/bin/env node
/**
 * npm run bench [-- [--no-calibre] [--no-judge] [--keep DIR] FILE.pdf ...]
 *
 * Per book (default: ../shared/corpus/books/*.pdf): pages, our seconds (the whole CLI process, wall clock),
 * Calibre's seconds (ebook-convert, when installed), the ratio, our peak RSS, and the independent judge's
 * figures for both EPUBs (../shared/tools/epub_judge.py), printed as markdown tables.
 * Goals: ours <= 1/4 of Calibre's time on every book; peak RSS < 400 MB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const JUDGE = resolve(ROOT, '..', 'shared', 'tools', 'epub_judge.py');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'books');
const TIME_BIN = '/usr/bin/time';
const JUDGE_KEYS = [
  'valid',
  'text_recall',
  'text_noise',
  'header_leak',
  'toc_recall',
  'toc_links',
  'broken_paras',
  'hyphen_breaks',
  'code_recall',
  'image_recall',
  'spine_files',
] as const;

type JudgeFigures = Record<string, number | string | boolean | null | string[]>;

interface OurRun {
  ok: boolean;
  seconds: number;
  peakRssMb: number | null;
  pages: number | null;
  score: number | null;
  error?: string;
}

interface BookResult {
  book: string;
  ours: OurRun;
  calibreSeconds: number | null;
  judgeOurs: JudgeFigures | null;
  judgeCalibre: JudgeFigures | null;
}

/** The convert CLI as a command line: compiled JS when we run from dist/, through tsx from sources. */
function convertCommand(): string[] {
  if (__filename.endsWith('.ts')) return [process.execPath, '-r', 'tsx/cjs', join(__dirname, 'convert.ts')];
  return [process.execPath, join(__dirname, 'convert.js')];
}

/**
 * The CLI's environment as `npm run convert` sets it: two glibc malloc arenas. Each thread that allocates (the
 * stage threads, libuv's pool where libvips encodes pictures) otherwise gets an arena of its own that keeps
 * what it frees (freedombox-manual peaked at 633 MB with the default, 484 MB with two; no slower).
 */
function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
}

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Peak RSS of a running process from /proc (VmHWM), polled — used when /usr/bin/time is missing. */
function pollPeakRss(pid: number, onPeak: (kb: number) => void): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > 0) onPeak(kb);
    } catch {
      // the process has just exited
    }
  }, 25);
}

async function runOurs(pdf: string, epub: string): Promise<OurRun> {
  const useTime = existsSync(TIME_BIN);
  const cli = [...convertCommand(), pdf, '-o', epub, '--json'];
  const argv = useTime ? [TIME_BIN, '-f', 'PEAK_RSS_KB=%M', ...cli] : cli;
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    cwd: ROOT,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peakKb = 0;
  const poller = useTime ? null : pollPeakRss(child.pid ?? -1, (kb) => (peakKb = Math.max(peakKb, kb)));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  const seconds = (performance.now() - started) / 1000;
  if (poller) clearInterval(poller);
  const timed = /PEAK_RSS_KB=(\d+)/.exec(stderr);
  if (timed) peakKb = Number(timed[1]);
  const peakRssMb = peakKb > 0 ? Math.round(peakKb / 1024) : null;
  if (code !== 0) {
    const error = stderr.split('\n').find((l) => l.startsWith('error')) ?? `exit code ${code}`;
    return { ok: false, seconds, peakRssMb, pages: null, score: null, error };
  }
  const report = JSON.parse(stdout) as { quality: { pages: number; score: number } };
  return { ok: true, seconds, peakRssMb, pages: report.quality.pages, score: report.quality.score };
}

function runJudge(pdf: string, epub: string | null, calibre: boolean): Record<string, JudgeFigures> | null {
  if (!existsSync(JUDGE) || !commandExists('python3') || (!epub && !calibre)) return null;
  const args = [JUDGE, pdf, ...(epub ? [epub] : []), ...(calibre ? ['--calibre'] : []), '--json'];
  const result = spawnSync('python3', args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 3_600_000,
  });
  if (result.status !== 0) {
    process.stderr.write(`judge failed on ${basename(pdf)}: ${result.stderr.slice(-300)}\n`);
    return null;
  }
  return JSON.parse(result.stdout) as Record<string, JudgeFigures>;
}

function fmt(value: unknown, digits = 2): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return String(value);
}

function speedTable(results: readonly BookResult[]): string {
  const rows = results.map((r) => {
    const ratio = r.calibreSeconds && r.ours.ok ? r.ours.seconds / r.calibreSeconds : null;
    const goal = ratio === null ? '' : ratio <= 0.25 ? ' ✓' : ' ✗';
    const rss =
      r.ours.peakRssMb === null ? '—' : `${r.ours.peakRssMb}${r.ours.peakRssMb < 400 ? ' ✓' : ' ✗'}`;
    const ours = r.ours.ok ? fmt(r.ours.seconds) : `failed: ${r.ours.error ?? ''}`;
    return `| ${r.book} | ${fmt(r.ours.pages)} | ${ours} | ${fmt(r.calibreSeconds)} | ${fmt(ratio)}${goal} | ${rss} | ${fmt(r.ours.score, 1)} |`;
  });
  return [
    '| book | pages | ours s | Calibre s | ours/Calibre (goal ≤ 0.25) | our peak RSS MB (goal < 400) | our quality score |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function judgeTable(results: readonly BookResult[]): string {
  const rows: string[] = [];
  for (const r of results) {
    for (const [tool, figures] of [
      ['ours', r.judgeOurs],
      ['Calibre', r.judgeCalibre],
    ] as const) {
      if (!figures) continue;
      rows.push(`| ${r.book} | ${tool} | ${JUDGE_KEYS.map((k) => fmt(figures[k], 3)).join(' | ')} |`);
    }
  }
  return [
    `| book | tool | ${JUDGE_KEYS.join(' | ')} |`,
    `|---|---|${JUDGE_KEYS.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n');
}

function defaultBooks(): string[] {
  if (!existsSync(CORPUS)) return [];
  return readdirSync(CORPUS)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((f) => join(CORPUS, f));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'no-calibre': { type: 'boolean' }, 'no-judge': { type: 'boolean' }, keep: { type: 'string' } },
  });
  const books = positionals.length > 0 ? positionals.map((p) => resolve(p)) : defaultBooks();
  if (books.length === 0) {
    process.stderr.write(`no books given and no corpus at ${CORPUS}\n`);
    return 2;
  }
  const calibre = !values['no-calibre'] && commandExists('ebook-convert');
  const judge = !values['no-judge'];
  const outDir = values.keep ? resolve(values.keep) : await mkdtemp(join(tmpdir(), 'pdf2epub-bench-'));
  await mkdir(outDir, { recursive: true });
  const results: BookResult[] = [];
  try {
    for (const pdf of books) {
      const epub = join(outDir, `${basename(pdf, '.pdf')}.epub`);
      process.stderr.write(`${basename(pdf)}: converting ...\n`);
      const ours = await runOurs(pdf, epub);
      process.stderr.write(
        `${basename(pdf)}: ${ours.ok ? `${ours.seconds.toFixed(2)} s` : ours.error}; judging ...\n`,
      );
      const judged = judge ? runJudge(pdf, ours.ok ? epub : null, calibre) : null;
      const calibreFigures = judged?.calibre ?? null;
      results.push({
        book: basename(pdf),
        ours,
        calibreSeconds: typeof calibreFigures?.seconds === 'number' ? calibreFigures.seconds : null,
        judgeOurs: judged?.epub ?? null,
        judgeCalibre: calibreFigures,
      });
    }
  } finally {
    if (!values.keep) await rm(outDir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${speedTable(results)}\n\n`);
  if (judge) process.stdout.write(`${judgeTable(results)}\n`);
  if (!calibre) process.stdout.write('\n(Calibre not installed or disabled: no Calibre figures.)\n');
  return results.every((r) => r.ours.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
