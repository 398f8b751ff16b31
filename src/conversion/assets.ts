import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Where stages put and find binary assets (extracted images). The service backs it with a job's work dir. */
export interface AssetStore {
  put(name: string, data: Uint8Array): Promise<void>;
  get(name: string): Promise<Uint8Array>;
  list(): Promise<string[]>;
}

function safeName(name: string): string {
  const base = basename(name);
  if (base !== name || !/^[\w.-]+$/.test(name)) throw new Error(`invalid asset name: ${name}`);
  return base;
}

/** Assets as files in one directory. */
export class DirAssetStore implements AssetStore {
  constructor(readonly dir: string) {}

  async put(name: string, data: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, safeName(name)), data);
  }

  async get(name: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.dir, safeName(name))));
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).sort();
    } catch {
      return [];
    }
  }
}

/** Assets in memory (tests, small conversions). */
export class MemoryAssetStore implements AssetStore {
  private readonly items = new Map<string, Uint8Array>();

  async put(name: string, data: Uint8Array): Promise<void> {
    this.items.set(safeName(name), data);
  }

  async get(name: string): Promise<Uint8Array> {
    const item = this.items.get(name);
    if (!item) throw new Error(`asset not found: ${name}`);
    return item;
  }

  async list(): Promise<string[]> {
    return [...this.items.keys()].sort();
  }
}
