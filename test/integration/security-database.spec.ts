/**
 * The security migrations and the Idempotency-Key store against a real PostgreSQL (a fresh database per run):
 * RLS is a no-op on plain PostgreSQL and owner-only on a Supabase-like one; idempotent uploads are race-safe.
 */
import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { Client, Pool } from 'pg';
import { runMigrations } from '../../src/database/migrator';
import { UploadIdempotencyRepository } from '../../src/common/security/idempotency.repository';
import { IdempotencyService } from '../../src/common/security/idempotency.service';

const SERVER = process.env.TEST_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

async function createDatabase(label: string): Promise<string> {
  const name = `pdf2epub_test_sec_${label}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return name;
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** What Supabase provides: the `authenticated` role (cluster-wide, kept) and `auth.uid()` from the JWT's sub. */
const SUPABASE_AUTH_SHIM = `
  DO $$ BEGIN
    CREATE ROLE authenticated NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$;
  CREATE SCHEMA auth;
  CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
    AS $f$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $f$;
  GRANT USAGE ON SCHEMA auth TO authenticated;
`;

async function insertJob(db: Client | Pool, userId: string, id: string = randomUUID()): Promise<string> {
  await db.query(
    `INSERT INTO conversion_jobs (id, user_id, original_filename, input_path) VALUES ($1, $2, 'a.pdf', 'uploads/x')`,
    [id, userId],
  );
  return id;
}

async function rowSecurity(db: Client, table: string): Promise<boolean> {
  const { rows } = await db.query<{ on: boolean }>(
    'SELECT relrowsecurity AS on FROM pg_class WHERE relname = $1',
    [table],
  );
  return rows[0].on;
}

describe('RLS migration', () => {
  it('is a no-op on plain PostgreSQL', async () => {
    const name = await createDatabase('plain');
    const db = new Client({ connectionString: `${SERVER}/${name}` });
    try {
      await runMigrations(`${SERVER}/${name}`);
      await db.connect();
      expect(await rowSecurity(db, 'conversion_jobs')).toBe(false);
      expect(await rowSecurity(db, 'upload_idempotency_keys')).toBe(false);
    } finally {
      await db.end();
      await dropDatabase(name);
    }
  });

  it('on a Supabase-like database, lets a user read only their own live jobs and write nothing directly', async () => {
    const name = await createDatabase('supa');
    const db = new Client({ connectionString: `${SERVER}/${name}` });
    try {
      await db.connect();
      await db.query(SUPABASE_AUTH_SHIM);
      await runMigrations(`${SERVER}/${name}`);
      expect(await rowSecurity(db, 'conversion_jobs')).toBe(true);
      expect(await rowSecurity(db, 'upload_idempotency_keys')).toBe(true);
      const [alice, bob] = [randomUUID(), randomUUID()];
      const aliceJob = await insertJob(db, alice);
      const deleted = await insertJob(db, alice);
      await db.query('UPDATE conversion_jobs SET deleted_at = now() WHERE id = $1', [deleted]);
      await insertJob(db, bob);
      await db.query('GRANT SELECT, INSERT, UPDATE, DELETE ON conversion_jobs TO authenticated');

      await db.query('BEGIN');
      await db.query('SET LOCAL ROLE authenticated');
      await db.query(`SELECT set_config('request.jwt.claim.sub', $1, true)`, [alice]);
      const visible = await db.query<{ id: string }>('SELECT id FROM conversion_jobs');
      const updated = await db.query(`UPDATE conversion_jobs SET status = 'COMPLETED'`);
      const removed = await db.query('DELETE FROM conversion_jobs');
      await db.query('SAVEPOINT before_insert');
      const inserted = await db
        .query('INSERT INTO conversion_jobs (user_id, original_filename, input_path) VALUES ($1, $2, $3)', [
          alice,
          'b.pdf',
          'x',
        ])
        .then(
          () => 'inserted',
          (err: { code?: string }) => err.code,
        );
      await db.query('ROLLBACK');

      expect(visible.rows.map((row) => row.id)).toEqual([aliceJob]);
      expect(updated.rowCount).toBe(0);
      expect(removed.rowCount).toBe(0);
      expect(inserted).toBe('42501'); // insufficient_privilege: new row violates row-level security policy
    } finally {
      await db.end();
      await dropDatabase(name);
    }
  });
});

describe('IdempotencyService', () => {
  let name: string;
  let pool: Pool;
  let service: IdempotencyService;

  beforeAll(async () => {
    name = await createDatabase('idem');
    await runMigrations(`${SERVER}/${name}`);
    pool = new Pool({ connectionString: `${SERVER}/${name}`, max: 12 });
    // pool.end() resolves before its sockets are closed; the DROP … WITH (FORCE) in afterAll may then terminate them.
    pool.on('error', () => undefined);
    service = new IdempotencyService(
      new UploadIdempotencyRepository(pool, { keyTtlSeconds: 86_400, claimTimeoutSeconds: 300 }),
    );
  });

  afterAll(async () => {
    await pool.end();
    await dropDatabase(name);
  });

  const sha = (seed: string) => seed.repeat(64).slice(0, 64);

  function counter(userId: string, delayMs = 0) {
    const created: string[] = [];
    const createJob = async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const id = await insertJob(pool, userId);
      created.push(id);
      return id;
    };
    return { created, createJob };
  }

  async function httpCode(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'OK';
    } catch (err) {
      if (!(err instanceof HttpException)) throw err;
      return `${err.getStatus()} ${(err.getResponse() as { code: string }).code}`;
    }
  }

  it('runs the job creation once per key and file, and replays the original job afterwards', async () => {
    const user = randomUUID();
    const { created, createJob } = counter(user);
    const first = await service.run(user, 'key-1', sha('a'), createJob);
    const retry = await service.run(user, 'key-1', sha('a'), createJob);
    expect(first).toEqual({ jobId: created[0], replayed: false });
    expect(retry).toEqual({ jobId: created[0], replayed: true });
    expect(created).toHaveLength(1);
  });

  it('answers 422 when the same key comes with a different file, and keeps keys per user', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    await service.run(alice, 'shared-key', sha('a'), counter(alice).createJob);
    expect(await httpCode(service.run(alice, 'shared-key', sha('b'), counter(alice).createJob))).toBe(
      '422 IDEMPOTENCY_KEY_REUSED',
    );
    const bobs = counter(bob);
    await expect(service.run(bob, 'shared-key', sha('b'), bobs.createJob)).resolves.toMatchObject({
      replayed: false,
    });
    expect(bobs.created).toHaveLength(1);
  });

  it('creates exactly one job when the same upload is retried concurrently', async () => {
    const user = randomUUID();
    const { created, createJob } = counter(user);
    // The request that wins the key creates its job only once the other seven have been answered, however slow
    // the machine is (a fixed delay let late requests arrive after the job existed and be replayed).
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const fallback = setTimeout(openGate, 10_000);
    const gatedCreateJob = async () => {
      await gate;
      return createJob();
    };
    let answered = 0;
    const runs = Array.from({ length: 8 }, () =>
      httpCode(service.run(user, 'race', sha('c'), gatedCreateJob)).finally(() => {
        if (++answered === 7) openGate();
      }),
    );
    const outcomes = await Promise.all(runs);
    clearTimeout(fallback);
    expect(created).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'OK')).toHaveLength(1);
    expect(new Set(outcomes.filter((outcome) => outcome !== 'OK'))).toEqual(
      new Set(['409 IDEMPOTENCY_IN_PROGRESS']),
    );
    await expect(service.run(user, 'race', sha('c'), createJob)).resolves.toEqual({
      jobId: created[0],
      replayed: true,
    });
  });

  it('frees the key when the job could not be created, and after it expires', async () => {
    const user = randomUUID();
    const failing = () => Promise.reject(new Error('queue down'));
    await expect(service.run(user, 'retry-me', sha('d'), failing)).rejects.toThrow('queue down');
    const { created, createJob } = counter(user);
    await expect(service.run(user, 'retry-me', sha('d'), createJob)).resolves.toMatchObject({
      replayed: false,
    });
    await pool.query(
      `UPDATE upload_idempotency_keys SET created_at = now() - interval '2 days' WHERE user_id = $1`,
      [user],
    );
    await expect(service.run(user, 'retry-me', sha('e'), createJob)).resolves.toMatchObject({
      replayed: false,
    });
    expect(created).toHaveLength(2);
  });

  it('refuses malformed keys with 400 and runs plainly without a key', async () => {
    const user = randomUUID();
    const { created, createJob } = counter(user);
    expect(await httpCode(service.run(user, 'x'.repeat(256), sha('f'), createJob))).toBe(
      '400 IDEMPOTENCY_KEY_INVALID',
    );
    expect(await httpCode(service.run(user, 'has space', sha('f'), createJob))).toBe(
      '400 IDEMPOTENCY_KEY_INVALID',
    );
    await service.run(user, undefined, sha('f'), createJob);
    await service.run(user, undefined, sha('f'), createJob);
    expect(created).toHaveLength(2);
  });
});
