/**
 * Supabase-like access tokens for tests, signed with keys generated here (no network), and the list of forged
 * tokens the service must refuse. Used by the verifier unit tests and the HTTP security tests.
 */
import { randomUUID, createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from '../../src/auth/jose-loader';

export interface TestSigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK, ready for a JWKS document. */
  publicJwk: JWK;
}

export interface TestKeys {
  es256: TestSigningKey;
  rs256: TestSigningKey;
  /** The legacy shared secret (HS256). */
  hsSecret: string;
}

export const TEST_SUPABASE_URL_PATH = '/auth/v1';

async function makeKey(alg: 'ES256' | 'RS256', kid: string): Promise<TestSigningKey> {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jose = await loadJose();
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export async function createTestKeys(): Promise<TestKeys> {
  return {
    es256: await makeKey('ES256', `es-${randomUUID().slice(0, 8)}`),
    rs256: await makeKey('RS256', `rs-${randomUUID().slice(0, 8)}`),
    hsSecret: `test-secret-${randomUUID()}-${randomUUID()}`,
  };
}

/** A new key that is NOT published in the test JWKS (unless a test publishes it). */
export function createExtraKey(alg: 'ES256' | 'RS256' = 'ES256', kid = `extra-${randomUUID().slice(0, 8)}`) {
  return makeKey(alg, kid);
}

/** The claims of a real Supabase user access token. */
export function userClaims(
  issuer: string,
  userId: string = randomUUID(),
  extra: JWTPayload = {},
): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: userId,
    aud: 'authenticated',
    role: 'authenticated',
    email: `${userId.slice(0, 8)}@example.test`,
    aal: 'aal1',
    session_id: randomUUID(),
    is_anonymous: false,
    iat: now,
    exp: now + 3600,
    ...extra,
  };
}

