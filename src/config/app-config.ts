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

/** The validated configuration, injectable anywhere: `constructor(private readonly config: AppConfig)`. */
export class AppConfig {
  private readonly values: Readonly<ConfigValues>;

  constructor(values: ConfigValues) {
    this.values = Object.freeze({ ...values });
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
