/**
 * Runs a stage where it can be stopped: in a worker thread of its own. The main thread's event loop stays
 * free (lock renewal, health checks, cancellation), an abort reaches the stage as an AbortSignal, the hard
 * timeout terminates the thread even when the stage is stuck in a CPU loop, and the memory ceiling is the
 * thread's heap limit. Errors come back with their ConversionError code (or class name, HTTP status and
 * system error code for other errors) intact. See README.md, "Failure semantics".
 */
import { isAbsolute, join, resolve } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { ConversionError } from '../errors';
import type { StageOutcome, StageRunOptions } from '../run-stage';
import type { ConversionOptions, StageName } from '../stages';
import {
  abortReasonError,
  abortReasonRecord,
  deserializeError,
  type FromWorkerMessage,
  type StageWorkerData,
  type ToWorkerMessage,
} from './protocol';

export interface IsolatedStageOptions extends StageRunOptions {
  /** Kill the stage after this many ms (TIMEOUT). */
  hardTimeoutMs?: number;
  /** Memory ceiling for the stage's heap, in MB. */
  memoryLimitMb?: number;
  /**
   * After the signal aborts, give the stage this long to stop at a checkpoint, then terminate it and reject
   * with the abort reason. Without it, a stage that never reaches a checkpoint runs until the hard timeout.
   */
  abortGraceMs?: number;
}

/**
 * Test-only: names a module exporting `executeStage` that replaces the engine (hanging or failing stages).
 * Honoured only when NODE_ENV is `test`.
 */
export const TEST_EXECUTOR_ENV = 'PDF2EPUB_TEST_STAGE_EXECUTOR';

export const OUT_OF_MEMORY_MESSAGE =
  'This PDF is too complex to convert: processing it needs more memory than the service allows.';
export const HARD_TIMEOUT_MESSAGE = 'The conversion took too long and was stopped.';

const WORKER_EXIT_MESSAGE = 'The conversion stopped unexpectedly.';

function testExecutorModule(): string | undefined {
  const path = process.env[TEST_EXECUTOR_ENV];
  if (!path || process.env.NODE_ENV !== 'test') return undefined;
  return isAbsolute(path) ? path : resolve(path);
}

/** From TypeScript sources (Jest, tsx) the worker loads through tsx; from dist/ it is plain JavaScript. */
function createStageWorker(data: StageWorkerData, resourceLimits: ResourceLimits | undefined): Worker {
  const fromSources = __filename.endsWith('.ts');
  const entry = join(__dirname, fromSources ? 'stage-worker.ts' : 'stage-worker.js');
  // A copy of this thread's environment: under Jest, process.env is a per-file copy the thread would not see.
  const options = { workerData: data, resourceLimits, env: { ...process.env } };
  if (!fromSources) return new Worker(entry, options);
  const loader = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
  return new Worker(loader, { ...options, eval: true });
}

function engineOptions(options: IsolatedStageOptions): ConversionOptions {
  const { maxPages, parallelism } = options;
  return { maxPages, parallelism };
}

function isOutOfMemory(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

function workerCrashError(err: unknown): Error {
  if (isOutOfMemory(err))
    return new ConversionError('UNSUPPORTED_FORMAT', OUT_OF_MEMORY_MESSAGE, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

export async function runStageIsolated(
  stage: StageName,
  workDir: string,
  options: IsolatedStageOptions = {},
): Promise<StageOutcome> {
  const { signal } = options;
  if (signal?.aborted) throw deserializeAbort(signal.reason);

  const data: StageWorkerData = {
    stage,
    workDir,
    options: engineOptions(options),
    executorModule: testExecutorModule(),
  };
  const limits = options.memoryLimitMb ? { maxOldGenerationSizeMb: options.memoryLimitMb } : undefined;
  const worker = createStageWorker(data, limits);

  return new Promise<StageOutcome>((resolvePromise, rejectPromise) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;

    const finish = (outcome: { value: StageOutcome } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal?.removeEventListener('abort', onAbort);
      // The stage is over either way; stop the thread and any threads it started.
      void worker.terminate();
      if ('value' in outcome) resolvePromise(outcome.value);
      else rejectPromise(outcome.error);
    };

    const onAbort = (): void => {
      const message: ToWorkerMessage = { type: 'abort', reason: abortReasonRecord(signal?.reason) };
      worker.postMessage(message);
      if (options.abortGraceMs !== undefined) {
        timers.push(
          setTimeout(() => finish({ error: deserializeAbort(signal?.reason) }), options.abortGraceMs),
        );
      }
    };

    worker.on('message', (message: FromWorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.fraction);
      else if (message.type === 'done') finish({ value: message.outcome });
      else if (message.type === 'failed') finish({ error: deserializeError(message.error) });
    });
    worker.on('error', (err) => finish({ error: workerCrashError(err) }));
    worker.on('exit', (code) =>
      finish({ error: new ConversionError('INTERNAL_ERROR', `${WORKER_EXIT_MESSAGE} (exit code ${code})`) }),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.hardTimeoutMs !== undefined) {
      timers.push(
        setTimeout(
          () => finish({ error: new ConversionError('TIMEOUT', HARD_TIMEOUT_MESSAGE) }),
          options.hardTimeoutMs,
        ),
      );
    }
  });
}

function deserializeAbort(reason: unknown): ConversionError {
  return abortReasonError(abortReasonRecord(reason));
}
