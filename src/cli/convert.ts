#!/usr/bin/env node
/**
 * npm run convert -- INPUT.pdf [-o OUTPUT.epub] [--json]
 *
 * Runs the five stages in this process (no Redis, PostgreSQL or server) on a temporary work directory that
 * is always removed, prints each stage's duration to stderr, writes the EPUB and prints the quality report.
 * Exit codes: 0 done, 2 the input cannot be converted (bad PDF, password, ...), 1 anything else.
 */
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type Redis from 'ioredis';
import type { AiConfig } from '../ai/config';
import { ConversionError, isConversionError } from '../conversion/errors';
import type { QualityReport } from '../conversion/model/quality';
import { executeStage, type StageOutcome } from '../conversion/run-stage';
import { runStageIsolated } from '../conversion/runner';
import { STAGES, type StageName } from '../conversion/stages';
import { WORK_FILES } from '../conversion/workdir';
import type { AiStageSummary } from '../pipeline/ai-enhancement.service';

type AiConfigModule = typeof import('../ai/config');
type AiPassModule = typeof import('../pipeline/ai-enhancement.service');

/**
 * The AI pass and its configuration load only when the environment asks for AI: they pull in zod, both SDKs,
 * ioredis and Nest, ~0.4 s of module loading that a plain conversion should not pay.
 */
function loadAiConfig(): AiConfigModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  return require('../ai/config') as AiConfigModule;
}
function loadAiPass(): AiPassModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  return require('../pipeline/ai-enhancement.service') as AiPassModule;
}

/** Any variable the AI configuration reads; without one of them AI is off and no AI module is loaded. */
const AI_ENV = /^(AI_|OPENAI_|ANTHROPIC_)/;

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

interface CliOptions {
  input: string;
  output: string;
  json: boolean;
}

export interface StageTiming {
  stage: StageName;
  seconds: number;
}

const USAGE = 'usage: npm run convert -- INPUT.pdf [-o OUTPUT.epub] [--json]';

/** A problem with the command line itself (missing input, bad output directory): exit 2. */
class UsageError extends Error {}

/** The AI pass of the CLI (only when a key is set and AI_MODE is not off); `redis` null = no cache. */
export interface CliAi {
  config: AiConfig;
  redis: Redis | null;
}

