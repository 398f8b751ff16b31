/**
 * Rate limits, the active-conversions cap, helmet and CORS in a minimal Nest app with the real AuthModule and
 * SecurityModule, counters in the real Redis (random key prefix). The service's own routes are exercised in
 * security-http.spec.ts; here small limits make each rule quick to reach.
 */
import { randomUUID } from 'node:crypto';
import {
  Controller,
  Get,
  Global,
  HttpCode,
  Injectable,
  Module,
  Param,
  Post,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { Pool } from 'pg';
import request from 'supertest';
import { AuthModule } from '../../src/auth/auth.module';
import { CurrentUser, type AuthUser } from '../../src/auth/auth-user';
import { Public } from '../../src/auth/public.decorator';
import { readSecuritySettings } from '../../src/auth/security-settings';
import type { ActiveJobsCounter } from '../../src/common/security/active-jobs.guard';
import { applyHttpSecurity } from '../../src/common/security/http-security';
import { RedisThrottlerStorage } from '../../src/common/security/redis-throttler.storage';
import { SecurityModule } from '../../src/common/security/security.module';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { createTestKeys, signWithKey, userClaims, type TestKeys } from '../helpers/tokens';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `pdf2epub:test:${randomUUID().slice(0, 8)}:`;
const POOL = Symbol('POOL');

@Controller('api/v1')
class ProbeController {
  @Get('jobs/:id')
  job(@Param('id') id: string, @CurrentUser() user: AuthUser) {
    return { id, user: user.id };
  }

  @Post('upload')
  @HttpCode(202)
  upload(@CurrentUser() user: AuthUser) {
    return { job_id: randomUUID(), user: user.id };
  }

  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }
}

/** Stands in for ConversionJobsRepository.countActiveByUser: the active counts are set by each test. */
@Injectable()
class ActiveJobsTable implements ActiveJobsCounter {
  readonly active = new Map<string, number>();

  async countActiveByUser(userId: string): Promise<number> {
    return this.active.get(userId) ?? 0;
  }
}

/** Global, like the service's DatabaseModule. */
@Global()
@Module({
  providers: [ActiveJobsTable, { provide: POOL, useFactory: () => new Pool({ max: 1 }) }],
  exports: [ActiveJobsTable, POOL],
})
class TestDependencies {}

const ENV = {
  AUTH_MODE: 'supabase',
  RATE_LIMIT_PER_MINUTE: '6',
  RATE_LIMIT_UPLOADS_PER_HOUR: '3',
  MAX_ACTIVE_JOBS_PER_USER: '2',
  RATE_LIMIT_KEY_PREFIX: PREFIX,
  CORS_ORIGINS: 'https://app.example',
  REDIS_URL,
};

