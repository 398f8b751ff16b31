import { PIPELINE } from '../../src/common/enums';
import { STAGE_PROCESSORS } from '../../src/pipeline/processors';
import type { StageExecutor } from '../../src/pipeline/stage-executor.service';

describe('stage processors', () => {
  it('has one processor class per stage, in pipeline order, each running its own stage', async () => {
    const ran: string[] = [];
    const executor = { execute: async (stage: string) => void ran.push(stage) } as unknown as StageExecutor;
    const processors = STAGE_PROCESSORS.map((Processor) => new Processor(executor));
    expect(processors.map((processor) => processor.stage)).toEqual([...PIPELINE]);
    expect(new Set(STAGE_PROCESSORS.map((Processor) => Processor.name)).size).toBe(PIPELINE.length);

    const job = { data: { jobId: 'j', userId: 'u' }, attemptsMade: 0, opts: { attempts: 4 } };
    for (const processor of processors) {
      await processor.process(job as never, 'token', { info: () => undefined } as never);
    }
    expect(ran).toEqual([...PIPELINE]);
  });
});
