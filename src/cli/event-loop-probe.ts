/**
 * Measures how responsive the main thread's event loop stays while a book is converted through the killable
 * stage runner (all five stages, each in its worker thread) — the event loop a pipeline worker needs for
 * lock renewal, health checks and cancellation. Goal: p99 delay under 100 ms.
 *
 *   node dist/cli/event-loop-probe.js [book.pdf] [--json] [--parallelism N] [--in-thread]
 *   node -r tsx/cjs src/cli/event-loop-probe.ts [book.pdf]        (from sources)
 *
 * Figures are the delay beyond the 10 ms sampling interval (the histogram itself includes the interval).
 * `--in-thread` runs the stages on the main thread instead (executeStage), for comparison.
 *
 * Default book: ../shared/corpus/books/beameruserguide.pdf (the largest in the corpus). Exit code 1 when the
 * goal is missed, 2 when the conversion fails.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { executeStage } from '../conversion/run-stage';
import { runStageIsolated } from '../conversion/runner';
import { STAGES, type StageName } from '../conversion/stages';
import { WORK_FILES } from '../conversion/workdir';

export const P99_GOAL_MS = 100;
const DEFAULT_BOOK = '../shared/corpus/books/beameruserguide.pdf';
const RESOLUTION_MS = 10;

interface ProbeArgs {
  pdf: string;
  json: boolean;
  parallelism?: number;
  inThread: boolean;
}

export interface ProbeReport {
  pdf: string;
  mode: 'worker-thread' | 'in-thread';
  stageMs: Record<string, number>;
  totalMs: number;
  delayMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  goalMet: boolean;
}

function parseArgs(argv: string[]): ProbeArgs {
  const args: ProbeArgs = { pdf: resolve(DEFAULT_BOOK), json: false, inThread: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--json') args.json = true;
    else if (argv[i] === '--in-thread') args.inThread = true;
    else if (argv[i] === '--parallelism') args.parallelism = Number(argv[(i += 1)]);
    else args.pdf = resolve(argv[i]);
  }
  return args;
}

/** Histogram ns → ms of delay beyond the sampling interval. */
const excessMs = (ns: number): number => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);

export async function probeEventLoop(
  pdf: string,
  parallelism?: number,
  inThread = false,
): Promise<ProbeReport> {
  const workDir = await mkdtemp(join(tmpdir(), 'event-loop-probe-'));
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const run = inThread ? executeStage : runStageIsolated;
  const stageMs: Partial<Record<StageName, number>> = {};
  const started = performance.now();
  try {
    await copyFile(pdf, join(workDir, WORK_FILES.pdf));
    histogram.enable();
    for (const stage of STAGES) {
      const stageStart = performance.now();
      await run(stage, workDir, { parallelism });
      stageMs[stage] = Math.round(performance.now() - stageStart);
    }
  } finally {
    histogram.disable();
    await rm(workDir, { recursive: true, force: true });
  }
  const delayMs = {
    p50: excessMs(histogram.percentile(50)),
    p90: excessMs(histogram.percentile(90)),
    p99: excessMs(histogram.percentile(99)),
    max: excessMs(histogram.max),
    mean: excessMs(histogram.mean),
  };
  return {
    pdf,
    mode: inThread ? 'in-thread' : 'worker-thread',
    stageMs,
    totalMs: Math.round(performance.now() - started),
    delayMs,
    goalMet: delayMs.p99 < P99_GOAL_MS,
  };
}

function printReport(report: ProbeReport): void {
  const lines = [
    `book: ${report.pdf} (stages ${report.mode})`,
    ...Object.entries(report.stageMs).map(([stage, ms]) => `  ${stage.padEnd(24)} ${ms} ms`),
    `  total                    ${report.totalMs} ms`,
    `event-loop delay beyond the ${RESOLUTION_MS} ms interval (ms): p50 ${report.delayMs.p50}  p90 ${report.delayMs.p90}  p99 ${report.delayMs.p99}  ` +
      `max ${report.delayMs.max}  mean ${report.delayMs.mean}`,
    `goal p99 < ${P99_GOAL_MS} ms: ${report.goalMet ? 'met' : 'MISSED'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  try {
    const report = await probeEventLoop(args.pdf, args.parallelism, args.inThread);
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printReport(report);
    process.exitCode = report.goalMet ? 0 : 1;
  } catch (err) {
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`conversion failed: ${detail}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) void main();
