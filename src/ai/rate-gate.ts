/**
 * One gate per provider: a 429 answer closes it until the provider's Retry-After has passed, so every
 * worker slows down together instead of hammering the API. Wraps the SDK's fetch, so the SDK's own
 * retries pass through it too.
 */
export class RateGate {
  private openAt = 0;
  /** 429 answers seen (for the report). */
  rateLimited = 0;
  /** Milliseconds the gate was closed in total. */
  waitedMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves when the gate is open. */
  async pass(): Promise<void> {
    for (;;) {
      const wait = this.openAt - this.now();
      if (wait <= 0) return;
      this.waitedMs += wait;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  closeFor(ms: number): void {
    this.rateLimited += 1;
    this.openAt = Math.max(this.openAt, this.now() + ms);
  }

  /** Milliseconds until the gate opens (0 when open). */
  remainingMs(): number {
    return Math.max(0, this.openAt - this.now());
  }
}

const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
const MAX_RATE_LIMIT_WAIT_MS = 120_000;

/** Retry-After (seconds or HTTP date) / retry-after-ms of a response, in milliseconds. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RATE_LIMIT_WAIT_MS);
  const raw = headers.get('retry-after');
  if (raw) {
    const seconds = Number.parseFloat(raw);
    const fromDate = Date.parse(raw) - now;
    const wait = Number.isFinite(seconds) ? seconds * 1000 : fromDate;
    if (Number.isFinite(wait) && wait >= 0) return Math.min(wait, MAX_RATE_LIMIT_WAIT_MS);
  }
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}

/**
 * A fetch for the SDKs: waits at the gate, closes it on 429, and answers a retry that would start after the
 * job's cancellation with a local non-retryable 499 instead of sending it (an in-flight call may finish; no new
 * request starts).
 */
export function gatedFetch(gate: RateGate, signal: AbortSignal | undefined): typeof fetch {
  return async (input, init) => {
    if (signal?.aborted) return cancelledResponse();
    await gate.pass();
    if (signal?.aborted) return cancelledResponse();
    const response = await fetch(input, init);
    if (response.status === 429) gate.closeFor(retryAfterMs(response.headers));
    return response;
  };
}

function cancelledResponse(): Response {
  return new Response(JSON.stringify({ error: { message: 'job cancelled', type: 'cancelled' } }), {
    status: 499,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
  });
}
