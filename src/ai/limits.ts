/** Concurrency and token budget of one job's AI work. */

/** At most `limit` tasks at once, first come first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Tokens a job may spend. Calls reserve an estimate first, so concurrent calls cannot overrun much. */
export class TokenBudget {
  inputTokens = 0;
  outputTokens = 0;
  private reserved = 0;
  exhausted = false;

  constructor(readonly max: number) {}

  get used(): number {
    return this.inputTokens + this.outputTokens;
  }

  /** False (and the budget is marked exhausted) when the estimate no longer fits. */
  reserve(estimate: number): boolean {
    if (this.max > 0 && this.used + this.reserved + estimate > this.max) {
      this.exhausted = true;
      return false;
    }
    this.reserved += estimate;
    return true;
  }

  /** Books the real usage; false when the answer arrived after the budget was used up (discard it). */
  settle(estimate: number, input: number, output: number): boolean {
    this.reserved -= estimate;
    this.inputTokens += input;
    this.outputTokens += output;
    if (this.max > 0 && this.used > this.max) {
      this.exhausted = true;
      return false;
    }
    return true;
  }

  release(estimate: number): void {
    this.reserved -= estimate;
  }
}
