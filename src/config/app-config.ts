import { type AiConfig, aiEnvShape, parseAiConfig } from '../ai/config';
import { configRules, type ConfigValues } from './config.schema';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Empty strings count as "not set", so `FOO=` in a .env file falls back to the default. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

/** Validates the environment; throws ConfigValidationError naming each bad variable. */
export function loadConfigValues(env: NodeJS.ProcessEnv = process.env): ConfigValues {
  const result = configRules.safeParse(withoutEmptyValues(env));
  if (result.success) return result.data;
  throw new ConfigValidationError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

/** The AI keys of the validated values, back as strings for parseAiConfig. */
function aiEnvOf(values: ConfigValues): Record<string, string | undefined> {
  const keys = Object.keys(aiEnvShape) as Array<keyof typeof aiEnvShape>;
  return Object.fromEntries(
    keys.map((key) => [key, values[key] === undefined ? undefined : String(values[key])]),
  );
}

/** The validated configuration, injectable anywhere: `constructor(private readonly config: AppConfig)`. */
export class AppConfig {
  private readonly values: Readonly<ConfigValues>;
  /** AI settings in src/ai's shape (off without a key); validated with the rest via aiEnvShape. */
  readonly ai: AiConfig;

  constructor(values: ConfigValues) {
    this.values = Object.freeze({ ...values });
    this.ai = parseAiConfig(aiEnvOf(values));
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(loadConfigValues(env));
  }

  get<K extends keyof ConfigValues>(key: K): ConfigValues[K] {
    return this.values[key];
  }

  get runsApi(): boolean {
    return this.values.APP_ROLE !== 'worker';
  }

  get runsWorkers(): boolean {
    return this.values.APP_ROLE !== 'api';
  }

  get maxUploadBytes(): number {
    return Math.floor(this.values.MAX_UPLOAD_MB * 1024 * 1024);
  }
}
