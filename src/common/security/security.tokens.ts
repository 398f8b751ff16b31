/** The rate limiter's own ioredis connection (see SecurityModule). */
export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
