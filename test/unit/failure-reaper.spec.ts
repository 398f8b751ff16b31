/** The reaper's building blocks: which stage a stuck row resumes at, and the advisory lock (real PostgreSQL). */
import { randomInt } from 'node:crypto';
import { Pool } from 'pg';
import { JobStatus } from '../../src/common/enums';
import type { JobRecord } from '../../src/database/job-record';
import { advisoryLockKey, stageToResume, withAdvisoryLock } from '../../src/pipeline/failure';

const DATABASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function row(status: JobStatus, stageMetadata: JobRecord['stage_metadata']): JobRecord {
  const now = new Date().toISOString();
  return {
    id: 'job',
    user_id: 'user',
    status,
    progress: 0,
    stage_metadata: stageMetadata,
    error_code: null,
    error_message: null,
    original_filename: 'a.pdf',
    page_count: null,
    quality_report: null,
    input_path: 'in',
    output_path: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
    deleted_at: null,
  };
}

describe('stageToResume', () => {
  it('starts an UPLOADED row at the first stage', () => {
    expect(stageToResume(row(JobStatus.UPLOADED, {}))).toBe('analyze_layout');
  });

  it('re-runs a stage that started but never finished', () => {
    const job = row(JobStatus.EXTRACTING, {
      current_stage: 'extract_content',
      durations_ms: { analyze_layout: 10 },
    });
    expect(stageToResume(job)).toBe('extract_content');
  });

  it('moves on to the next stage when the current one finished', () => {
    const job = row(JobStatus.EXTRACTING, {
      current_stage: 'extract_content',
      durations_ms: { analyze_layout: 10, extract_content: 20 },
    });
    expect(stageToResume(job)).toBe('identify_structure');
  });
});

describe('advisory lock', () => {
  const pools = [
    new Pool({ connectionString: DATABASE_URL, max: 2 }),
    new Pool({ connectionString: DATABASE_URL, max: 2 }),
  ];
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));

  it('derives a stable positive key per deployment name', () => {
    expect(advisoryLockKey('conversion_queue')).toBe(advisoryLockKey('conversion_queue'));
    expect(advisoryLockKey('conversion_queue')).not.toBe(advisoryLockKey('other_queue'));
    expect(advisoryLockKey('conversion_queue')).toBeGreaterThanOrEqual(0);
  });

  it('lets exactly one of two instances run a round at a time, and frees the lock afterwards', async () => {
    const key = randomInt(1, 2 ** 31 - 1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withAdvisoryLock(pools[0], key, async () => {
      await held;
      return 'first';
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await withAdvisoryLock(pools[1], key, async () => 'second');
    release();

    expect(await first).toBe('first');
    expect(second).toBeUndefined();
    expect(await withAdvisoryLock(pools[1], key, async () => 'again')).toBe('again');
  });
});
