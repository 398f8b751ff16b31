/**
 * How an AI call failed decides what the job does:
 * - rate_limit: wait for the provider's Retry-After and try again (the stage slows down, it does not fail);
 * - transient (5xx, connection, timeout, rate limit that never clears): thrown out of enhanceContent unchanged,
 *   so the pipeline retries the stage;
 * - rejected (authentication, permission, invalid request, unknown model): not retried — heuristics + warning;
 * - cancelled: the job was cancelled; no new call starts;
 * - bad_answer: anything else (e.g. an unreadable response body) — that answer is discarded.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

export type AiFailureKind = 'rate_limit' | 'transient' | 'rejected' | 'cancelled' | 'bad_answer';

/** Our fetch answers a retry after cancellation with this status (see rate-gate.ts). */
export const CANCELLED_STATUS = 499;

export function classifyAiFailure(err: unknown): AiFailureKind {
  if (err instanceof OpenAI.APIUserAbortError || err instanceof Anthropic.APIUserAbortError)
    return 'cancelled';
  if (err instanceof OpenAI.APIConnectionError || err instanceof Anthropic.APIConnectionError)
    return 'transient';
  if (err instanceof OpenAI.APIError || err instanceof Anthropic.APIError) {
    const status = err.status;
    if (status === undefined) return 'transient';
    if (status === 429) return 'rate_limit';
    if (status === CANCELLED_STATUS) return 'cancelled';
    if (status >= 500 || status === 408 || status === 409) return 'transient';
    return 'rejected';
  }
  return 'bad_answer';
}

/** A short, key-free description for warnings and the report. */
export function describeAiFailure(err: unknown): string {
  if (err instanceof OpenAI.APIError || err instanceof Anthropic.APIError) {
    return `${err.constructor.name}${err.status ? ` (HTTP ${err.status})` : ''}`;
  }
  return err instanceof Error ? err.name : 'unknown error';
}
