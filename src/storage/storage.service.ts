/**
 * Where uploads, stage artifacts and EPUBs live. Keys are relative "a/b/c" paths with the same layout on every
 * driver: uploads/{user}/{job}/input.pdf, work/{user}/{job}/…, downloads/{user}/{job}/output.epub.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError } from '../pipeline/failure/storage-error';

export { StorageError };

export class StorageKeyError extends Error {
  constructor(key: string) {
    super(`invalid storage key: ${JSON.stringify(key)}`);
    this.name = 'StorageKeyError';
  }
}

/** A missing object: a permanent StorageError (status 404) for the failure classifier. */
export class StorageNotFoundError extends StorageError {
  constructor(key: string) {
    super('storage object not found', { operation: 'download', key, status: 404 });
    this.name = 'StorageNotFoundError';
  }
}

const SEGMENT = /^[\w][\w.@+=-]*$/;

/** Accepts only plain relative keys: no "..", no absolute paths, no backslashes, no empty segments. */
export function assertSafeKey(key: string, allowTrailingSlash = false): string {
  const trimmed = allowTrailingSlash ? key.replace(/\/$/, '') : key;
  const segments = trimmed.split('/');
  if (trimmed.length === 0 || trimmed.length > 1024 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new StorageKeyError(key);
  }
  return trimmed;
}

export abstract class StorageService {
  abstract readonly driver: 'local' | 'supabase';

  abstract putStream(key: string, body: Readable, contentType?: string): Promise<void>;
  abstract getStream(key: string): Promise<Readable>;
  abstract exists(key: string): Promise<boolean>;
  /** Every key under a prefix ("work/u/j/"), recursively, sorted. */
  abstract list(prefix: string): Promise<string[]>;
  /** Removes every object under a prefix; returns how many. */
  abstract removePrefix(prefix: string): Promise<number>;
  /** Throws when the backend is unreachable (health check). */
  abstract check(): Promise<void>;

  putBytes(key: string, data: Uint8Array, contentType?: string): Promise<void> {
    return this.putStream(
      key,
      Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
      contentType,
    );
  }

  putFile(key: string, localPath: string, contentType?: string): Promise<void> {
    return this.putStream(key, createReadStream(localPath), contentType);
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getStream(key)) chunks.push(Buffer.from(chunk as Uint8Array));
    return new Uint8Array(Buffer.concat(chunks));
  }

  async downloadToFile(key: string, localPath: string): Promise<void> {
    await mkdir(dirname(localPath), { recursive: true });
    await pipeline(await this.getStream(key), createWriteStream(localPath));
  }
}
