/**
 * Verifies Supabase Auth access tokens with jose: asymmetric keys (ES256/RS256) from the project's JWKS, or the
 * legacy HS256 shared secret when one is configured. Everything else is refused.
 */
import type {
  FlattenedJWSInput,
  JWTHeaderParameters,
  JWTPayload,
  JWTVerifyGetKey,
  JWTVerifyOptions,
} from 'jose' with { 'resolution-mode': 'import' };
import { joseErrorCode, loadJose, type Jose } from './jose-loader';
import type { AuthUser } from './auth-user';
import { AuthFailure } from './auth-errors';
import type { SupabaseAuthSettings } from './security-settings';

export const ASYMMETRIC_ALGORITHMS = ['ES256', 'RS256'] as const;
export const SUPABASE_AUDIENCE = 'authenticated';
export const SUPABASE_USER_ROLE = 'authenticated';
/** Seconds of clock skew tolerated on exp/nbf/iat between Supabase and this server. */
export const CLOCK_TOLERANCE_S = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type SupportedAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number] | 'HS256';

/** The JWKS endpoint failed (network, timeout, non-200, bad JSON): a server-side problem, not a bad token. */
class KeySourceUnavailable extends Error {}

function invalid(detail: string, cause?: unknown): AuthFailure {
  return new AuthFailure('INVALID_TOKEN', detail, { cause });
}

function readHeader(jose: Jose, token: string): JWTHeaderParameters {
  try {
    return jose.decodeProtectedHeader(token) as JWTHeaderParameters;
  } catch (err) {
    throw invalid('The access token is malformed.', err);
  }
}

/** Errors about which key a token names, as opposed to errors reaching the key source. */
const KEY_SELECTION_ERRORS = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWK_INVALID',
]);

function isKeySelectionError(err: unknown): boolean {
  return KEY_SELECTION_ERRORS.has(joseErrorCode(err) ?? '');
}

/** Wraps the remote key set so that infrastructure failures are told apart from bad tokens. */
function separatingOutages(jwks: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await jwks(header, token);
    } catch (err) {
      if (isKeySelectionError(err)) throw err;
      throw new KeySourceUnavailable('JWKS unavailable', { cause: err });
    }
  };
}

function userFromClaims(payload: JWTPayload): AuthUser {
  if (payload.role !== SUPABASE_USER_ROLE) {
    throw invalid('Only signed-in user tokens are accepted (role must be "authenticated").');
  }
  if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
    throw invalid('The access token has no valid user id.');
  }
  const email = typeof payload.email === 'string' && payload.email !== '' ? payload.email : undefined;
  return { id: payload.sub.toLowerCase(), email };
}

function claimOf(err: unknown): string {
  const claim = err instanceof Error && 'claim' in err ? err.claim : undefined;
  return typeof claim === 'string' ? claim : 'unknown';
}

function failureFrom(err: unknown): AuthFailure {
  if (err instanceof AuthFailure) return err;
  if (err instanceof KeySourceUnavailable) {
    return new AuthFailure('AUTH_UNAVAILABLE', 'Tokens cannot be verified right now; try again shortly.', {
      cause: err,
    });
  }
  switch (joseErrorCode(err)) {
    case 'ERR_JWT_EXPIRED':
      return new AuthFailure('TOKEN_EXPIRED', 'The access token has expired.', { cause: err });
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return invalid('The access token was signed by an unknown key.', err);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return invalid(`The access token's "${claimOf(err)}" claim is not acceptable.`, err);
    default:
      return invalid('The access token is invalid.', err);
  }
}

export class SupabaseJwtVerifier {
  /** One remote key set per verifier: jose caches it and refetches on an unknown kid after the cooldown. */
  private jwks?: JWTVerifyGetKey;
  private readonly secret?: Uint8Array;

  constructor(private readonly settings: SupabaseAuthSettings) {
    this.secret = settings.jwtSecret ? new TextEncoder().encode(settings.jwtSecret) : undefined;
  }

  private remoteKeys(jose: Jose): JWTVerifyGetKey {
    this.jwks ??= separatingOutages(
      jose.createRemoteJWKSet(new URL(this.settings.jwksUrl), {
        cooldownDuration: this.settings.jwksCooldownMs,
      }),
    );
    return this.jwks;
  }

  /** The user a token belongs to; throws AuthFailure for any token that is not a valid Supabase user token. */
  async verify(token: string): Promise<AuthUser> {
    try {
      const jose = await loadJose();
      const algorithm = this.algorithmOf(readHeader(jose, token));
      const options: JWTVerifyOptions = {
        algorithms: [algorithm],
        issuer: this.settings.issuer,
        audience: SUPABASE_AUDIENCE,
        requiredClaims: ['exp', 'sub', 'role'],
        clockTolerance: CLOCK_TOLERANCE_S,
      };
      const { payload } =
        algorithm === 'HS256' && this.secret
          ? await jose.jwtVerify(token, this.secret, options)
          : await jose.jwtVerify(token, this.remoteKeys(jose), options);
      return userFromClaims(payload);
    } catch (err) {
      throw failureFrom(err);
    }
  }

  /** The algorithm the header announces, if this service accepts it; asymmetric tokens must name their key. */
  private algorithmOf(header: JWTHeaderParameters): SupportedAlgorithm {
    const alg = header.alg ?? '';
    if (alg === 'HS256') {
      if (!this.secret)
        throw invalid('The access token is signed with an algorithm this service does not accept.');
      return 'HS256';
    }
    if ((ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      if (typeof header.kid !== 'string' || header.kid === '')
        throw invalid('The access token names no signing key.');
      return alg as SupportedAlgorithm;
    }
    throw invalid('The access token is signed with an algorithm this service does not accept.');
  }
}
