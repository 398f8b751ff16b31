/**
 * @nestjs/throttler storage in Redis, so every API instance shares the same counters.
 * One Lua script per hit keeps "count, start the window, block when over the limit" atomic.
 */
import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

/**
 * KEYS[1] hit counter, KEYS[2] block marker; ARGV ttl ms, limit, block duration ms.
 * While blocked nothing is counted; when a hit goes over the limit the counter is reset and the block starts
 * (the same semantics as the throttler's in-memory storage).
 * Returns {hits, ms until the window ends, blocked 0/1, ms until the block ends}.
 */
const HIT_SCRIPT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  return {tonumber(ARGV[2]) + 1, blockTtl, 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, tonumber(ARGV[3]), 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const seconds = (milliseconds: number) => Math.max(0, Math.ceil(milliseconds / 1000));

/** How often a Redis outage is logged while requests keep flowing (fail-open). */
const OUTAGE_LOG_INTERVAL_MS = 30_000;

export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastOutageLog = 0;

  constructor(
    private readonly redis: Redis,
    /** Prefix of every key, e.g. `pdf2epub:ratelimit:`; tests use a random one. */
    private readonly keyPrefix: string,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // The guards' keys already name their throttler (UserThrottlerGuard: `uploads:user:<id>`, default: a hash).
    const base = `${this.keyPrefix}${key}`;
    try {
      const reply = (await this.redis.eval(
        HIT_SCRIPT,
        2,
        `${base}:hits`,
        `${base}:blocked`,
        Math.max(1, Math.round(ttl)),
        limit,
        Math.max(1, Math.round(blockDuration)),
      )) as [number, number, number, number];
      const [totalHits, windowMs, blocked, blockMs] = reply.map(Number);
      return {
        totalHits,
        timeToExpire: seconds(windowMs),
        isBlocked: blocked === 1,
        timeToBlockExpire: seconds(blockMs),
      };
    } catch (err) {
      return this.failOpen(err);
    }
  }

  /**
   * Redis unreachable: let the request through rather than take the API down with it (the queue needs Redis
   * anyway, so uploads fail on their own), and say so in the logs.
   */
  private failOpen(err: unknown): ThrottlerStorageRecord {
    const now = Date.now();
    if (now - this.lastOutageLog > OUTAGE_LOG_INTERVAL_MS) {
      this.lastOutageLog = now;
      this.logger.warn(
        `rate limiting skipped, Redis unavailable: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
  }
}
