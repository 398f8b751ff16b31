/**
 * Entry point of the worker thread that runs one stage (see runner/index.ts). It posts progress and the
 * outcome to the parent, and turns the parent's abort message into the AbortSignal the stage checks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executeStage, type StageOutcome, type StageRunOptions } from '../run-stage';
import type { StageName } from '../stages';
import {
  abortReasonError,
  serializeError,
  type FromWorkerMessage,
  type StageWorkerData,
  type ToWorkerMessage,
} from './protocol';

type ExecuteStage = (stage: StageName, workDir: string, options: StageRunOptions) => Promise<StageOutcome>;

/** Progress is posted when it moved by at least this much (pages can be reported one by one). */
const PROGRESS_STEP = 0.005;

function post(message: FromWorkerMessage): void {
  parentPort?.postMessage(message);
}

function loadExecutor(modulePath: string | undefined): ExecuteStage {
  if (!modulePath) return executeStage;
  // A test-only executor module (runner/index.ts only passes one in test mode); loaded by path at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(modulePath) as { executeStage?: ExecuteStage };
  if (typeof loaded.executeStage !== 'function')
    throw new Error(`${modulePath} does not export executeStage`);
  return loaded.executeStage;
}

function progressReporter(): (fraction: number) => void {
  let lastSent = -1;
  return (fraction) => {
    const clamped = Math.min(1, Math.max(0, fraction));
    if (clamped - lastSent < PROGRESS_STEP && clamped !== 1) return;
    lastSent = clamped;
    post({ type: 'progress', fraction: clamped });
  };
}

async function run(data: StageWorkerData): Promise<void> {
  const controller = new AbortController();
  parentPort?.on('message', (message: ToWorkerMessage) => {
    if (message.type === 'abort' && !controller.signal.aborted)
      controller.abort(abortReasonError(message.reason));
  });
  try {
    const execute = loadExecutor(data.executorModule);
    const outcome = await execute(data.stage, data.workDir, {
      ...data.options,
      signal: controller.signal,
      onProgress: progressReporter(),
    });
    post({ type: 'done', outcome });
  } catch (err) {
    post({ type: 'failed', error: serializeError(err) });
  }
}

void run(workerData as StageWorkerData);
