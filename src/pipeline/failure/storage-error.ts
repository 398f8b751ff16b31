/**
 * The error storage drivers throw when an object store operation fails. The failure classifier treats
 * `status` 5xx, 408 and 429 and `timedOut` as transient (the stage is retried) and anything else as permanent.
 */
export type StorageOperation = 'upload' | 'download' | 'delete' | 'list' | 'sign' | 'exists';

export interface StorageErrorDetails {
  operation: StorageOperation;
  /** Object key involved; logged, never shown to users. */
  key?: string;
  /** HTTP status answered by the store, when there was an answer. */
  status?: number;
  /** The request gave up waiting for the store. */
  timedOut?: boolean;
  cause?: unknown;
}

export class StorageError extends Error {
  readonly operation: StorageOperation;
  readonly key?: string;
  readonly status?: number;
  readonly timedOut: boolean;

  constructor(message: string, details: StorageErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StorageError';
    this.operation = details.operation;
    this.key = details.key;
    this.status = details.status;
    this.timedOut = details.timedOut ?? false;
  }
}
