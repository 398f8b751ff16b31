/**
 * Decides whether a failed stage is worth retrying (transient) or must fail the job at once (permanent), and
 * what the user is told. Errors may arrive as their real classes or rebuilt after crossing a worker-thread
 * boundary (runner/protocol.ts keeps the class name, `code` and `status`), so both are recognised.
 */
import { AnthropicError, APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { APIError as OpenAIAPIError, OpenAIError } from 'openai';
import { ConversionError } from '../../conversion/errors';
import { StageThreadError } from '../../conversion/runner/protocol';
import { StorageError } from './storage-error';

export type FailureKind = 'transient' | 'permanent';

export type FailureCode =
  | ConversionError['code']
  | 'AI_PROVIDER_UNAVAILABLE'
  | 'AI_PROVIDER_REJECTED'
  | 'NETWORK_ERROR'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_ERROR'
  | 'DATABASE_UNAVAILABLE'
  | 'WORKER_LOST';

export interface FailureClassification {
  kind: FailureKind;
  code: FailureCode;
  /** Short, sanitized, shown to users: no paths, no stack, no provider internals. */
  userMessage: string;
}

export const USER_MESSAGES = {
  AI_PROVIDER_UNAVAILABLE: 'The AI provider was temporarily unavailable.',
  AI_PROVIDER_REJECTED: 'The AI provider rejected the request.',
  NETWORK_ERROR: 'A network error interrupted the conversion.',
  STORAGE_UNAVAILABLE: 'File storage was temporarily unavailable.',
  STORAGE_ERROR: 'A file the conversion needs could not be read or written.',
  DATABASE_UNAVAILABLE: 'The job database was temporarily unavailable.',
  WORKER_LOST: 'The conversion was interrupted repeatedly and was given up.',
  INTERNAL_ERROR: 'An internal error stopped the conversion. Please try again later.',
  CANCELLED: 'The conversion was cancelled.',
} as const;

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** PostgreSQL SQLSTATEs worth retrying: connection failures, shutdown, too many connections, conflicts. */
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01)$/;

const SDK_CONNECTION_CLASSES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'RetryableError']);
const SDK_ERROR_CLASSES = new Set([
  ...SDK_CONNECTION_CLASSES,
  'APIError',
  'APIUserAbortError',
  'BadRequestError',
  'AuthenticationError',
  'PaymentRequiredError',
  'PermissionDeniedError',
  'NotFoundError',
  'RequestTimeoutError',
  'ConflictError',
  'UnprocessableEntityError',
  'RateLimitError',
  'InternalServerError',
  'ServiceUnavailableError',
  'GatewayTimeoutError',
  'OverloadedError',
  'NotImplementedError',
]);
const TRANSIENT_HTTP_STATUSES = new Set([408, 409, 425, 429]);

const MAX_MESSAGE_LENGTH = 300;
const MAX_CAUSE_DEPTH = 5;

interface ErrorFacts {
  className: string;
  name: string;
  message: string;
  code?: string;
  status?: number;
}

function factsOf(err: unknown): ErrorFacts {
  if (typeof err !== 'object' || err === null)
    return { className: typeof err, name: '', message: String(err) };
  const record = err as Record<string, unknown>;
  const className = err instanceof StageThreadError ? err.errorClass : (err.constructor?.name ?? 'Object');
  return {
    className,
    name: typeof record.name === 'string' ? record.name : '',
    message: typeof record.message === 'string' ? record.message : '',
    code: typeof record.code === 'string' ? record.code : undefined,
    status: typeof record.status === 'number' ? record.status : undefined,
  };
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && chain.length <= MAX_CAUSE_DEPTH) {
    chain.push(current);
    const record = current as { cause?: unknown; originalError?: unknown };
    current = typeof current === 'object' ? (record.cause ?? record.originalError) : undefined;
  }
  return chain;
}

function isTransientStatus(status: number | undefined): boolean {
  return status !== undefined && (status >= 500 || TRANSIENT_HTTP_STATUSES.has(status));
}

