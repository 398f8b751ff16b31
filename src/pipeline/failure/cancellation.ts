/**
 * Cancelling a running stage. A running BullMQ job can only be stopped in the process that holds it, so a
 * cancellation is broadcast on a Redis pub/sub channel that every worker process listens to; the process that
 * runs a stage of that job aborts the stage's AbortSignal, and the stage stops at its next checkpoint.
 */
import type Redis from 'ioredis';
import { ConversionError } from '../../conversion/errors';

export const CANCELLED_MESSAGE = 'The conversion was cancelled.';

export function cancellationChannel(queuePrefix: string): string {
  return `${queuePrefix}:cancel`;
}

/** The AbortControllers of the stages running in this process, by job id. */
export class RunningStages {
  private readonly running = new Map<string, Set<AbortController>>();

  /** Tracks a stage of `jobId`; call the returned function when the stage ends. */
  track(jobId: string, controller: AbortController): () => void {
    const controllers = this.running.get(jobId) ?? new Set<AbortController>();
    controllers.add(controller);
    this.running.set(jobId, controllers);
    return () => {
      controllers.delete(controller);
      if (controllers.size === 0 && this.running.get(jobId) === controllers) this.running.delete(jobId);
    };
  }

  /** Aborts every tracked stage of `jobId`; answers how many were told. */
  abort(jobId: string, reason: unknown = new ConversionError('CANCELLED', CANCELLED_MESSAGE)): number {
    const controllers = this.running.get(jobId);
    if (!controllers) return 0;
    let told = 0;
    for (const controller of controllers) {
      if (controller.signal.aborted) continue;
      controller.abort(reason);
      told += 1;
    }
    return told;
  }

  /** Aborts every tracked stage (graceful shutdown). */
  abortAll(reason: unknown): number {
    let told = 0;
    for (const jobId of [...this.running.keys()]) told += this.abort(jobId, reason);
    return told;
  }

  jobIds(): string[] {
    return [...this.running.keys()];
  }

  get size(): number {
    return this.running.size;
  }
}

/**
 * Publishes cancellations and, once `listen()`ed, applies the ones it hears to `stages`. The subscriber is a
 * duplicate connection of `publisher` (a subscribed ioredis connection cannot send other commands).
 */
export class CancellationBus {
  private subscriber?: Redis;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly stages: RunningStages,
    private readonly onCancel?: (jobId: string, told: number) => void,
    /** Quit `publisher` too on close (when this bus created it). */
    private readonly ownsPublisher = false,
  ) {}

  async listen(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.publisher.duplicate({ maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, jobId: string) => {
      if (channel !== this.channel) return;
      const told = this.stages.abort(jobId);
      this.onCancel?.(jobId, told);
    });
    // ioredis re-subscribes by itself after a reconnection (autoResubscribe).
    await subscriber.subscribe(this.channel);
  }

  /** Tells every listening process to stop this job's running stage; answers how many processes heard it. */
  async publish(jobId: string): Promise<number> {
    return this.publisher.publish(this.channel, jobId);
  }

  /** Stops listening (and closes the publisher if owned); safe to call more than once. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    if (this.ownsPublisher && this.publisher.status !== 'end') {
      await this.publisher.quit().catch(() => this.publisher.disconnect());
    }
  }
}
