/**
 * The StorageService contract, run against the local driver (real files) and the Supabase driver
 * (@supabase/supabase-js against a local HTTP server speaking the Storage API's routes).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalStorage } from '../../src/storage/local-storage';
import {
  StorageError,
  StorageKeyError,
  StorageNotFoundError,
  type StorageService,
} from '../../src/storage/storage.service';
import { SupabaseStorage } from '../../src/storage/supabase-storage';
import { startFakeSupabaseStorage, type FakeSupabaseStorage } from '../helpers/fake-supabase-storage';

interface DriverFixture {
  storage: StorageService;
  close(): Promise<void>;
}

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pdf2epub-storage-test-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const drivers: [string, () => Promise<DriverFixture>][] = [
  [
    'local',
    async () => {
      const root = await mkdtemp(join(scratch, 'local-'));
      return { storage: new LocalStorage(root), close: async () => undefined };
    },
  ],
  [
    'supabase',
    async () => {
      const fake = await startFakeSupabaseStorage();
      const storage = new SupabaseStorage({
        url: fake.url,
        serviceRoleKey: fake.serviceRoleKey,
        bucket: 'pdf2epub',
      });
      return { storage, close: () => fake.close() };
    },
  ],
];

describe.each(drivers)('%s storage driver', (_name, makeDriver) => {
  let fixture: DriverFixture;
  let storage: StorageService;

  beforeEach(async () => {
    fixture = await makeDriver();
    storage = fixture.storage;
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('stores bytes, streams and files and reads them back identically', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await storage.putBytes('uploads/u1/j1/input.pdf', bytes, 'application/pdf');
    expect(Buffer.from(await storage.getBytes('uploads/u1/j1/input.pdf'))).toEqual(Buffer.from(bytes));

    await storage.putStream(
      'work/u1/j1/layout.json',
      Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]),
    );
    expect(Buffer.from(await storage.getBytes('work/u1/j1/layout.json')).toString()).toBe('{"a":1}');

    const source = join(scratch, `source-${Date.now()}.bin`);
    const large = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await writeFile(source, large);
    await storage.putFile('downloads/u1/j1/output.epub', source, 'application/epub+zip');
    const target = join(scratch, `target-${Date.now()}`, 'copy.bin');
    await storage.downloadToFile('downloads/u1/j1/output.epub', target);
    expect((await readFile(target)).equals(large)).toBe(true);
  });

  it('overwrites an existing key', async () => {
    await storage.putBytes('work/u/j/structure.json', Buffer.from('old'));
    await storage.putBytes('work/u/j/structure.json', Buffer.from('new'));
    expect(Buffer.from(await storage.getBytes('work/u/j/structure.json')).toString()).toBe('new');
  });

  it('answers exists, lists a prefix recursively and removes a prefix only', async () => {
    for (const key of [
      'work/u/j/layout.json',
      'work/u/j/assets/img-1.png',
      'work/u/j/assets/img-2.png',
      'work/u/k/layout.json',
    ]) {
      await storage.putBytes(key, Buffer.from(key));
    }
    expect(await storage.exists('work/u/j/layout.json')).toBe(true);
    expect(await storage.exists('work/u/j/missing.json')).toBe(false);
    expect(await storage.list('work/u/j/')).toEqual([
      'work/u/j/assets/img-1.png',
      'work/u/j/assets/img-2.png',
      'work/u/j/layout.json',
    ]);
    expect(await storage.removePrefix('work/u/j/')).toBe(3);
    expect(await storage.list('work/u/j/')).toEqual([]);
    expect(await storage.exists('work/u/k/layout.json')).toBe(true);
  });

  it('reports a missing object as StorageNotFoundError (a StorageError with status 404)', async () => {
    const failure = await storage.getBytes('uploads/nobody/nothing/input.pdf').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StorageNotFoundError);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).status).toBe(404);
  });

  it.each([
    '../escape.txt',
    'uploads/../../etc/passwd',
    '/etc/passwd',
    'a//b',
    'a/./b',
    'a\\b',
    '',
    'a/b\u0000c',
  ])('refuses the key %j', async (key) => {
    await expect(storage.putBytes(key, Buffer.from('x'))).rejects.toBeInstanceOf(StorageKeyError);
    await expect(storage.getBytes(key)).rejects.toBeInstanceOf(StorageKeyError);
  });
});

describe('local storage driver specifics', () => {
  it('never leaves a partial file under the final name when a write fails midway', async () => {
    const root = await mkdtemp(join(scratch, 'atomic-'));
    const storage = new LocalStorage(root);
    await storage.putBytes('work/u/j/content.json', Buffer.from('complete'));
    const failing = new Readable({
      read() {
        this.push(Buffer.from('half of the new content'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.putStream('work/u/j/content.json', failing)).rejects.toThrow('client went away');
    expect(Buffer.from(await storage.getBytes('work/u/j/content.json')).toString()).toBe('complete');
    expect(await readdir(join(root, 'work/u/j'))).toEqual(['content.json']);
  });
});

describe('supabase storage driver against the Storage API', () => {
  let fake: FakeSupabaseStorage;

  beforeEach(async () => {
    fake = await startFakeSupabaseStorage();
  });

  afterEach(async () => {
    await fake.close();
  });

  it('uses the real routes and sends the service-role key', async () => {
    const storage = new SupabaseStorage({
      url: fake.url,
      serviceRoleKey: fake.serviceRoleKey,
      bucket: 'pdf2epub',
    });
    await storage.putBytes('uploads/u/j/input.pdf', Buffer.from('%PDF-1.7'), 'application/pdf');
    await storage.getBytes('uploads/u/j/input.pdf');
    await storage.removePrefix('uploads/u/j/');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /storage/v1/object/pdf2epub/uploads/u/j/input.pdf',
      'GET /storage/v1/object/pdf2epub/uploads/u/j/input.pdf',
      'POST /storage/v1/object/list/pdf2epub',
      'DELETE /storage/v1/object/pdf2epub',
    ]);
    expect(fake.objects.size).toBe(0);
  });

  it('turns a refused key and a store outage into StorageErrors with the HTTP status', async () => {
    const wrongKey = new SupabaseStorage({
      url: fake.url,
      serviceRoleKey: 'not-the-key',
      bucket: 'pdf2epub',
    });
    const refused = await wrongKey
      .putBytes('uploads/u/j/input.pdf', Buffer.from('x'))
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StorageError);
    expect((refused as StorageError).status).toBe(403);

    const storage = new SupabaseStorage({
      url: fake.url,
      serviceRoleKey: fake.serviceRoleKey,
      bucket: 'pdf2epub',
    });
    fake.failWith(503);
    const outage = await storage.getBytes('uploads/u/j/input.pdf').catch((err: unknown) => err);
    expect(outage).toBeInstanceOf(StorageError);
    expect((outage as StorageError).status).toBe(503);
    await expect(storage.check()).rejects.toBeInstanceOf(StorageError);
  });
});
