/**
 * Every environment variable the service reads, validated in one place.
 * Adding a setting is one line here; read it anywhere through the injectable `AppConfig`.
 */
import { z } from 'zod';
import { aiEnvShape } from '../ai/config';

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
/** Seconds; fractions allowed (tests shorten timeouts). */
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((text) => text === 'true' || text === '1' || text === 'yes');
const optionalText = z.string().trim().min(1).optional();
const commaList = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );
const secondsList = z
  .string()
  .default('60,300,900')
  .transform((text, ctx) => {
    const values = text.split(',').map((part) => Number(part.trim()));
    if (values.some((value) => !Number.isFinite(value) || value < 0)) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of non-negative numbers' });
      return z.NEVER;
    }
    return values;
  });

export const configSchema = z.object({
  APP_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  PORT: integer(3000, 0).pipe(z.number().max(65535)),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/pdf2epub'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_NAME: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, "_", "." and "-" only')
    .default('conversion_queue'),
  WORKER_CONCURRENCY: integer(4, 1),
  STORAGE_DRIVER: z.enum(['local', 'supabase']).default('local'),
  STORAGE_DIR: z.string().min(1).default('./data/storage'),
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_SERVICE_ROLE_KEY: optionalText,
  SUPABASE_STORAGE_BUCKET: z.string().min(1).default('pdf2epub'),
  AUTH_MODE: z.enum(['none', 'supabase']).default('none'),
  // AI-assisted layout (issue 6): AI_MODE, provider keys, base URLs, models, limits — see README.md, "AI-assisted layout"
  ...aiEnvShape,
  JOB_STATUS_CACHE_TTL_S: integer(300, 1),
  MAX_UPLOAD_MB: z.coerce.number().positive().default(50),
  MAX_PAGES: integer(2000, 1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PIPELINE_ERROR_LOG: z.string().min(1).default('logs/pipeline-errors.log'),
  WORKER_HEALTH_PORT: integer(3001, 0).pipe(z.number().max(65535)),
  JOB_SOFT_TIMEOUT_S: seconds(900),
  JOB_HARD_TIMEOUT_S: seconds(1200),
  RETRY_DELAYS_S: secondsList,
  // Security (issue 5)
  SUPABASE_JWKS_URL: z.string().url().optional(),
  SUPABASE_JWT_SECRET: optionalText,
  CORS_ORIGINS: commaList,
  /** Unset: on with AUTH_MODE=supabase, off with none. */
  RATE_LIMIT_ENABLED: flag.optional(),
  RATE_LIMIT_PER_MINUTE: integer(120, 1),
  RATE_LIMIT_UPLOADS_PER_HOUR: integer(30, 1),
  MAX_ACTIVE_JOBS_PER_USER: integer(5, 1),
  TRUST_PROXY: integer(0, 0),
  // Failure semantics (issue 3)
  WORKER_LOCK_DURATION_S: seconds(30),
  WORKER_STALLED_INTERVAL_S: seconds(15),
  WORKER_MAX_STALLED_COUNT: integer(1, 0),
  WORKER_SHUTDOWN_GRACE_S: seconds(30),
  REAPER_INTERVAL_S: seconds(30),
  REAPER_ORPHAN_AGE_S: seconds(60),
  REAPER_GRACE_S: seconds(300),
});

export type ConfigValues = z.output<typeof configSchema>;

/** Rules that involve more than one variable. */
export const configRules = configSchema.superRefine((values, ctx) => {
  if (values.STORAGE_DRIVER === 'supabase') {
    for (const key of ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'] as const) {
      if (!values[key])
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when STORAGE_DRIVER=supabase' });
    }
  }
  if (values.AUTH_MODE === 'supabase' && !values.SUPABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['SUPABASE_URL'], message: 'is required when AUTH_MODE=supabase' });
  }
  if (values.JOB_HARD_TIMEOUT_S < values.JOB_SOFT_TIMEOUT_S) {
    ctx.addIssue({
      code: 'custom',
      path: ['JOB_HARD_TIMEOUT_S'],
      message: 'must be at least JOB_SOFT_TIMEOUT_S',
    });
  }
});
