import { Inject, Injectable } from '@nestjs/common';
import { AuthFailure } from './auth-errors';
import { LOCAL_USER_ID, type AuthUser } from './auth-user';
import { bearerTokenFrom } from './bearer-token';
import { SupabaseJwtVerifier } from './jwt-verifier';
import { SECURITY_SETTINGS, type SecuritySettings } from './security-settings';

/** The parts of an HTTP request authentication reads (Express and plain Node requests both fit). */
export interface AuthenticatableRequest {
  headers: Record<string, string | string[] | undefined>;
}

export const LOCAL_USER: Readonly<AuthUser> = Object.freeze({ id: LOCAL_USER_ID });

/**
 * Resolves the caller of a request, once per request: the AuthGuard and the rate limiter's tracker both ask,
 * in whichever order Nest runs them, and the token is verified a single time.
 */
@Injectable()
export class RequestAuthenticator {
  private readonly verifier?: SupabaseJwtVerifier;
  private readonly outcomes = new WeakMap<object, Promise<AuthUser>>();

  constructor(@Inject(SECURITY_SETTINGS) settings: SecuritySettings) {
    if (settings.authMode === 'supabase' && settings.supabase) {
      this.verifier = new SupabaseJwtVerifier(settings.supabase);
    }
  }

  /** The verified user; rejects with AuthFailure. */
  authenticate(request: AuthenticatableRequest): Promise<AuthUser> {
    let outcome = this.outcomes.get(request);
    if (!outcome) {
      outcome = this.resolve(request);
      this.outcomes.set(request, outcome);
    }
    return outcome;
  }

  /** The verified user, or undefined when the request carries no acceptable credentials. */
  async tryAuthenticate(request: AuthenticatableRequest): Promise<AuthUser | undefined> {
    try {
      return await this.authenticate(request);
    } catch (err) {
      if (err instanceof AuthFailure) return undefined;
      throw err;
    }
  }

  private async resolve(request: AuthenticatableRequest): Promise<AuthUser> {
    if (!this.verifier) return { ...LOCAL_USER };
    return this.verifier.verify(bearerTokenFrom(request.headers.authorization));
  }
}
