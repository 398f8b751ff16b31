/** `npm run migrate`: create the database if missing, then apply pending migrations. */
import { existsSync } from 'node:fs';
import { loadConfigValues } from '../config';
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './migrator';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { DATABASE_URL } = loadConfigValues();
  if (await ensureDatabase(DATABASE_URL)) process.stdout.write('created the database\n');
  const result = await runMigrations(DATABASE_URL);
  for (const name of result.applied) process.stdout.write(`applied ${name}\n`);
  process.stdout.write(
    `${result.applied.length} applied, ${result.alreadyApplied.length} already up to date\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
