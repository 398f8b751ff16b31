/** Configuration is validated once, at start-up, with messages that name each bad variable. */
import { AppConfig, ConfigValidationError, loadConfigValues } from '../../src/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfigValues(env);
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults for this machine', () => {
    const config = AppConfig.fromEnv({});
    expect(config.get('APP_ROLE')).toBe('all');
    expect(config.get('PORT')).toBe(3000);
    expect(config.get('DATABASE_URL')).toBe('postgres://postgres@127.0.0.1:5432/pdf2epub');
    expect(config.get('REDIS_URL')).toBe('redis://127.0.0.1:6379');
    expect(config.get('QUEUE_NAME')).toBe('conversion_queue');
    expect(config.get('WORKER_CONCURRENCY')).toBe(4);
    expect(config.get('JOB_STATUS_CACHE_TTL_S')).toBe(300);
    expect(config.get('RETRY_DELAYS_S')).toEqual([60, 300, 900]);
    expect(config.maxUploadBytes).toBe(50 * 1024 * 1024);
    expect(config.runsApi && config.runsWorkers).toBe(true);
  });

  it('parses numbers, lists and roles from strings; empty values mean "use the default"', () => {
    const config = AppConfig.fromEnv({
      APP_ROLE: 'worker',
      PORT: '8080',
      RETRY_DELAYS_S: '1, 2,3',
      MAX_UPLOAD_MB: '',
    });
    expect(config.get('PORT')).toBe(8080);
    expect(config.get('RETRY_DELAYS_S')).toEqual([1, 2, 3]);
    expect(config.get('MAX_UPLOAD_MB')).toBe(50);
    expect(config.runsApi).toBe(false);
    expect(config.runsWorkers).toBe(true);
  });

  it('names every invalid variable', () => {
    const problems = problemsOf({
      APP_ROLE: 'both',
      PORT: 'eighty',
      WORKER_CONCURRENCY: '0',
      STORAGE_DRIVER: 's3',
      RETRY_DELAYS_S: '60,soon',
      REDIS_URL: 'not a url',
    });
    for (const key of [
      'APP_ROLE',
      'PORT',
      'WORKER_CONCURRENCY',
      'STORAGE_DRIVER',
      'RETRY_DELAYS_S',
      'REDIS_URL',
    ]) {
      expect(problems.some((problem) => problem.startsWith(`${key}:`))).toBe(true);
    }
  });

  it('checks rules across variables', () => {
    expect(problemsOf({ STORAGE_DRIVER: 'supabase' })).toEqual([
      'SUPABASE_URL: is required when STORAGE_DRIVER=supabase',
      'SUPABASE_SERVICE_ROLE_KEY: is required when STORAGE_DRIVER=supabase',
    ]);
    expect(problemsOf({ JOB_SOFT_TIMEOUT_S: '10', JOB_HARD_TIMEOUT_S: '5' })).toEqual([
      'JOB_HARD_TIMEOUT_S: must be at least JOB_SOFT_TIMEOUT_S',
    ]);
  });
});
