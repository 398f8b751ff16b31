/** RETRY_DELAYS_S → BullMQ attempts and custom backoff. */
import OpenAI from 'openai';
import { ConversionError } from '../../src/conversion/errors';
import {
  createRetryPolicy,
  DEFAULT_RETRY_DELAYS_S,
  nextRetryAt,
  RETRY_BACKOFF_TYPE,
} from '../../src/pipeline/failure';

const transient = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('retry policy', () => {
  it('by default retries three times after 1, 5 and 15 minutes: four attempts', () => {
    const policy = createRetryPolicy();
    expect(DEFAULT_RETRY_DELAYS_S).toEqual([60, 300, 900]);
    expect(policy.attempts).toBe(4);
    expect(policy.jobOptions).toEqual({ attempts: 4, backoff: { type: RETRY_BACKOFF_TYPE } });
    // BullMQ passes the number of tries made so far, the failed one included.
    expect([1, 2, 3].map((tries) => policy.backoffStrategy(tries, RETRY_BACKOFF_TYPE, transient))).toEqual([
      60_000, 300_000, 900_000,
    ]);
    expect(policy.backoffStrategy(4, RETRY_BACKOFF_TYPE, transient)).toBe(-1);
  });

  it('follows custom delays, including sub-second ones for tests, and none at all', () => {
    const policy = createRetryPolicy([0.2, 0.5]);
    expect(policy.attempts).toBe(3);
    expect(policy.backoffStrategy(1, RETRY_BACKOFF_TYPE, transient)).toBe(200);
    expect(policy.backoffStrategy(2, RETRY_BACKOFF_TYPE, transient)).toBe(500);
    expect(createRetryPolicy([]).attempts).toBe(1);
    expect(() => createRetryPolicy([-1])).toThrow(RangeError);
  });

  it('never schedules a retry for a permanent error', () => {
    const policy = createRetryPolicy();
    expect(
      policy.backoffStrategy(1, RETRY_BACKOFF_TYPE, new ConversionError('INVALID_PDF', 'Not a PDF.')),
    ).toBe(-1);
    const authError = new OpenAI.AuthenticationError(401, undefined, 'bad key', new Headers());
    expect(policy.backoffStrategy(1, RETRY_BACKOFF_TYPE, authError)).toBe(-1);
  });

  it('tells when the next try starts, or that none is left', () => {
    const policy = createRetryPolicy();
    const now = new Date('2026-01-01T00:00:00Z');
    expect(nextRetryAt(policy, 2, now)?.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(nextRetryAt(policy, 4, now)).toBeNull();
  });
});
