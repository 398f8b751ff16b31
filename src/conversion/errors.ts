/**
 * Error codes a conversion can end with. Permanent codes fail the job at once; transient ones are retried.
 * Messages are shown to users: short, actionable, no paths, no stack traces.
 */
export const PERMANENT_ERROR_CODES = [
  'INVALID_PDF',
  'CORRUPTED_FILE',
  'UNSUPPORTED_FORMAT',
  'PASSWORD_PROTECTED',
  'EMPTY_DOCUMENT',
  'TOO_MANY_PAGES',
] as const;

export type PermanentErrorCode = (typeof PERMANENT_ERROR_CODES)[number];
export type ConversionErrorCode = PermanentErrorCode | 'CANCELLED' | 'TIMEOUT' | 'INTERNAL_ERROR';

export class ConversionError extends Error {
  constructor(
    readonly code: ConversionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConversionError';
  }

  get permanent(): boolean {
    return (PERMANENT_ERROR_CODES as readonly string[]).includes(this.code);
  }
}

export function isConversionError(err: unknown): err is ConversionError {
  return err instanceof ConversionError;
}

/** Thrown at a checkpoint when the job's AbortSignal fired (cancel or soft timeout). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ConversionError) throw reason;
    throw new ConversionError('CANCELLED', 'The conversion was cancelled.');
  }
}