function isNetworkError(err: unknown): boolean {
  return causeChain(err).some((link) => {
    const facts = factsOf(link);
    if (facts.code && NETWORK_ERROR_CODES.has(facts.code)) return true;
    return /socket hang up/i.test(facts.message) || facts.name === 'TimeoutError';
  });
}

function isSdkError(err: unknown): boolean {
  if (err instanceof OpenAIError || err instanceof AnthropicError) return true;
  return err instanceof StageThreadError && SDK_ERROR_CLASSES.has(err.errorClass);
}

function isStorageError(err: unknown): boolean {
  if (err instanceof StorageError) return true;
  const facts = factsOf(err);
  const supabaseFlag = (err as { __isStorageError?: unknown } | null)?.__isStorageError === true;
  return supabaseFlag || facts.name === 'StorageError' || /^Storage\w*Error$/.test(facts.className);
}

function isDatabaseError(err: unknown): boolean {
  const facts = factsOf(err);
  return facts.className === 'DatabaseError' && facts.code !== undefined;
}

/** No paths, no stack lines, one short line. */
export function sanitizeMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  const withoutPaths = firstLine
    .replace(/(?:file:\/\/)?(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?/g, '[path]')
    .replace(/\s+at\s+\S+\s*\(.*\)$/, '')
    .trim();
  if (withoutPaths.length <= MAX_MESSAGE_LENGTH) return withoutPaths;
  return `${withoutPaths.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

function classifyConversionError(err: ConversionError): FailureClassification {
  if (err.code === 'INTERNAL_ERROR') {
    return { kind: 'permanent', code: 'INTERNAL_ERROR', userMessage: USER_MESSAGES.INTERNAL_ERROR };
  }
  return {
    kind: 'permanent',
    code: err.code,
    userMessage: sanitizeMessage(err.message) || USER_MESSAGES.INTERNAL_ERROR,
  };
}

function classifySdkError(err: unknown): FailureClassification {
  const { className, status } = factsOf(err);
  const isSdkStatus =
    err instanceof OpenAIAPIError || err instanceof AnthropicAPIError || status !== undefined;
  if (className === 'APIUserAbortError') {
    return { kind: 'permanent', code: 'CANCELLED', userMessage: USER_MESSAGES.CANCELLED };
  }
  if (SDK_CONNECTION_CLASSES.has(className) || (isSdkStatus && isTransientStatus(status))) {
    return {
      kind: 'transient',
      code: 'AI_PROVIDER_UNAVAILABLE',
      userMessage: USER_MESSAGES.AI_PROVIDER_UNAVAILABLE,
    };
  }
  return { kind: 'permanent', code: 'AI_PROVIDER_REJECTED', userMessage: USER_MESSAGES.AI_PROVIDER_REJECTED };
}

function classifyStorageError(err: unknown): FailureClassification {
  const { status } = factsOf(err);
  const timedOut = (err as { timedOut?: unknown }).timedOut === true;
  if (timedOut || isTransientStatus(status) || isNetworkError(err)) {
    return { kind: 'transient', code: 'STORAGE_UNAVAILABLE', userMessage: USER_MESSAGES.STORAGE_UNAVAILABLE };
  }
  return { kind: 'permanent', code: 'STORAGE_ERROR', userMessage: USER_MESSAGES.STORAGE_ERROR };
}

export function classifyError(err: unknown): FailureClassification {
  if (err instanceof ConversionError) return classifyConversionError(err);
  if (isSdkError(err)) return classifySdkError(err);
  if (isStorageError(err)) return classifyStorageError(err);
  if (isDatabaseError(err) && TRANSIENT_SQLSTATE.test(factsOf(err).code ?? '')) {
    return {
      kind: 'transient',
      code: 'DATABASE_UNAVAILABLE',
      userMessage: USER_MESSAGES.DATABASE_UNAVAILABLE,
    };
  }
  if (isNetworkError(err)) {
    return { kind: 'transient', code: 'NETWORK_ERROR', userMessage: USER_MESSAGES.NETWORK_ERROR };
  }
  return { kind: 'permanent', code: 'INTERNAL_ERROR', userMessage: USER_MESSAGES.INTERNAL_ERROR };
}
