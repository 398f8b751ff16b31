/**
 * HTTP hardening for the Nest (Express) app: helmet's headers, CORS limited to CORS_ORIGINS, and the proxy hops
 * trusted for client IPs (rate limiting of anonymous calls keys on the IP).
 */
import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import type { SecuritySettings } from '../../auth/security-settings';

export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];
export const CORS_EXPOSED_HEADERS = [
  'Retry-After',
  'Content-Disposition',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

interface ExpressLike {
  set(setting: string, value: unknown): unknown;
}

function trustProxyHops(app: INestApplication, hops: number): void {
  if (hops <= 0) return;
  const instance: unknown = app.getHttpAdapter().getInstance();
  if (typeof (instance as Partial<ExpressLike>).set === 'function')
    (instance as ExpressLike).set('trust proxy', hops);
}

/** Call once on the app before it listens (configureApp does). */
export function applyHttpSecurity(
  app: INestApplication,
  settings: Pick<SecuritySettings, 'corsOrigins' | 'trustProxyHops'>,
): void {
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'same-site' } }));
  trustProxyHops(app, settings.trustProxyHops);
  if (settings.corsOrigins.length === 0) return; // no CORS headers at all: browsers refuse cross-origin calls
  app.enableCors({
    origin: settings.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
}
