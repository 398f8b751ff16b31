import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { StorageClient } from '@supabase/storage-js';
import type { StorageOperation } from '../pipeline/failure/storage-error';
import { assertSafeKey, StorageError, StorageNotFoundError, StorageService } from './storage.service';

type Bucket = ReturnType<StorageClient['from']>;

export interface SupabaseStorageOptions {
  url: string;
  serviceRoleKey: string;
  bucket: string;
}

interface StorageJsError {
  status?: number;
  statusCode?: string | number;
  originalError?: { status?: number };
}

/** The HTTP status the Storage API answered, if it answered (StorageApiError.status / StorageUnknownError). */
function statusOf(error: unknown): number | undefined {
  const candidate = error as StorageJsError | null;
  const status = candidate?.status ?? candidate?.originalError?.status;
  if (typeof status === 'number') return status;
  const coded = Number(candidate?.statusCode);
  return Number.isFinite(coded) && coded > 0 ? coded : undefined;
}

/** The Storage API answers a missing object with 404 (or 400 carrying statusCode "404" on older versions). */
function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

function isTimeout(error: unknown): boolean {
  const names = [error, (error as { cause?: unknown } | null)?.cause].map(
    (item) => (item as Error | null)?.name,
  );
  return names.includes('TimeoutError') || names.includes('AbortError');
}

/** A StorageError for the failure classifier; the key goes into the error's fields, not its message. */
function storageError(operation: StorageOperation, key: string, error: unknown): StorageError {
  const status = statusOf(error);
  return new StorageError(`storage ${operation} failed${status ? ` (HTTP ${status})` : ''}`, {
    operation,
    key,
    status,
    timedOut: isTimeout(error),
    cause: error,
  });
}

const LIST_PAGE = 1000;
const REMOVE_BATCH = 1000;

/** Objects in a Supabase Storage bucket, through Supabase's storage client (@supabase/storage-js) with the service-role key. */
export class SupabaseStorage extends StorageService {
  readonly driver = 'supabase' as const;
  private readonly bucket: Bucket;

  constructor(options: SupabaseStorageOptions) {
    super();
    // supabase-js's `client.storage` is this StorageClient; used directly, it needs no realtime (WebSocket) client.
    const client = new StorageClient(`${options.url.replace(/\/+$/, '')}/storage/v1`, {
      apikey: options.serviceRoleKey,
      Authorization: `Bearer ${options.serviceRoleKey}`,
    });
    this.bucket = client.from(options.bucket);
  }

  async putStream(key: string, body: Readable, contentType = 'application/octet-stream'): Promise<void> {
    const { error } = await this.bucket.upload(assertSafeKey(key), body, { upsert: true, contentType });
    if (error) throw storageError('upload', key, error);
  }

  async getStream(key: string): Promise<Readable> {
    const { data, error } = await this.bucket.download(assertSafeKey(key)).asStream();
    if (error) {
      if (isNotFound(error)) throw new StorageNotFoundError(key);
      throw storageError('download', key, error);
    }
    if (!data) throw new StorageNotFoundError(key);
    return Readable.fromWeb(data as WebReadableStream<Uint8Array>);
  }

  async exists(key: string): Promise<boolean> {
    const { data, error } = await this.bucket.exists(assertSafeKey(key));
    if (error && !isNotFound(error)) throw storageError('exists', key, error);
    return data === true;
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    await this.listInto(assertSafeKey(prefix, true), keys);
    return keys.sort();
  }

  async removePrefix(prefix: string): Promise<number> {
    const keys = await this.list(prefix);
    for (let start = 0; start < keys.length; start += REMOVE_BATCH) {
      const { error } = await this.bucket.remove(keys.slice(start, start + REMOVE_BATCH));
      if (error) throw storageError('delete', prefix, error);
    }
    return keys.length;
  }

  async check(): Promise<void> {
    const { error } = await this.bucket.list('', { limit: 1 });
    if (error) throw storageError('list', '', error);
  }

  /** The Storage API lists one folder level at a time; folders come back with a null id. */
  private async listInto(folder: string, keys: string[]): Promise<void> {
    for (let offset = 0; ; offset += LIST_PAGE) {
      const { data, error } = await this.bucket.list(folder, { limit: LIST_PAGE, offset });
      if (error) throw storageError('list', folder, error);
      for (const entry of data ?? []) {
        const key = `${folder}/${entry.name}`;
        if (entry.id === null) await this.listInto(key, keys);
        else keys.push(key);
      }
      if (!data || data.length < LIST_PAGE) return;
    }
  }
}
