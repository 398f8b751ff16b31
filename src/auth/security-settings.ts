/**
 * The settings that authentication, rate limiting and HTTP hardening read, typed and validated.
 * Built from the environment (the same variable names as src/config), so it also works where AppConfig lacks a key.
 */
import { z } from 'zod';

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const optionalText = z.string().trim().min(1).optional();
const booleanText = z.enum(['true', 'false', '1', '0']).transform((text) => text === 'true' || text === '1');
const commaList = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

const securityEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  AUTH_MODE: z.enum(['none', 'supabase']).default('none'),
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_JWKS_URL: z.string().url().optional(),
  SUPABASE_JWT_SECRET: optionalText,
  /** How long an unknown `kid` waits before it may trigger another JWKS fetch (jose's cooldownDuration). */
  SUPABASE_JWKS_COOLDOWN_MS: integer(30_000),
  CORS_ORIGINS: commaList,
  RATE_LIMIT_ENABLED: booleanText.optional(),
  RATE_LIMIT_PER_MINUTE: integer(120, 1),
  RATE_LIMIT_UPLOADS_PER_HOUR: integer(30, 1),
  MAX_ACTIVE_JOBS_PER_USER: integer(5, 1),
  RATE_LIMIT_KEY_PREFIX: z
    .string()
    .regex(/^[\w.:-]+$/, 'letters, digits, "_", ".", ":" and "-" only')
    .default('pdf2epub:ratelimit:'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  TRUST_PROXY: integer(0),
});

export type AuthMode = 'none' | 'supabase';

export interface SupabaseAuthSettings {
  /** Expected `iss`: `{SUPABASE_URL}/auth/v1`. */
  issuer: string;
  jwksUrl: string;
  /** Legacy shared secret (HS256); undefined = HS256 tokens are refused. */
  jwtSecret?: string;
  jwksCooldownMs: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  perMinute: number;
  uploadsPerHour: number;
  maxActiveJobsPerUser: number;
  redisUrl: string;
  keyPrefix: string;
}

export interface SecuritySettings {
  production: boolean;
  authMode: AuthMode;
  /** Present when authMode is 'supabase'. */
  supabase?: SupabaseAuthSettings;
  corsOrigins: string[];
  trustProxyHops: number;
  rateLimit: RateLimitSettings;
}

export class SecuritySettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid security configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SecuritySettingsError';
  }
}

function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

function withoutTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

type SecurityEnv = z.output<typeof securityEnvSchema>;

/** The raw values settings are built from: the environment (readSecuritySettings) or AppConfig (fromAppConfig). */
export interface SecurityValues {
  NODE_ENV: string;
  AUTH_MODE: AuthMode;
  SUPABASE_URL?: string;
  SUPABASE_JWKS_URL?: string;
  SUPABASE_JWT_SECRET?: string;
  SUPABASE_JWKS_COOLDOWN_MS: number;
  CORS_ORIGINS: string[];
  RATE_LIMIT_ENABLED?: boolean;
  RATE_LIMIT_PER_MINUTE: number;
  RATE_LIMIT_UPLOADS_PER_HOUR: number;
  MAX_ACTIVE_JOBS_PER_USER: number;
  RATE_LIMIT_KEY_PREFIX: string;
  REDIS_URL: string;
  TRUST_PROXY: number;
}

function supabaseSettings(values: SecurityValues): SupabaseAuthSettings {
  if (!values.SUPABASE_URL)
    throw new SecuritySettingsError(['SUPABASE_URL: is required when AUTH_MODE=supabase']);
  const base = withoutTrailingSlashes(values.SUPABASE_URL);
  return {
    issuer: `${base}/auth/v1`,
    jwksUrl: values.SUPABASE_JWKS_URL ?? `${base}/auth/v1/.well-known/jwks.json`,
    jwtSecret: values.SUPABASE_JWT_SECRET,
    jwksCooldownMs: values.SUPABASE_JWKS_COOLDOWN_MS,
  };
}

/**
 * Checks the combination and builds the settings. Throws SecuritySettingsError for AUTH_MODE=none with
 * NODE_ENV=production (no service may run unauthenticated in production) and for CORS entries that are not origins.
 */
export function buildSecuritySettings(values: SecurityValues): SecuritySettings {
  const production = values.NODE_ENV === 'production';
  if (production && values.AUTH_MODE === 'none') {
    throw new SecuritySettingsError([
      'AUTH_MODE: "none" is refused when NODE_ENV=production; set AUTH_MODE=supabase and SUPABASE_URL',
    ]);
  }
  const badOrigins = values.CORS_ORIGINS.filter((origin) => !isOrigin(origin));
  if (badOrigins.length > 0) {
    throw new SecuritySettingsError([
      `CORS_ORIGINS: ${badOrigins.join(', ')} — each entry must be an origin like https://app.example.com`,
    ]);
  }
  const authenticated = values.AUTH_MODE === 'supabase';
  return {
    production,
    authMode: values.AUTH_MODE,
    supabase: authenticated ? supabaseSettings(values) : undefined,
    corsOrigins: values.CORS_ORIGINS,
    trustProxyHops: values.TRUST_PROXY,
    rateLimit: {
      enabled: values.RATE_LIMIT_ENABLED ?? authenticated,
      perMinute: values.RATE_LIMIT_PER_MINUTE,
      uploadsPerHour: values.RATE_LIMIT_UPLOADS_PER_HOUR,
      maxActiveJobsPerUser: values.MAX_ACTIVE_JOBS_PER_USER,
      redisUrl: values.REDIS_URL,
      keyPrefix: values.RATE_LIMIT_KEY_PREFIX,
    },
  };
}

/** Validates the security settings straight from an environment (tests, and apps without AppConfig). */
export function readSecuritySettings(env: NodeJS.ProcessEnv = process.env): SecuritySettings {
  const parsed = securityEnvSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    throw new SecuritySettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const values: SecurityEnv = parsed.data;
  return buildSecuritySettings(values);
}

/** Injection token for SecuritySettings. */
export const SECURITY_SETTINGS = Symbol('SECURITY_SETTINGS');
