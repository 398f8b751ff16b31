/** Cancellation broadcast over real Redis pub/sub: only the process running the job's stage aborts it. */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ConversionError } from '../../src/conversion/errors';
import { CancellationBus, cancellationChannel, RunningStages } from '../../src/pipeline/failure';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error('condition not met in time'));
      }
    }, 10);
  });
}

describe('RunningStages', () => {
  it('aborts only the stages of the cancelled job, with a CANCELLED ConversionError, once', () => {
    const stages = new RunningStages();
    const a = new AbortController();
    const b = new AbortController();
    const untrackA = stages.track('job-a', a);
    stages.track('job-b', b);

    expect(stages.abort('job-a')).toBe(1);
    expect(a.signal.aborted).toBe(true);
    expect(a.signal.reason).toBeInstanceOf(ConversionError);
    expect((a.signal.reason as ConversionError).code).toBe('CANCELLED');
    expect(b.signal.aborted).toBe(false);
    expect(stages.abort('job-a')).toBe(0);

    untrackA();
    expect(stages.jobIds()).toEqual(['job-b']);
    expect(stages.abort('unknown')).toBe(0);
  });
});

describe('CancellationBus', () => {
  const channel = cancellationChannel(`failure-spec-${randomUUID()}`);
  const clients: Redis[] = [];
  const buses: CancellationBus[] = [];

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all(clients.map((client) => client.quit()));
  });

  function processWith(stages: RunningStages, heard: string[]): CancellationBus {
    const client = new Redis(REDIS_URL);
    clients.push(client);
    const bus = new CancellationBus(client, channel, stages, (jobId) => heard.push(jobId));
    buses.push(bus);
    return bus;
  }

  it('reaches every listening process; the one running the job aborts its stage', async () => {
    const running = new RunningStages();
    const idle = new RunningStages();
    const heardRunning: string[] = [];
    const heardIdle: string[] = [];
    const workerA = processWith(running, heardRunning);
    const workerB = processWith(idle, heardIdle);
    const api = processWith(new RunningStages(), []);
    await workerA.listen();
    await workerB.listen();

    const controller = new AbortController();
    running.track('job-1', controller);
    const listeners = await api.publish('job-1');

    expect(listeners).toBe(2);
    await waitFor(() => heardRunning.length === 1 && heardIdle.length === 1);
    expect(controller.signal.aborted).toBe(true);
    expect(heardIdle).toEqual(['job-1']);
  });
});
