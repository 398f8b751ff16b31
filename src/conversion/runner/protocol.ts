/**
 * Messages between the stage runner (main thread) and its stage worker thread, and how errors and abort
 * reasons cross that boundary. Structured clone drops an Error's class, so errors travel as plain records
 * and are rebuilt on the other side with their code, HTTP status and original class name intact.
 */
import { ConversionError, type ConversionErrorCode } from '../errors';
import type { StageOutcome } from '../run-stage';
import type { ConversionOptions, StageName } from '../stages';

export interface StageWorkerData {
  stage: StageName;
  workDir: string;
  options: ConversionOptions;
  /** Absolute path of a module exporting `executeStage`; the real engine when absent. */
  executorModule?: string;
}

export interface AbortReasonRecord {
  code: ConversionErrorCode;
  message: string;
}

export type ToWorkerMessage = { type: 'abort'; reason: AbortReasonRecord };

export type FromWorkerMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; outcome: StageOutcome }
  | { type: 'failed'; error: ErrorRecord };

/** A serialisable picture of an error: enough to classify it (transient or permanent) on the other side. */
export interface ErrorRecord {
  /** The class the error was created with, e.g. `ConversionError`, `APIConnectionError`, `TypeError`. */
  errorClass: string;
  name: string;
  message: string;
  stack?: string;
  /** ConversionError code, or a Node system error code such as `ECONNRESET`. */
  code?: string;
  /** HTTP status of SDK and storage errors. */
  status?: number;
  cause?: ErrorRecord;
}

const MAX_CAUSE_DEPTH = 4;

function readString(value: object, key: string): string | undefined {
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

function readNumber(value: object, key: string): number | undefined {
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

export function serializeError(err: unknown, depth = 0): ErrorRecord {
  if (typeof err !== 'object' || err === null) {
    return { errorClass: typeof err, name: 'Error', message: String(err) };
  }
  const record: ErrorRecord = {
    errorClass: err.constructor?.name ?? 'Object',
    name: readString(err, 'name') ?? 'Error',
    message: readString(err, 'message') ?? String(err),
    stack: readString(err, 'stack'),
    code: readString(err, 'code'),
    status: readNumber(err, 'status'),
  };
  const cause: unknown = (err as { cause?: unknown }).cause;
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) record.cause = serializeError(cause, depth + 1);
  return record;
}

/**
 * An error rebuilt from an {@link ErrorRecord}: same message, `code`, `status` and cause chain; the original
 * class name is kept in `errorClass` (and in `name`) so the failure classifier can still recognise it.
 */
export class StageThreadError extends Error {
  readonly errorClass: string;
  readonly code?: string;
  readonly status?: number;

  constructor(record: ErrorRecord) {
    super(record.message, record.cause ? { cause: deserializeError(record.cause) } : undefined);
    this.name = record.name === 'Error' ? record.errorClass : record.name;
    this.errorClass = record.errorClass;
    this.code = record.code;
    this.status = record.status;
    if (record.stack) this.stack = record.stack;
  }
}

function isConversionErrorCode(code: string | undefined): code is ConversionErrorCode {
  return code !== undefined && /^[A-Z_]+$/.test(code);
}

export function deserializeError(record: ErrorRecord): Error {
  if (record.errorClass === 'ConversionError' && isConversionErrorCode(record.code)) {
    const cause = record.cause ? deserializeError(record.cause) : undefined;
    const error = new ConversionError(record.code, record.message, cause ? { cause } : undefined);
    if (record.stack) error.stack = record.stack;
    return error;
  }
  return new StageThreadError(record);
}

/** A ConversionError keeps its code; `AbortSignal.timeout()`'s reason means TIMEOUT; anything else CANCELLED. */
export function abortReasonRecord(reason: unknown): AbortReasonRecord {
  if (reason instanceof ConversionError) return { code: reason.code, message: reason.message };
  if ((reason as { name?: unknown } | null)?.name === 'TimeoutError') {
    return { code: 'TIMEOUT', message: 'The conversion took too long and was stopped.' };
  }
  return { code: 'CANCELLED', message: 'The conversion was cancelled.' };
}

export function abortReasonError(record: AbortReasonRecord): ConversionError {
  return new ConversionError(record.code, record.message);
}
