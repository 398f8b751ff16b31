/**
 * Runs a stage where it can be stopped: the failure-semantics work replaces this in-thread delegate with a
 * worker thread that enforces the hard timeout and memory ceiling. Same signature either way.
 */
import { executeStage, type StageOutcome, type StageRunOptions } from '../run-stage';
import type { StageName } from '../stages';

export interface IsolatedStageOptions extends StageRunOptions {
  /** Kill the stage after this many ms (TIMEOUT). */
  hardTimeoutMs?: number;
  /** Memory ceiling for the stage's heap, in MB. */
  memoryLimitMb?: number;
}

export async function runStageIsolated(
  stage: StageName,
  workDir: string,
  options: IsolatedStageOptions = {},
): Promise<StageOutcome> {
  return executeStage(stage, workDir, options);
}
