import { HttpException, HttpStatus } from '@nestjs/common';

export type AuthFailureCode = 'UNAUTHENTICATED' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'AUTH_UNAVAILABLE';

/** Why a request could not be authenticated. The detail is shown to the caller: it never echoes the token. */
export class AuthFailure extends Error {
  constructor(
    readonly code: AuthFailureCode,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'AuthFailure';
  }
}

/** RFC 6750 challenge sent with each 401. */
function bearerChallenge(code: AuthFailureCode): string {
  if (code === 'UNAUTHENTICATED') return 'Bearer';
  return `Bearer error="invalid_token", error_description="${code === 'TOKEN_EXPIRED' ? 'expired' : 'invalid'}"`;
}

/**
 * The HTTP answer for an AuthFailure: 401 `{detail, code}` with a WWW-Authenticate challenge, or 503 when the key
 * source (JWKS endpoint) could not be reached — that is not the caller's fault.
 */
export class AuthHttpException extends HttpException {
  readonly challenge?: string;

  constructor(failure: AuthFailure) {
    const status =
      failure.code === 'AUTH_UNAVAILABLE' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.UNAUTHORIZED;
    super({ detail: failure.detail, code: failure.code }, status, { cause: failure });
    this.challenge = status === HttpStatus.UNAUTHORIZED ? bearerChallenge(failure.code) : undefined;
  }
}
