/**
 * The killable stage runner: each stage runs in a worker thread that can be aborted, killed at the hard
 * timeout and capped in memory, and errors come back with their codes. The stages here come from the
 * test-only fault executor (src/conversion/runner/fault-executor.ts), so they really hang, spin or fail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversionError } from '../../src/conversion/errors';
import {
  HARD_TIMEOUT_MESSAGE,
  OUT_OF_MEMORY_MESSAGE,
  runStageIsolated,
  TEST_EXECUTOR_ENV,
} from '../../src/conversion/runner';
import { TEST_FAULTS_ENV, type Fault } from '../../src/conversion/runner/fault-executor';
import { StageThreadError } from '../../src/conversion/runner/protocol';
import { classifyError } from '../../src/pipeline/failure';

const FAULT_EXECUTOR = join(__dirname, '../../src/conversion/runner/fault-executor.ts');

let workDir: string;

beforeAll(async () => {
  process.env.NODE_ENV = 'test';
  process.env[TEST_EXECUTOR_ENV] = FAULT_EXECUTOR;
  workDir = await mkdtemp(join(tmpdir(), 'runner-spec-'));
});

afterAll(async () => {
  delete process.env[TEST_EXECUTOR_ENV];
  delete process.env[TEST_FAULTS_ENV];
  await rm(workDir, { recursive: true, force: true });
});

function injectFault(fault: Fault): void {
  process.env[TEST_FAULTS_ENV] = JSON.stringify({ analyze_layout: fault });
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the stage to fail');
}

/** Largest delay of a 10 ms interval timer on this thread while `work` runs. */
async function worstTimerDelay(work: Promise<unknown>): Promise<number> {
  let last = Date.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  await work.catch(() => undefined);
  clearInterval(timer);
  return worst;
}

