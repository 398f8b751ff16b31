import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeKey, StorageKeyError, StorageNotFoundError, StorageService } from './storage.service';

/** Files under one root directory; writes go to a temp file renamed into place, so readers never see half a file. */
export class LocalStorage extends StorageService {
  readonly driver = 'local' as const;
  readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  /** Maps a key to a path that is guaranteed to lie inside the root. */
  pathOf(key: string, allowTrailingSlash = false): string {
    const path = resolve(this.root, assertSafeKey(key, allowTrailingSlash));
    if (!path.startsWith(this.root + sep)) throw new StorageKeyError(key);
    return path;
  }

  async putStream(key: string, body: Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(resolve(path, '..'), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async getStream(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    if (!(await this.exists(key))) throw new StorageNotFoundError(key);
    return createReadStream(path);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (err instanceof StorageKeyError) throw err;
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const dir = this.pathOf(prefix, true);
    const keys: string[] = [];
    await this.walk(dir, keys);
    return keys.sort();
  }

  async removePrefix(prefix: string): Promise<number> {
    const count = (await this.list(prefix)).length;
    await rm(this.pathOf(prefix, true), { recursive: true, force: true });
    return count;
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root);
  }

  private async walk(dir: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(path, keys);
      else if (entry.isFile() && !entry.name.endsWith('.partial'))
        keys.push(relative(this.root, path).split(sep).join('/'));
    }
  }
}
