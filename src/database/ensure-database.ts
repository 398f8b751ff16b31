/** First start on a machine with a local PostgreSQL: create the configured database when it does not exist. */
import { Client } from 'pg';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  return name;
}

/** Same server and credentials, the `postgres` maintenance database. */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function canConnect(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return true;
  } catch (err) {
    if (pgCode(err) === INVALID_CATALOG_NAME) return false;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Returns true when it created the database. Safe when several processes race to create it. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  if (await canConnect(databaseUrl)) return false;
  const admin = new Client({ connectionString: maintenanceUrl(databaseUrl) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(databaseNameOf(databaseUrl))}`);
    return true;
  } catch (err) {
    if (pgCode(err) === DUPLICATE_DATABASE || pgCode(err) === UNIQUE_VIOLATION) return false;
    throw err;
  } finally {
    await admin.end();
  }
}

/** Drops a database (tests clean up with it); terminates other sessions on it first. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = new Client({ connectionString: maintenanceUrl(databaseUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(databaseNameOf(databaseUrl))} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