describe('runStageIsolated', () => {
  it('kills a stage stuck in a CPU loop at the hard timeout, with TIMEOUT, while this thread stays responsive', async () => {
    injectFault({ kind: 'hang-cpu' });
    const started = Date.now();
    const run = runStageIsolated('analyze_layout', workDir, { hardTimeoutMs: 1500 });
    const worstDelay = await worstTimerDelay(run);
    const error = await failureOf(run);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ConversionError);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: HARD_TIMEOUT_MESSAGE });
    expect(elapsed).toBeGreaterThanOrEqual(1450);
    expect(elapsed).toBeLessThan(4000);
    expect(worstDelay).toBeLessThan(250);
  });

  it('passes an abort to the stage, which stops at its next checkpoint with the abort reason', async () => {
    injectFault({ kind: 'slow', ms: 20_000, then: 'succeed' });
    const controller = new AbortController();
    const progress: number[] = [];
    const run = runStageIsolated('analyze_layout', workDir, {
      signal: controller.signal,
      hardTimeoutMs: 30_000,
      onProgress: (fraction) => {
        progress.push(fraction);
        if (progress.length === 3)
          controller.abort(new ConversionError('CANCELLED', 'The conversion was cancelled.'));
      },
    });
    const started = Date.now();
    const error = await failureOf(run);

    expect(error).toBeInstanceOf(ConversionError);
    expect((error as ConversionError).code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps the abort reason code, e.g. TIMEOUT for a soft timeout', async () => {
    injectFault({ kind: 'slow', ms: 20_000, then: 'succeed' });
    const signal = AbortSignal.timeout(800);
    const error = await failureOf(
      runStageIsolated('analyze_layout', workDir, { signal, hardTimeoutMs: 30_000 }),
    );
    // AbortSignal.timeout's reason is a DOMException named TimeoutError.
    expect(error).toMatchObject({ code: 'TIMEOUT' });

    const controller = new AbortController();
    setTimeout(() => controller.abort(new ConversionError('TIMEOUT', 'Soft timeout reached.')), 800);
    const soft = await failureOf(
      runStageIsolated('analyze_layout', workDir, { signal: controller.signal, hardTimeoutMs: 30_000 }),
    );
    expect(soft).toMatchObject({ code: 'TIMEOUT', message: 'Soft timeout reached.' });
  });

  it('terminates a stage that ignores the abort once abortGraceMs has passed', async () => {
    injectFault({ kind: 'hang-cpu' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    const error = await failureOf(
      runStageIsolated('analyze_layout', workDir, { signal: controller.signal, abortGraceMs: 300 }),
    );
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not start a stage when the signal is already aborted', async () => {
    injectFault({ kind: 'hang-cpu' });
    const signal = AbortSignal.abort(new ConversionError('CANCELLED', 'The conversion was cancelled.'));
    const started = Date.now();
    const error = await failureOf(runStageIsolated('analyze_layout', workDir, { signal }));
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('reports progress in order and resolves with the outcome', async () => {
    injectFault({ kind: 'slow', ms: 400, stepMs: 20, then: 'succeed' });
    const progress: number[] = [];
    const outcome = await runStageIsolated('analyze_layout', workDir, {
      onProgress: (fraction) => progress.push(fraction),
    });

    expect(outcome.summary).toMatchObject({ injected: true, stage: 'analyze_layout' });
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBeGreaterThanOrEqual(0);
    expect(progress[progress.length - 1]).toBeLessThanOrEqual(1);
  });

  it('brings a ConversionError back with its code and message', async () => {
    injectFault({ kind: 'throw', code: 'PASSWORD_PROTECTED', message: 'This PDF needs a password to open.' });
    const error = await failureOf(runStageIsolated('analyze_layout', workDir));
    expect(error).toBeInstanceOf(ConversionError);
    expect(error).toMatchObject({
      code: 'PASSWORD_PROTECTED',
      message: 'This PDF needs a password to open.',
    });
    expect((error as ConversionError).permanent).toBe(true);
  });

  it('brings SDK and network errors back so that they still classify as transient', async () => {
    const counterFile = join(workDir, 'ai-counter');
    injectFault({ kind: 'fail-times', times: 5, error: 'ai-connection', counterFile });
    const aiError = await failureOf(runStageIsolated('analyze_layout', workDir));
    expect(aiError).toBeInstanceOf(StageThreadError);
    expect(aiError).toMatchObject({ errorClass: 'APIConnectionError' });
    expect(classifyError(aiError)).toMatchObject({ kind: 'transient', code: 'AI_PROVIDER_UNAVAILABLE' });

    injectFault({ kind: 'fail-times', times: 5, error: 'ai-rate-limit', counterFile });
    const rateLimited = await failureOf(runStageIsolated('analyze_layout', workDir));
    expect(rateLimited).toMatchObject({ errorClass: 'RateLimitError', status: 429 });
    expect(classifyError(rateLimited).kind).toBe('transient');

    injectFault({ kind: 'fail-times', times: 5, error: 'network', counterFile });
    const networkError = await failureOf(runStageIsolated('analyze_layout', workDir));
    expect(networkError).toMatchObject({ code: 'ECONNRESET' });
    expect(classifyError(networkError)).toMatchObject({ kind: 'transient', code: 'NETWORK_ERROR' });
  });

  it('turns a stage that exhausts its memory ceiling into a permanent "too complex" error', async () => {
    injectFault({ kind: 'oom' });
    const error = await failureOf(runStageIsolated('analyze_layout', workDir, { memoryLimitMb: 48 }));
    expect(error).toBeInstanceOf(ConversionError);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: OUT_OF_MEMORY_MESSAGE });
    expect(classifyError(error).kind).toBe('permanent');
  });

  it('reports a stage thread that exits on its own as an internal error', async () => {
    injectFault({ kind: 'exit', code: 3 });
    const error = await failureOf(runStageIsolated('analyze_layout', workDir));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(classifyError(error)).toMatchObject({ kind: 'permanent', code: 'INTERNAL_ERROR' });
  });
});