/** AI settings from the environment; undefined (no AI code runs) without a key or with AI_MODE=off. */
async function prepareAi(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<CliAi | undefined> {
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  if (!Object.keys(set).some((name) => AI_ENV.test(name))) return undefined;
  const { parseAiConfig, isAiEnabled } = loadAiConfig();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, with the AI configuration
  const { ZodError } = require('zod') as typeof import('zod');
  let config: AiConfig;
  try {
    config = parseAiConfig(set);
  } catch (err) {
    const problems =
      err instanceof ZodError
        ? err.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
        : (err as Error).message;
    throw new UsageError(`Invalid AI configuration: ${problems}`);
  }
  if (!isAiEnabled(config)) return undefined;
  const { connectAiCache } = loadAiPass();
  const { redis, note } = await connectAiCache(set.REDIS_URL);
  log(`AI mode ${config.mode} (${note})`);
  return { config, redis };
}

function parseOptions(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError(USAGE);
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const input = resolve(positionals[0]);
  const output = resolve(values.output ?? join(input, '..', `${basename(input, extname(input))}.epub`));
  return { input, output, json: values.json ?? false };
}

async function checkPaths(input: string, output: string): Promise<void> {
  const info = await stat(input).catch(() => null);
  if (!info || !info.isFile()) throw new UsageError(`Input file not found: ${input}`);
  const outDir = await stat(dirname(output)).catch(() => null);
  if (!outDir || !outDir.isDirectory()) {
    throw new UsageError(`Output directory does not exist: ${dirname(output)}`);
  }
}

function formatReport(report: QualityReport): string {
  const rows = Object.entries(report.components).map(([name, c]) => {
    const figures = Object.entries(c.detail)
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    return `  ${name.padEnd(14)} ${(c.score * 100).toFixed(0).padStart(4)}   ${figures}`;
  });
  const lines = [
    `Quality score: ${report.score} / 100  (${report.pages} pages, ${report.chapters} chapters, ${report.words} words)`,
    '  component      score  figures',
    ...rows,
    ...report.warnings.map((w) => `  warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** From this many pages on, every stage runs in a thread of its own (see runCliStage). */
export const ISOLATE_ALL_STAGES_FROM_PAGES = 300;

/**
 * A stage's heap goes back to the system only when its thread ends: run in this thread, each stage's garbage
 * would pile up on the last one's (a 1000-page book peaked at ~440 MB RSS). analyze_layout, the largest, always
 * runs in a thread of its own (pdf.js then loads only there); for big books every stage does (~50 ms each).
 */
function runCliStage(
  stage: StageName,
  workDir: string,
  signal: AbortSignal | undefined,
  pages: number,
): Promise<StageOutcome> {
  if (stage === 'analyze_layout' || pages >= ISOLATE_ALL_STAGES_FROM_PAGES)
    return runStageIsolated(stage, workDir, { signal, abortGraceMs: 2000 });
  return executeStage(stage, workDir, { signal });
}

/** Runs the five stages on `input` and writes `output`; returns the quality report and stage timings. */
export async function convertFile(
  input: string,
  output: string,
  log: (line: string) => void,
  signal?: AbortSignal,
  ai?: CliAi,
): Promise<{ report: QualityReport; timings: StageTiming[]; warnings: string[]; ai?: AiStageSummary }> {
  await checkPaths(input, output);
  const workDir = await mkdtemp(join(tmpdir(), 'pdf2epub-cli-'));
  const timings: StageTiming[] = [];
  const warnings: string[] = [];
  let aiSummary: AiStageSummary | undefined;
  let pages = 0;
  try {
    await copyFile(input, join(workDir, WORK_FILES.pdf));
    for (const [i, stage] of STAGES.entries()) {
      const started = performance.now();
      const outcome = await runCliStage(stage, workDir, signal, pages);
      if (stage === 'analyze_layout') pages = Number(outcome.summary.pageCount) || 0;
      const seconds = (performance.now() - started) / 1000;
      timings.push({ stage, seconds });
      const facts = Object.entries(outcome.summary)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      log(`[${i + 1}/${STAGES.length}] ${stage.padEnd(24)} ${seconds.toFixed(2).padStart(7)} s  ${facts}`);
      for (const warning of outcome.warnings) log(`    warning: ${warning}`);
      warnings.push(...outcome.warnings);
      if (stage === 'extract_content' && ai) {
        const { enhanceWorkDir, formatAiSummary } = loadAiPass();
        aiSummary = await enhanceWorkDir(workDir, { ...ai, signal, fallbackOnTransient: true });
        formatAiSummary(aiSummary).forEach((line) => log(line));
      }
    }
    await copyFile(join(workDir, WORK_FILES.epub), output);
    const quality = JSON.parse(await readFile(join(workDir, WORK_FILES.quality), 'utf8')) as QualityReport;
    const report = aiSummary ? loadAiPass().withAiSummary(quality, aiSummary) : quality;
    return { report, timings, warnings, ai: aiSummary };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort(new ConversionError('CANCELLED', 'Interrupted.'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = performance.now();
  let ai: CliAi | undefined;
  try {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    ai = await prepareAi(process.env, log);
    const { report, timings } = await convertFile(options.input, options.output, log, controller.signal, ai);
    const seconds = (performance.now() - started) / 1000;
    log(`wrote ${options.output} in ${seconds.toFixed(2)} s`);
    if (options.json) {
      const stages = timings.map((t) => ({ stage: t.stage, seconds: Number(t.seconds.toFixed(3)) }));
      process.stdout.write(
        `${JSON.stringify({ output: options.output, seconds, stages, quality: report }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(formatReport(report));
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error INVALID_ARGUMENT: ${err.message}\n`);
      if (options.json)
        process.stdout.write(`${JSON.stringify({ detail: err.message, code: 'INVALID_ARGUMENT' })}\n`);
      return EXIT_BAD_INPUT;
    }
    if (isConversionError(err)) {
      process.stderr.write(`error ${err.code}: ${err.message}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify({ detail: err.message, code: err.code })}\n`);
      return err.permanent ? EXIT_BAD_INPUT : EXIT_INTERNAL;
    }
    process.stderr.write(
      `error INTERNAL_ERROR: the conversion failed unexpectedly (${(err as Error).message})\n`,
    );
    return EXIT_INTERNAL;
  } finally {
    ai?.redis?.disconnect();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(EXIT_INTERNAL),
  );
}