export async function signWithKey(
  key: TestSigningKey,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const jose = await loadJose();
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

export async function signWithSecret(secret: string, claims: JWTPayload, alg: 'HS256' | 'HS512' = 'HS256') {
  const jose = await loadJose();
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** A compact JWT whose header and payload are exactly these objects, with an HMAC of the given raw key bytes. */
function hmacToken(header: object, claims: object, rawKey: string | Buffer): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', rawKey).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

function withPayload(token: string, claims: object): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
}

export interface ForgedToken {
  name: string;
  /** The full Authorization header value to send (undefined = no header). */
  authorization: string | undefined;
  /** The `code` the service must answer with (status 401 for all). */
  code: 'UNAUTHENTICATED' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED';
}

/**
 * Every token an attacker might try, each of which must get 401. `keys` are the ones the service trusts (JWKS +
 * HS256 secret); `issuer` is the service's expected `iss`.
 */
export async function forgedTokens(keys: TestKeys, issuer: string): Promise<ForgedToken[]> {
  const userId = randomUUID();
  const claims = userClaims(issuer, userId);
  const now = Math.floor(Date.now() / 1000);
  const valid = await signWithKey(keys.es256, claims);
  const attacker = await createExtraKey('ES256', keys.es256.kid);
  const stranger = await createExtraKey('ES256');
  const esPublicPem = keys.es256.publicKey.export({ type: 'spki', format: 'pem' });
  const rsPublicPem = keys.rs256.publicKey.export({ type: 'spki', format: 'pem' });
  const bearer = (token: string) => `Bearer ${token}`;
  const invalid = (name: string, token: string): ForgedToken => ({
    name,
    authorization: bearer(token),
    code: 'INVALID_TOKEN',
  });
  const unsigned = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.`;

  return [
    { name: 'no Authorization header', authorization: undefined, code: 'UNAUTHENTICATED' },
    { name: 'empty Authorization header', authorization: '', code: 'UNAUTHENTICATED' },
    { name: 'Basic scheme instead of Bearer', authorization: 'Basic dXNlcjpwYXNz', code: 'INVALID_TOKEN' },
    { name: 'Bearer without a token', authorization: 'Bearer ', code: 'INVALID_TOKEN' },
    invalid('garbage instead of a JWT', 'not.a.jwt'),
    invalid('alg "none" (unsigned)', unsigned),
    invalid(
      'alg "None" (unsigned, mixed case)',
      unsigned.replace(
        base64url(JSON.stringify({ alg: 'none', typ: 'JWT' })),
        base64url(JSON.stringify({ alg: 'None', typ: 'JWT' })),
      ),
    ),
    invalid(
      'algorithm confusion: HS256 signed with the ES256 public key (PEM)',
      hmacToken({ alg: 'HS256', typ: 'JWT', kid: keys.es256.kid }, claims, esPublicPem),
    ),
    invalid(
      'algorithm confusion: HS256 signed with the RS256 public key (PEM)',
      hmacToken({ alg: 'HS256', typ: 'JWT', kid: keys.rs256.kid }, claims, rsPublicPem),
    ),
    invalid('unknown kid (key not in the JWKS)', await signWithKey(stranger, claims)),
    invalid('known kid, signed by an attacker key', await signWithKey(attacker, claims)),
    invalid('no kid on an asymmetric token', await signWithKey(keys.es256, claims, { kid: undefined })),
    invalid(
      'embedded jwk header pointing at the attacker key',
      await signWithKey(stranger, claims, { jwk: stranger.publicJwk, kid: undefined }),
    ),
    invalid(
      'jku header pointing at an attacker JWKS',
      await signWithKey(stranger, claims, { jku: 'http://127.0.0.1:9/jwks.json' }),
    ),
    invalid(
      'tampered payload (sub changed, signature kept)',
      withPayload(valid, { ...claims, sub: randomUUID() }),
    ),
    invalid(
      'tampered payload (role upgraded to service_role)',
      withPayload(valid, { ...claims, role: 'service_role' }),
    ),
    invalid('signature stripped', `${valid.split('.').slice(0, 2).join('.')}.`),
    {
      name: 'expired token',
      authorization: bearer(await signWithKey(keys.es256, { ...claims, iat: now - 7200, exp: now - 3600 })),
      code: 'TOKEN_EXPIRED',
    },
    invalid(
      'not yet valid (nbf in the future)',
      await signWithKey(keys.es256, { ...claims, nbf: now + 3600 }),
    ),
    invalid('no exp claim', await signWithKey(keys.es256, { ...claims, exp: undefined })),
    invalid(
      'wrong issuer',
      await signWithKey(keys.es256, { ...claims, iss: 'https://evil.example/auth/v1' }),
    ),
    invalid('wrong audience', await signWithKey(keys.es256, { ...claims, aud: 'service' })),
    invalid(
      'anon key (HS256 with the project secret, role anon)',
      await signWithSecret(keys.hsSecret, {
        iss: 'supabase',
        ref: 'test',
        role: 'anon',
        iat: now,
        exp: now + 3600,
      }),
    ),
    invalid('anon role, asymmetric key', await signWithKey(keys.es256, { ...claims, role: 'anon' })),
    invalid(
      'service_role key (HS256 with the project secret)',
      await signWithSecret(keys.hsSecret, {
        iss: 'supabase',
        ref: 'test',
        role: 'service_role',
        iat: now,
        exp: now + 3600,
      }),
    ),
    invalid(
      'service_role, asymmetric key',
      await signWithKey(keys.es256, { ...claims, role: 'service_role' }),
    ),
    invalid('sub is not a UUID', await signWithKey(keys.es256, { ...claims, sub: 'admin' })),
    invalid(
      'HS512 with the project secret (algorithm not accepted)',
      await signWithSecret(keys.hsSecret, claims, 'HS512'),
    ),
    invalid('HS256 signed with a wrong secret', await signWithSecret('not-the-project-secret', claims)),
    invalid('oversized token', `${valid}${'A'.repeat(9000)}`),
  ];
}
