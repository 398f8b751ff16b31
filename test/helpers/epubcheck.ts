/**
 * Runs epubcheck (Debian package `epubcheck`, a Java jar) on an EPUB file.
 *
 *   import { itWithEpubcheck, runEpubcheck } from '../helpers/epubcheck';
 *   itWithEpubcheck('passes epubcheck', async () => {
 *     const { errors } = await runEpubcheck(file);
 *     expect(errors).toEqual([]);
 *   });
 *
 * When java or the jar is missing, `itWithEpubcheck` skips the test with a clear message — unless
 * REQUIRE_EPUBCHECK=1 (CI), then the test fails with that message.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EPUBCHECK_JAR = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar';

export interface EpubcheckResult {
  /** FATAL and ERROR messages, as "ID message (file:line:col)". */
  errors: string[];
  warnings: string[];
}

let availability: string | null | undefined;

/** Null when epubcheck can run, otherwise why not. */
export function epubcheckMissingReason(): string | null {
  if (availability !== undefined) return availability;
  if (!existsSync(EPUBCHECK_JAR)) {
    availability = `epubcheck jar not found at ${EPUBCHECK_JAR} (apt-get install epubcheck, or set EPUBCHECK_JAR)`;
  } else {
    try {
      execFileSync('java', ['-version'], { stdio: 'ignore' });
      availability = null;
    } catch {
      availability = 'java is not installed (apt-get install default-jre-headless)';
    }
  }
  return availability;
}

export function epubcheckRequired(): boolean {
  return process.env.REQUIRE_EPUBCHECK === '1';
}

/** `it` when epubcheck can run; otherwise a skipped test naming the reason, or a failing one under REQUIRE_EPUBCHECK=1. */
export function itWithEpubcheck(name: string, fn: () => Promise<void>, timeout?: number): void {
  const missing = epubcheckMissingReason();
  if (missing === null) {
    it(name, fn, timeout);
  } else if (epubcheckRequired()) {
    it(name, () => {
      throw new Error(`REQUIRE_EPUBCHECK=1 but ${missing}`);
    });
  } else {
    // Skipped on purpose: epubcheck is not installed on this machine (the reason is in the test name).
    it.skip(`${name} [skipped: ${missing}]`, fn);
  }
}

interface EpubcheckMessage {
  ID: string;
  severity: string;
  message: string;
  locations?: { path?: string; line?: number; column?: number }[];
}

function describe(message: EpubcheckMessage): string {
  const where = (message.locations ?? [])
    .slice(0, 3)
    .map((l) => `${l.path ?? '?'}:${l.line ?? -1}:${l.column ?? -1}`)
    .join(', ');
  return `${message.ID} ${message.message}${where ? ` (${where})` : ''}`;
}

/** Runs epubcheck on `epubPath`; throws when epubcheck cannot run at all. */
export async function runEpubcheck(epubPath: string): Promise<EpubcheckResult> {
  const missing = epubcheckMissingReason();
  if (missing !== null) throw new Error(`cannot run epubcheck: ${missing}`);
  const dir = await mkdtemp(join(tmpdir(), 'epubcheck-'));
  const report = join(dir, 'report.json');
  try {
    await new Promise<void>((resolve) => {
      // epubcheck exits non-zero when it finds errors; the JSON report says which.
      execFile('java', ['-jar', EPUBCHECK_JAR, '--json', report, epubPath], { timeout: 300_000 }, () =>
        resolve(),
      );
    });
    const parsed = JSON.parse(await readFile(report, 'utf8')) as { messages?: EpubcheckMessage[] };
    const messages = parsed.messages ?? [];
    return {
      errors: messages.filter((m) => m.severity === 'FATAL' || m.severity === 'ERROR').map(describe),
      warnings: messages.filter((m) => m.severity === 'WARNING').map(describe),
    };
  } catch (err) {
    throw new Error(`epubcheck gave no report for ${epubPath}: ${(err as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