describe('rate limits and HTTP hardening', () => {
  let app: INestApplication;
  let keys: TestKeys;
  let jwks: JwksServer;
  let table: ActiveJobsTable;
  const saved: Record<string, string | undefined> = {};

  const tokenFor = async (userId: string) =>
    `Bearer ${await signWithKey(keys.es256, userClaims(jwks.issuer, userId))}`;

  beforeAll(async () => {
    keys = await createTestKeys();
    jwks = await startJwksServer([keys.es256.publicJwk]);
    const env = { ...ENV, SUPABASE_URL: jwks.url };
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        TestDependencies,
        SecurityModule.forRoot({ pgPool: POOL, activeJobsCounter: ActiveJobsTable }),
        AuthModule,
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    applyHttpSecurity(app, readSecuritySettings(process.env));
    await app.init();
    table = app.get(ActiveJobsTable);
  });

  afterAll(async () => {
    await app?.close();
    await app?.get<Pool>(POOL).end();
    await jwks.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const redis = new Redis(REDIS_URL);
    const leftovers = await redis.keys(`${PREFIX}*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    await redis.quit();
  });

  it('answers 429 RATE_LIMITED with Retry-After once a user exceeds the per-minute budget, per user', async () => {
    const [alice, bob] = [await tokenFor(randomUUID()), await tokenFor(randomUUID())];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (await request(app.getHttpServer()).get(`/api/v1/jobs/${i}`).set('Authorization', alice)).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const limited = await request(app.getHttpServer()).get('/api/v1/jobs/7').set('Authorization', alice);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ detail: expect.stringContaining('per minute'), code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    await request(app.getHttpServer()).get('/api/v1/jobs/1').set('Authorization', bob).expect(200);
  });

  it('shares counters between API instances through Redis', async () => {
    const other = new Redis(REDIS_URL, { lazyConnect: true });
    await other.connect();
    try {
      const secondInstance = new RedisThrottlerStorage(other, PREFIX);
      const userId = randomUUID();
      const token = await tokenFor(userId);
      for (let i = 0; i < 6; i += 1)
        await secondInstance.increment(`default:user:${userId}`, 60_000, 6, 60_000, 'default');
      await request(app.getHttpServer()).get('/api/v1/jobs/1').set('Authorization', token).expect(429);
    } finally {
      await other.quit();
    }
  });

  it('counts requests with bad or missing tokens per client IP, before authentication', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push(
        (await request(app.getHttpServer()).get('/api/v1/jobs/1').set('Authorization', 'Bearer x.y.z'))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
  });

  it('limits uploads per user per hour with UPLOAD_LIMIT', async () => {
    const token = await tokenFor(randomUUID());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await request(app.getHttpServer()).post('/api/v1/upload').set('Authorization', token)).status,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await request(app.getHttpServer()).post('/api/v1/upload').set('Authorization', token);
    expect(limited.body.code).toBe('UPLOAD_LIMIT');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('refuses an upload while the user has MAX_ACTIVE_JOBS_PER_USER conversions running', async () => {
    const userId = randomUUID();
    const token = await tokenFor(userId);
    table.active.set(userId, 2);
    const refused = await request(app.getHttpServer()).post('/api/v1/upload').set('Authorization', token);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      detail: expect.stringContaining('2 conversions in progress'),
      code: 'ACTIVE_JOBS_LIMIT',
    });
    expect(refused.headers['retry-after']).toBe('30');
    table.active.set(userId, 1);
    await request(app.getHttpServer()).post('/api/v1/upload').set('Authorization', token).expect(202);
  });

  it('sends helmet headers and CORS headers only to the allowed origin', async () => {
    const token = await tokenFor(randomUUID());
    const allowed = await request(app.getHttpServer())
      .get('/api/v1/jobs/1')
      .set('Authorization', token)
      .set('Origin', 'https://app.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(allowed.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(allowed.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(allowed.headers['x-powered-by']).toBeUndefined();

    const foreign = await request(app.getHttpServer())
      .get('/api/v1/health')
      .set('Origin', 'https://evil.example');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await request(app.getHttpServer())
      .options('/api/v1/upload')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,idempotency-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
  });
});

describe('RedisThrottlerStorage', () => {
  const prefix = `pdf2epub:test:${randomUUID().slice(0, 8)}:`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    const leftovers = await redis.keys(`${prefix}*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    await redis.quit();
  });

  it('counts hits in a window, blocks over the limit for the block duration, then starts afresh', async () => {
    const storage = new RedisThrottlerStorage(redis, prefix);
    const hit = () => storage.increment('k', 400, 2, 1500, 'default');
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false, timeToExpire: 1 });
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 2 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await hit()).toMatchObject({ isBlocked: true }); // the block outlasts the window
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('lets requests through when Redis is unreachable (fail-open), quickly', async () => {
    const down = new Redis('redis://127.0.0.1:9', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    try {
      const started = Date.now();
      const record = await new RedisThrottlerStorage(down, prefix).increment(
        'k',
        60_000,
        1,
        60_000,
        'default',
      );
      expect(record).toEqual({ totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      down.disconnect();
    }
  });
});
