import type { Stage } from '../common/enums';

/** A stage job's payload in Redis: ids only, never file bytes (paths derive from them, see storage-paths.ts). */
export interface StageJobData {
  jobId: string;
  userId: string;
}

/** Deterministic BullMQ job id, so re-enqueueing a stage cannot duplicate it (BullMQ forbids ':' in ids). */
export function stageJobId(jobId: string, stage: Stage): string {
  return `${jobId}-${stage}`;
}

/** Each stage has its own queue, named after the stage, under the QUEUE_NAME prefix. */
export function queueNameOf(stage: Stage): string {
  return stage;
}
