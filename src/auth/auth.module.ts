import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { RequestAuthenticator } from './request-authenticator';
import { AppConfig } from '../config';
import {
  buildSecuritySettings,
  readSecuritySettings,
  SECURITY_SETTINGS,
  type SecuritySettings,
  type SecurityValues,
} from './security-settings';

/** The JWKS refetch cooldown for an unknown kid (jose's default). */
const JWKS_COOLDOWN_MS = 30_000;

/** The security keys of the app's validated configuration (src/config); NODE_ENV comes from the process. */
export function securityValuesFrom(config: AppConfig): SecurityValues {
  return {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    AUTH_MODE: config.get('AUTH_MODE'),
    SUPABASE_URL: config.get('SUPABASE_URL'),
    SUPABASE_JWKS_URL: config.get('SUPABASE_JWKS_URL'),
    SUPABASE_JWT_SECRET: config.get('SUPABASE_JWT_SECRET'),
    SUPABASE_JWKS_COOLDOWN_MS: JWKS_COOLDOWN_MS,
    CORS_ORIGINS: config.get('CORS_ORIGINS'),
    RATE_LIMIT_ENABLED: config.get('RATE_LIMIT_ENABLED'),
    RATE_LIMIT_PER_MINUTE: config.get('RATE_LIMIT_PER_MINUTE'),
    RATE_LIMIT_UPLOADS_PER_HOUR: config.get('RATE_LIMIT_UPLOADS_PER_HOUR'),
    MAX_ACTIVE_JOBS_PER_USER: config.get('MAX_ACTIVE_JOBS_PER_USER'),
    // Beside the queues of this deployment, so separate deployments (and test runs) never share counters.
    RATE_LIMIT_KEY_PREFIX: `${config.get('QUEUE_NAME')}:ratelimit:`,
    REDIS_URL: config.get('REDIS_URL'),
    TRUST_PROXY: config.get('TRUST_PROXY'),
  };
}

/**
 * Reads and checks the security settings once — from AppConfig in the service, from the environment where there is
 * none (standalone tests) — and refuses AUTH_MODE=none in production.
 */
function securitySettingsAtStartup(config?: AppConfig): SecuritySettings {
  const settings = config
    ? buildSecuritySettings(securityValuesFrom(config))
    : readSecuritySettings(process.env);
  if (settings.authMode === 'none') {
    new Logger('AuthModule').warn(
      'AUTH_MODE=none: authentication is OFF, every request acts as the local user. Never expose this instance.',
    );
  }
  return settings;
}

/**
 * Authentication for the whole app: the global AuthGuard (honours `@Public()`), `RequestAuthenticator`, and the
 * validated `SECURITY_SETTINGS` (global, so the rate limiter and HTTP hardening read the same values).
 */
@Global()
@Module({
  providers: [
    {
      provide: SECURITY_SETTINGS,
      useFactory: securitySettingsAtStartup,
      inject: [{ token: AppConfig, optional: true }],
    },
    RequestAuthenticator,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SECURITY_SETTINGS, RequestAuthenticator],
})
export class AuthModule {}
