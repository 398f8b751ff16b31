/**
 * For `npm run bench:ai -- --corpus DIR`: each PDF through the real engine twice — heuristics only, and with
 * enhanceContent against the local stub (which answers each page with its plain reading: larger lines headings,
 * monospace lines code, the rest paragraphs) — then the independent judge on both EPUBs.
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
const FIGURES = [
  'valid',
  'text_recall',
  'text_noise',
  'header_leak',
  'broken_paras',
  'hyphen_breaks',
  'code_recall',
];

type JudgeFigures = Record<string, number | string | null>;

async function judge(pdf: string, epub: string): Promise<JudgeFigures> {
  const { stdout } = await run('python3', [JUDGE, pdf, epub, '--json', '--no-epubcheck'], {
    maxBuffer: 64 << 20,
  });
  const parsed = JSON.parse(stdout) as Record<string, unknown>;
  const figures = (parsed.epub ?? parsed.figures ?? parsed) as JudgeFigures;
  return figures;
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
  await executeStage('identify_structure', dir);
  await executeStage('generate_epub', dir);
  const reasons = new Map<string, number>();
  for (const p of report.pages) {
    if (p.kept) {
      const key = p.kept.replace(/\(.*\)/, '(…)');
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
  const stub = await AiStubServer.start();
  try {
    console.log(`| book | run | ${FIGURES.join(' | ')} |\n|---|---|${FIGURES.map(() => '---').join('|')}|`);
    for (const file of files) {
      const pdf = join(dir, file);
      const base = await mkdtemp(join(tmpdir(), 'bench-ai-'));
      try {
        const heuristicDir = join(base, 'heuristic');
        const aiDir = join(base, 'ai');
        await mkdir(heuristicDir);
        await heuristicRun(pdf, heuristicDir);
        const note = await aiRun(heuristicDir, aiDir, stub, mode);
        for (const [label, d] of [
          ['heuristic', heuristicDir],
          [`ai ${mode}`, aiDir],
        ] as const) {
          const figures = await judge(pdf, join(d, WORK_FILES.epub));
          console.log(
            `| ${file} | ${label} | ${FIGURES.map((f) => String(figures[f] ?? '–')).join(' | ')} |`,
          );
        }
        console.log(`|  | ${note} |`);
      } finally {
        await rm(base, { recursive: true, force: true });
      }
    }
  } finally {
    await stub.close();
  }
}
