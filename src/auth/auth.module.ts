import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { RequestAuthenticator } from './request-authenticator';
import { readSecuritySettings, SECURITY_SETTINGS, type SecuritySettings } from './security-settings';

/** Reads and checks the security settings once; refuses AUTH_MODE=none in production (readSecuritySettings). */
function securitySettingsAtStartup(): SecuritySettings {
  const settings = readSecuritySettings(process.env);
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
    { provide: SECURITY_SETTINGS, useFactory: securitySettingsAtStartup },
    RequestAuthenticator,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SECURITY_SETTINGS, RequestAuthenticator],
})
export class AuthModule {}
