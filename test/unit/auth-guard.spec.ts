/**
 * The global AuthGuard in a minimal Nest app (no database): AUTH_MODE=none gives the local user; AUTH_MODE=supabase
 * requires a verified token on every route but @Public() ones and answers 401 {detail, code}.
 */
import { Controller, Get, Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule, securityValuesFrom } from '../../src/auth/auth.module';
import { AppConfig } from '../../src/config';
import { CurrentUser, LOCAL_USER_ID, type AuthUser } from '../../src/auth/auth-user';
import { Public } from '../../src/auth/public.decorator';
import {
  buildSecuritySettings,
  readSecuritySettings,
  SecuritySettingsError,
} from '../../src/auth/security-settings';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { createTestKeys, forgedTokens, signWithKey, userClaims, type TestKeys } from '../helpers/tokens';

@Controller('probe')
class ProbeController {
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return user;
  }

  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }
}

const ENV_KEYS = [
  'AUTH_MODE',
  'SUPABASE_URL',
  'SUPABASE_JWKS_URL',
  'SUPABASE_JWT_SECRET',
  'NODE_ENV',
] as const;

async function appWith(env: Partial<Record<(typeof ENV_KEYS)[number], string>>): Promise<INestApplication> {
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  for (const key of ENV_KEYS) delete process.env[key];
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule],
      controllers: [ProbeController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  } finally {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

describe('security settings', () => {
  it('refuses AUTH_MODE=none in production, and supabase mode without SUPABASE_URL', () => {
    expect(() => readSecuritySettings({ NODE_ENV: 'production' })).toThrow(SecuritySettingsError);
    expect(() => readSecuritySettings({ NODE_ENV: 'production', AUTH_MODE: 'none' })).toThrow(/refused/);
    expect(() => readSecuritySettings({ AUTH_MODE: 'supabase' })).toThrow(/SUPABASE_URL/);
    expect(() => readSecuritySettings({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => readSecuritySettings({ CORS_ORIGINS: 'https://app.example/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => readSecuritySettings({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('derives issuer and JWKS URL from SUPABASE_URL and turns rate limits on with real auth only', () => {
    const supabase = readSecuritySettings({
      NODE_ENV: 'production',
      AUTH_MODE: 'supabase',
      SUPABASE_URL: 'https://abc.supabase.co/',
      CORS_ORIGINS: 'https://app.example, https://admin.example',
    });
    expect(supabase.supabase).toMatchObject({
      issuer: 'https://abc.supabase.co/auth/v1',
      jwksUrl: 'https://abc.supabase.co/auth/v1/.well-known/jwks.json',
      jwtSecret: undefined,
    });
    expect(supabase.corsOrigins).toEqual(['https://app.example', 'https://admin.example']);
    expect(supabase.rateLimit).toMatchObject({ enabled: true, perMinute: 120, uploadsPerHour: 30 });
    expect(readSecuritySettings({}).rateLimit.enabled).toBe(false);
  });
});

describe('security settings from the app configuration', () => {
  it('maps AppConfig keys, keeps rate-limit keys beside the queues, and applies the same rules', () => {
    const settings = buildSecuritySettings(
      securityValuesFrom(
        AppConfig.fromEnv({
          AUTH_MODE: 'supabase',
          SUPABASE_URL: 'https://abc.supabase.co',
          QUEUE_NAME: 'tenant_a',
          CORS_ORIGINS: 'https://app.example',
          RATE_LIMIT_UPLOADS_PER_HOUR: '7',
        }),
      ),
    );
    expect(settings).toMatchObject({
      authMode: 'supabase',
      supabase: { issuer: 'https://abc.supabase.co/auth/v1' },
      corsOrigins: ['https://app.example'],
      rateLimit: { enabled: true, uploadsPerHour: 7, keyPrefix: 'tenant_a:ratelimit:' },
    });
    const badCors = securityValuesFrom(AppConfig.fromEnv({ CORS_ORIGINS: 'app.example' }));
    expect(() => buildSecuritySettings(badCors)).toThrow(/CORS_ORIGINS/);
  });
});

describe('AuthGuard, AUTH_MODE=none', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appWith({ AUTH_MODE: 'none' });
  });
  afterAll(() => app.close());

  it('warns at start-up that authentication is off', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const another = await appWith({ AUTH_MODE: 'none' });
      await another.close();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('AUTH_MODE=none'));
    } finally {
      warn.mockRestore();
    }
  });

  it('treats every request as the fixed local user', async () => {
    const response = await request(app.getHttpServer()).get('/probe/me').expect(200);
    expect(response.body).toEqual({ id: LOCAL_USER_ID });
  });

  it('refuses to start in production', async () => {
    await expect(appWith({ AUTH_MODE: 'none', NODE_ENV: 'production' })).rejects.toThrow(/AUTH_MODE/);
  });
});

describe('AuthGuard, AUTH_MODE=supabase', () => {
  let app: INestApplication;
  let keys: TestKeys;
  let jwks: JwksServer;

  beforeAll(async () => {
    keys = await createTestKeys();
    jwks = await startJwksServer([keys.es256.publicJwk, keys.rs256.publicJwk]);
    app = await appWith({
      AUTH_MODE: 'supabase',
      SUPABASE_URL: jwks.url,
      SUPABASE_JWT_SECRET: keys.hsSecret,
    });
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('lets a valid token through as its user', async () => {
    const claims = userClaims(jwks.issuer);
    const response = await request(app.getHttpServer())
      .get('/probe/me')
      .set('Authorization', `Bearer ${await signWithKey(keys.es256, claims)}`)
      .expect(200);
    expect(response.body).toMatchObject({ id: claims.sub });
  });

  it('keeps @Public() routes open', async () => {
    await request(app.getHttpServer()).get('/probe/health').expect(200, { ok: true });
  });

  it('answers 401 {detail, code} with a Bearer challenge for every forged token', async () => {
    const outcomes = [];
    const forged = await forgedTokens(keys, jwks.issuer);
    for (const token of forged) {
      const call = request(app.getHttpServer()).get('/probe/me');
      if (token.authorization !== undefined) call.set('Authorization', token.authorization);
      const response = await call;
      outcomes.push({
        name: token.name,
        status: response.status,
        code: (response.body as { code?: string }).code,
        detailIsText: typeof (response.body as { detail?: unknown }).detail === 'string',
        challenge: /^Bearer/.test(String(response.headers['www-authenticate'])),
      });
    }
    expect(outcomes).toEqual(
      forged.map((token) => ({
        name: token.name,
        status: 401,
        code: token.code,
        detailIsText: true,
        challenge: true,
      })),
    );
  });
});
