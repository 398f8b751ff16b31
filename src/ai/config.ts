/**
 * AI configuration: which providers serve which tier, limits and budgets.
 * `parseAiConfig(process.env)` is the one-line hook for the central config schema.
 */
import { z } from 'zod';

export const AI_MODES = ['off', 'complex', 'all'] as const;
export type AiMode = (typeof AI_MODES)[number];
export const AI_PROVIDERS = ['openai', 'anthropic'] as const;
export type AiProviderName = (typeof AI_PROVIDERS)[number];
export type AiTier = 'strong' | 'fast';

export interface ProviderConfig {
  apiKey: string;
  /** Undefined = the SDK's default endpoint. */
  baseURL?: string;
  model: string;
}

export interface AiConfig {
  mode: AiMode;
  openai?: ProviderConfig;
  anthropic?: ProviderConfig;
  /** Preferred provider per tier; the other one is used when the preferred has no key. */
  strongProvider: AiProviderName;
  fastProvider: AiProviderName;
  /** Model overrides per tier (otherwise the serving provider's model). */
  strongModel?: string;
  fastModel?: string;
  /** In-flight calls per provider. */
  concurrency: number;
  /** Input + output tokens a job may spend; 0 = unlimited. */
  maxTokensPerJob: number;
  /** Per-request timeout given to the SDK. */
  timeoutMs: number;
  /** The SDK's own retries (5xx, connection errors, timeouts, 429). */
  maxRetries: number;
  /** Extra rounds after the SDK gave up on a 429, each waiting the provider's Retry-After. */
  rateLimitRounds: number;
  /** Pages with at most this many words may share a call with their neighbours. */
  batchSmallPageWords: number;
  batchMaxWords: number;
  batchMaxPages: number;
  /** Redis TTL of cached page readings. */
  cacheTtlSeconds: number;
  /** Key prefix in Redis (tests use a random one). */
  cachePrefix: string;
}

export const DEFAULT_OPENAI_MODEL = 'gpt-4o';
export const DEFAULT_ANTHROPIC_MODEL = 'claude-haiku-4-5';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** The AI keys of the environment; merge into the central schema with `.extend(aiEnvShape)` if wanted. */
export const aiEnvShape = {
  AI_MODE: z.enum(AI_MODES).optional(),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText,
  OPENAI_MODEL: optionalText,
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalText,
  ANTHROPIC_MODEL: optionalText,
  AI_STRONG_PROVIDER: z.enum(AI_PROVIDERS).default('openai'),
  AI_FAST_PROVIDER: z.enum(AI_PROVIDERS).default('anthropic'),
  AI_STRONG_MODEL: optionalText,
  AI_FAST_MODEL: optionalText,
  AI_CONCURRENCY: positiveInt(4),
  AI_MAX_TOKENS_PER_JOB: nonNegativeInt(2_000_000),
  AI_TIMEOUT_MS: positiveInt(60_000),
  AI_MAX_RETRIES: nonNegativeInt(2),
  AI_RATE_LIMIT_ROUNDS: nonNegativeInt(6),
  AI_BATCH_SMALL_PAGE_WORDS: nonNegativeInt(450),
  AI_BATCH_MAX_WORDS: positiveInt(1500),
  AI_BATCH_MAX_PAGES: positiveInt(4),
  AI_CACHE_TTL_S: positiveInt(30 * 24 * 3600),
  AI_CACHE_PREFIX: z.string().default('pdf2epub:'),
};

const aiEnvSchema = z.object(aiEnvShape);

function providerConfig(apiKey: string | undefined, baseURL: string | undefined, model: string) {
  return apiKey ? { apiKey, baseURL, model } : undefined;
}

/** Off when no key is set; with a key and no AI_MODE, "complex" (only hard pages cost money). */
function resolveMode(requested: AiMode | undefined, hasKey: boolean): AiMode {
  if (!hasKey) return 'off';
  return requested ?? 'complex';
}

/** Parses AI settings from an environment-like record. Throws a ZodError on invalid values. */
export function parseAiConfig(env: Record<string, string | undefined>): AiConfig {
  const e = aiEnvSchema.parse(env);
  const openai = providerConfig(e.OPENAI_API_KEY, e.OPENAI_BASE_URL, e.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL);
  const anthropic = providerConfig(
    e.ANTHROPIC_API_KEY,
    e.ANTHROPIC_BASE_URL,
    e.ANTHROPIC_MODEL ?? DEFAULT_ANTHROPIC_MODEL,
  );
  return {
    mode: resolveMode(e.AI_MODE, Boolean(openai || anthropic)),
    openai,
    anthropic,
    strongProvider: e.AI_STRONG_PROVIDER,
    fastProvider: e.AI_FAST_PROVIDER,
    strongModel: e.AI_STRONG_MODEL,
    fastModel: e.AI_FAST_MODEL,
    concurrency: e.AI_CONCURRENCY,
    maxTokensPerJob: e.AI_MAX_TOKENS_PER_JOB,
    timeoutMs: e.AI_TIMEOUT_MS,
    maxRetries: e.AI_MAX_RETRIES,
    rateLimitRounds: e.AI_RATE_LIMIT_ROUNDS,
    batchSmallPageWords: e.AI_BATCH_SMALL_PAGE_WORDS,
    batchMaxWords: e.AI_BATCH_MAX_WORDS,
    batchMaxPages: e.AI_BATCH_MAX_PAGES,
    cacheTtlSeconds: e.AI_CACHE_TTL_S,
    cachePrefix: e.AI_CACHE_PREFIX,
  };
}

/** True when enhanceContent would do anything: the pipeline skips every AI code path otherwise. */
export function isAiEnabled(config: AiConfig | undefined): config is AiConfig {
  return Boolean(config && config.mode !== 'off' && (config.openai || config.anthropic));
}
