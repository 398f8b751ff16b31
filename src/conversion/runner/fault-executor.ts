/**
 * TEST-ONLY stage executor that injects faults: stages that hang, fail with a given error a number of times,
 * exhaust memory or exit. Tests select it with NODE_ENV=test and PDF2EPUB_TEST_STAGE_EXECUTOR=<this file>
 * (runner/index.ts ignores that variable outside test mode), and describe the faults per stage in
 * PDF2EPUB_TEST_FAULTS as JSON, e.g. {"extract_content":{"kind":"hang-cpu"}}. Stages without a fault run the
 * real engine.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { APIConnectionError, RateLimitError } from 'openai';
import { ConversionError, throwIfAborted, type ConversionErrorCode } from '../errors';
import { executeStage as executeRealStage, type StageOutcome, type StageRunOptions } from '../run-stage';
import type { StageName } from '../stages';

export const TEST_FAULTS_ENV = 'PDF2EPUB_TEST_FAULTS';

export type InjectedError = 'network' | 'ai-connection' | 'ai-rate-limit' | 'storage-503';

export type Fault =
  /** Busy loop that never checks the signal: only terminating the thread stops it. */
  | { kind: 'hang-cpu' }
  /** Reports progress every `stepMs` and checks the signal until `ms` passed, then runs `then`. */
  | { kind: 'slow'; ms: number; stepMs?: number; then?: 'engine' | 'succeed' }
  | { kind: 'throw'; code: ConversionErrorCode; message: string }
  /** Fails with `error` on the first `times` runs (counted in `counterFile`, across threads and processes). */
  | {
      kind: 'fail-times';
      times: number;
      error: InjectedError;
      counterFile: string;
      then?: 'engine' | 'succeed';
    }
  | { kind: 'oom' }
  | { kind: 'exit'; code: number };

export type FaultPlan = Partial<Record<StageName, Fault>>;

function readPlan(): FaultPlan {
  const raw = process.env[TEST_FAULTS_ENV];
  return raw ? (JSON.parse(raw) as FaultPlan) : {};
}

function fakeOutcome(stage: StageName): StageOutcome {
  return { warnings: [], summary: { injected: true, stage } };
}

function injectedError(kind: InjectedError): Error {
  switch (kind) {
    case 'network':
      return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    case 'ai-connection':
      return new APIConnectionError({ message: 'Connection error.' });
    case 'ai-rate-limit':
      return new RateLimitError(429, { message: 'Rate limit reached' }, 'Rate limit reached', new Headers());
    case 'storage-503':
      return Object.assign(new Error('storage answered 503'), { name: 'StorageError', status: 503 });
  }
}

/** Runs of this fault so far, this one included. */
function countRun(counterFile: string): number {
  appendFileSync(counterFile, 'x');
  return readFileSync(counterFile, 'utf8').length;
}

function spinForever(): never {
  for (;;) {
    // Deliberately stuck: no await, no checkpoint.
  }
}

function exhaustMemory(): never {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array<number>(1_000_000).fill(hoard.length));
}

async function runSlowly(ms: number, stepMs: number, options: StageRunOptions): Promise<void> {
  const started = Date.now();
  for (let elapsed = 0; elapsed < ms; elapsed = Date.now() - started) {
    throwIfAborted(options.signal);
    options.onProgress?.(elapsed / ms);
    await sleep(stepMs);
  }
  throwIfAborted(options.signal);
}

async function finishWith(
  then: 'engine' | 'succeed' | undefined,
  stage: StageName,
  workDir: string,
  options: StageRunOptions,
): Promise<StageOutcome> {
  if (then === 'succeed') return fakeOutcome(stage);
  return executeRealStage(stage, workDir, options);
}

export async function executeStage(
  stage: StageName,
  workDir: string,
  options: StageRunOptions = {},
): Promise<StageOutcome> {
  const fault = readPlan()[stage];
  if (!fault) return executeRealStage(stage, workDir, options);
  switch (fault.kind) {
    case 'hang-cpu':
      return spinForever();
    case 'slow':
      await runSlowly(fault.ms, fault.stepMs ?? 20, options);
      return finishWith(fault.then, stage, workDir, options);
    case 'throw':
      throw new ConversionError(fault.code, fault.message);
    case 'fail-times':
      if (countRun(fault.counterFile) <= fault.times) throw injectedError(fault.error);
      return finishWith(fault.then, stage, workDir, options);
    case 'oom':
      return exhaustMemory();
    case 'exit':
      process.exit(fault.code);
  }
}
