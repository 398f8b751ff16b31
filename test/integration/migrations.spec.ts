/**
 * Migrations: the first start creates the database, runners racing each other (api and worker starting together)
 * apply each migration exactly once, a second run changes nothing, and the schema is the one issue 2 specifies.
 */
import { Client } from 'pg';
import { dropDatabase, ensureDatabase } from '../../src/database/ensure-database';
import { readMigrations, runMigrations } from '../../src/database/migrator';
import { randomSuffix } from '../helpers/test-app';

const SERVER = process.env.TEST_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('database migrations', () => {
  const url = `${SERVER}/pdf2epub_test_${randomSuffix()}`;

  afterAll(async () => {
    await dropDatabase(url);
  });

  it('creates the missing database once, even when several processes try at the same time', async () => {
    const created = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(created.filter(Boolean).length).toBe(1);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('applies every migration exactly once when four runners start together, and is idempotent', async () => {
    const files = await readMigrations();
    expect(files.map((file) => file.name)).toContain('001_conversion_jobs.sql');
    const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(url)));
    const appliedCounts = new Map<string, number>();
    for (const result of results) {
      for (const name of result.applied) appliedCounts.set(name, (appliedCounts.get(name) ?? 0) + 1);
    }
    for (const file of files) expect(appliedCounts.get(file.name)).toBe(1);

    const again = await runMigrations(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(files.map((file) => file.name));
    const versions = await withClient(url, (client) =>
      client.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version'),
    );
    expect(versions.rows.map((row) => row.version)).toEqual(files.map((file) => file.version));
  });

  it('creates the job_status enum, conversion_jobs with its defaults, and both indexes', async () => {
    await withClient(url, async (client) => {
      const labels = await client.query<{ label: string }>(
        `SELECT enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
         WHERE t.typname = 'job_status' ORDER BY e.enumsortorder`,
      );
      expect(labels.rows.map((row) => row.label)).toEqual([
        'UPLOADED',
        'ANALYZING',
        'EXTRACTING',
        'STRUCTURING',
        'GENERATING',
        'COMPLETED',
        'FAILED',
        'CANCELLED',
      ]);
      const inserted = await client.query(
        `INSERT INTO conversion_jobs (user_id, original_filename, input_path)
         VALUES (gen_random_uuid(), 'a.pdf', 'uploads/u/j/input.pdf') RETURNING *`,
      );
      expect(inserted.rows[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          status: 'UPLOADED',
          progress: 0,
          stage_metadata: {},
          quality_report: null,
          deleted_at: null,
          created_at: expect.any(Date),
        }),
      );
      const indexes = await client.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'conversion_jobs'`,
      );
      const definitions = indexes.rows.map((row) => row.indexdef);
      expect(definitions).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/\(status\) WHERE \(deleted_at IS NULL\)/),
          expect.stringMatching(/\(user_id, created_at\)/),
        ]),
      );
    });
  });

  it('re-applies cleanly onto a database where the objects already exist (guarded CREATE TYPE / IF NOT EXISTS)', async () => {
    const [first] = await readMigrations();
    await withClient(url, async (client) => {
      await client.query('BEGIN');
      await client.query(first.sql);
      await client.query('ROLLBACK');
    });
  });
});
