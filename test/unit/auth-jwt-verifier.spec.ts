import { randomUUID } from 'node:crypto';
import { AuthFailure } from '../../src/auth/auth-errors';
import { SupabaseJwtVerifier } from '../../src/auth/jwt-verifier';
import type { SupabaseAuthSettings } from '../../src/auth/security-settings';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import {
  createExtraKey,
  createTestKeys,
  forgedTokens,
  signWithKey,
  signWithSecret,
  userClaims,
  type TestKeys,
} from '../helpers/tokens';

async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED';
  } catch (err) {
    return err instanceof AuthFailure ? err.code : `unexpected ${String(err)}`;
  }
}

describe('SupabaseJwtVerifier', () => {
  let keys: TestKeys;
  let jwks: JwksServer;
  let settings: SupabaseAuthSettings;

  beforeAll(async () => {
    keys = await createTestKeys();
    jwks = await startJwksServer([keys.es256.publicJwk, keys.rs256.publicJwk]);
    settings = {
      issuer: jwks.issuer,
      jwksUrl: jwks.jwksUrl,
      jwtSecret: keys.hsSecret,
      jwksCooldownMs: 30_000,
    };
  });

  afterAll(() => jwks.close());

  it('accepts a valid ES256 user token and returns its user id and email', async () => {
    const userId = randomUUID();
    const user = await new SupabaseJwtVerifier(settings).verify(
      await signWithKey(keys.es256, userClaims(jwks.issuer, userId)),
    );
    expect(user).toEqual({ id: userId, email: `${userId.slice(0, 8)}@example.test` });
  });

  it('accepts RS256 tokens from the JWKS and HS256 tokens with the legacy secret', async () => {
    const verifier = new SupabaseJwtVerifier(settings);
    const userId = randomUUID();
    await expect(
      verifier.verify(await signWithKey(keys.rs256, userClaims(jwks.issuer, userId))),
    ).resolves.toMatchObject({ id: userId });
    await expect(
      verifier.verify(await signWithSecret(keys.hsSecret, userClaims(jwks.issuer, userId))),
    ).resolves.toMatchObject({ id: userId });
  });

  it('refuses every forged token with the right code', async () => {
    const verifier = new SupabaseJwtVerifier(settings);
    const forged = (await forgedTokens(keys, jwks.issuer)).filter((token) =>
      token.authorization?.startsWith('Bearer ey'),
    );
    expect(forged.length).toBeGreaterThan(20);
    const outcomes = [];
    for (const token of forged) {
      const jwt = (token.authorization ?? '').slice('Bearer '.length);
      outcomes.push({ name: token.name, code: await failureOf(verifier.verify(jwt)) });
    }
    expect(outcomes).toEqual(forged.map((token) => ({ name: token.name, code: token.code })));
  });

  it('refuses HS256 tokens when no legacy secret is configured, even when signed with the right secret', async () => {
    const verifier = new SupabaseJwtVerifier({ ...settings, jwtSecret: undefined });
    const token = await signWithSecret(keys.hsSecret, userClaims(jwks.issuer));
    expect(await failureOf(verifier.verify(token))).toBe('INVALID_TOKEN');
  });

  it('fetches the JWKS once for many verifications (cached)', async () => {
    const verifier = new SupabaseJwtVerifier(settings);
    const before = jwks.fetches;
    const token = await signWithKey(keys.es256, userClaims(jwks.issuer));
    await Promise.all(Array.from({ length: 20 }, () => verifier.verify(token)));
    await verifier.verify(token);
    expect(jwks.fetches - before).toBe(1);
  });

  it('picks up a rotated key on an unknown kid after the cooldown, and not during it', async () => {
    const rotated = await createExtraKey('ES256');
    const token = await signWithKey(rotated, userClaims(jwks.issuer));
    const patient = new SupabaseJwtVerifier({ ...settings, jwksCooldownMs: 60_000 });
    const eager = new SupabaseJwtVerifier({ ...settings, jwksCooldownMs: 0 });
    await patient.verify(await signWithKey(keys.es256, userClaims(jwks.issuer)));
    await eager.verify(await signWithKey(keys.es256, userClaims(jwks.issuer)));
    try {
      jwks.publish([keys.es256.publicJwk, keys.rs256.publicJwk, rotated.publicJwk]);
      expect(await failureOf(patient.verify(token))).toBe('INVALID_TOKEN');
      const fetchesBefore = jwks.fetches;
      await expect(eager.verify(token)).resolves.toHaveProperty('id');
      expect(jwks.fetches).toBe(fetchesBefore + 1);
    } finally {
      jwks.publish([keys.es256.publicJwk, keys.rs256.publicJwk]);
    }
  });

  it('answers AUTH_UNAVAILABLE (not INVALID_TOKEN) when the JWKS endpoint fails or is unreachable', async () => {
    const token = await signWithKey(keys.es256, userClaims(jwks.issuer));
    jwks.setMode('error');
    try {
      expect(await failureOf(new SupabaseJwtVerifier(settings).verify(token))).toBe('AUTH_UNAVAILABLE');
    } finally {
      jwks.setMode('ok');
    }
    const unreachable = new SupabaseJwtVerifier({ ...settings, jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    expect(await failureOf(unreachable.verify(token))).toBe('AUTH_UNAVAILABLE');
  });

  it('never echoes the token in the failure detail', async () => {
    const token = await signWithKey(
      keys.es256,
      userClaims(jwks.issuer, randomUUID(), { role: 'service_role' }),
    );
    const failure = await new SupabaseJwtVerifier(settings).verify(token).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AuthFailure);
    expect((failure as AuthFailure).detail).not.toContain(token.slice(0, 20));
    expect((failure as AuthFailure).detail).toMatch(/role/);
  });
});
