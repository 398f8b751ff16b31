/**
 * For `npm run bench:ai -- --corpus DIR`: each PDF through the real engine twice — heuristics only, and with
 * enhanceContent against the local stub (which answers each page with a correct reading built from the lines it
 * is sent, see `correctReading`) — then the independent judge on both EPUBs, and which figures got worse.
 * BENCH_AI_KEEP=DIR keeps each book's work directories there; BENCH_AI_EPUBCHECK=1 runs epubcheck too ("valid").
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { executeStage } from '../conversion/run-stage';
import { WORK_FILES } from '../conversion/workdir';
import type { ContentArtifact } from '../conversion/model/content';
import type { LayoutArtifact } from '../conversion/model/layout';
import { type AiMode, parseAiConfig } from './config';
import { enhanceContent } from './enhance';
import { AiStubServer } from './stub/ai-stub-server';

const run = promisify(execFile);
const JUDGE = resolve(process.cwd(), '../shared/tools/epub_judge.py');

/** The judge's figures and which way is better: 1 higher, -1 lower, 0 neither (shown, never "worse"). */
const FIGURES: Array<[string, 1 | -1 | 0]> = [
  ['valid', -1],
  ['text_recall', 1],
  ['text_noise', -1],
  ['header_leak', -1],
  ['toc_recall', 1],
  ['toc_links', 1],
  ['broken_paras', -1],
  ['hyphen_breaks', -1],
  ['code_recall', 1],
  ['image_recall', 1],
  ['tables', 1],
  ['headings', 0],
  ['paragraphs', 0],
  ['words_per_para', 0],
];

type JudgeFigures = Record<string, number | string | null>;

async function judge(pdf: string, epub: string): Promise<JudgeFigures> {
  const args = [JUDGE, pdf, epub, '--json'];
  if (process.env.BENCH_AI_EPUBCHECK !== '1') args.push('--no-epubcheck');
  const { stdout } = await run('python3', args, { maxBuffer: 64 << 20 });
  const parsed = JSON.parse(stdout) as Record<string, unknown>;
  return (parsed.epub ?? parsed.figures ?? parsed) as JudgeFigures;
}

/** Figures where the AI run is worse than the heuristic one. */
export function worseFigures(heuristic: JudgeFigures, ai: JudgeFigures): string[] {
  const worse: string[] = [];
  for (const [name, direction] of FIGURES) {
    const [h, a] = [heuristic[name], ai[name]];
    if (direction === 0 || typeof h !== 'number' || typeof a !== 'number') {
      if (direction !== 0 && h !== a) worse.push(`${name} ${String(h)}→${String(a)}`);
      continue;
    }
    if ((a - h) * direction < 0) worse.push(`${name} ${h}→${a}`);
  }
  return worse;
}

async function heuristicRun(pdf: string, dir: string): Promise<void> {
  await cp(pdf, join(dir, WORK_FILES.pdf));
  for (const stage of ['analyze_layout', 'extract_content', 'identify_structure', 'generate_epub'] as const) {
    await executeStage(stage, dir);
  }
}

async function aiRun(from: string, dir: string, stub: AiStubServer, mode: AiMode): Promise<string> {
  await cp(from, dir, { recursive: true });
  const layout = JSON.parse(await readFile(join(dir, WORK_FILES.layout), 'utf8')) as LayoutArtifact;
  const content = JSON.parse(await readFile(join(dir, WORK_FILES.content), 'utf8')) as ContentArtifact;
  const config = parseAiConfig({
    AI_MODE: mode,
    OPENAI_API_KEY: 'sk-stub',
    OPENAI_BASE_URL: stub.openaiBaseURL,
    ANTHROPIC_API_KEY: 'sk-ant-stub',
    ANTHROPIC_BASE_URL: stub.anthropicBaseURL,
  });
  const { content: enhanced, report } = await enhanceContent(layout, content, { config });
  await writeFile(join(dir, WORK_FILES.content), JSON.stringify(enhanced));
  await writeFile(join(dir, 'ai-report.json'), JSON.stringify(report, null, 1));
  await executeStage('identify_structure', dir);
  await executeStage('generate_epub', dir);
  const reasons = new Map<string, number>();
  for (const p of report.pages) {
    if (p.kept) {
      const key = p.kept.replace(/\(.*\)/, '(…)').replace(/\d+/g, 'N');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }
  const s = report.summary;
  return (
    `routed strong ${s.pagesStrong}, fast ${s.pagesFast}; enhanced ${s.enhanced}, kept ${s.keptHeuristic}` +
    (reasons.size ? ` [${[...reasons].map(([r, n]) => `${n}× ${r}`).join('; ')}]` : '')
  );
}

export async function compareCorpus(dir: string, mode: AiMode): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.pdf')).sort();
  const keep = process.env.BENCH_AI_KEEP;
  const stub = await AiStubServer.start();
  let worseBooks = 0;
  try {
    const names = FIGURES.map(([name]) => name);
    console.log(`| book | run | ${names.join(' | ')} |\n|---|---|${names.map(() => '---').join('|')}|`);
    for (const file of files) {
      const pdf = join(dir, file);
      const base = keep ? join(keep, `${file}-${mode}`) : await mkdtemp(join(tmpdir(), 'bench-ai-'));
      try {
        const heuristicDir = join(base, 'heuristic');
        const aiDir = join(base, 'ai');
        await rm(base, { recursive: true, force: true });
        await mkdir(heuristicDir, { recursive: true });
        await heuristicRun(pdf, heuristicDir);
        const note = await aiRun(heuristicDir, aiDir, stub, mode);
        const results: JudgeFigures[] = [];
        for (const [label, d] of [
          ['heuristic', heuristicDir],
          [`ai ${mode}`, aiDir],
        ] as const) {
          const figures = await judge(pdf, join(d, WORK_FILES.epub));
          results.push(figures);
          console.log(`| ${file} | ${label} | ${names.map((f) => String(figures[f] ?? '–')).join(' | ')} |`);
        }
        const worse = worseFigures(results[0], results[1]);
        if (worse.length) worseBooks++;
        console.log(`|  | ${note}; worse: ${worse.length ? worse.join(', ') : 'none'} |`);
      } finally {
        if (!keep) await rm(base, { recursive: true, force: true });
      }
    }
    console.log(worseBooks ? `${worseBooks} book(s) with a worse figure` : 'no figure worse on any book');
  } finally {
    await stub.close();
  }
}
