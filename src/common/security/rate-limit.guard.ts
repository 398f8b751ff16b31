import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { RequestAuthenticator, type AuthenticatableRequest } from '../../auth/request-authenticator';
import { SECURITY_SETTINGS, type SecuritySettings } from '../../auth/security-settings';
import { tooManyRequests, type HeaderSink } from './too-many-requests';

export const UPLOADS_THROTTLER = 'uploads';

interface TrackedRequest extends AuthenticatableRequest {
  ip?: string;
}

/**
 * @nestjs/throttler's guard, keyed per user (the verified token's user id; the client IP for anonymous calls) and
 * answering 429 `{detail, code}` with `Retry-After`. Off when rate limiting is disabled (AUTH_MODE=none default).
 */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
    @Inject(SECURITY_SETTINGS) private readonly settings: SecuritySettings,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(): Promise<boolean> {
    return !this.settings.rateLimit.enabled;
  }

  // The base signature types the request as Record<string, any>; only headers and ip are read here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  protected override async getTracker(request: Record<string, any>): Promise<string> {
    const tracked = request as TrackedRequest;
    const user = await this.authenticator.tryAuthenticate(tracked);
    if (user) return `user:${user.id}`;
    return `ip:${normalizeIp(tracked.ip ?? 'unknown', this.ipv6SubnetPrefix)}`;
  }

  /** One budget per caller across all routes (not per route), so the limits read as "N requests per user". */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    limit: ThrottlerLimitDetail,
  ): Promise<void> {
    const response = context.switchToHttp().getResponse<HeaderSink>();
    throw limit.key.startsWith(`${UPLOADS_THROTTLER}:`)
      ? tooManyRequests(
          response,
          'UPLOAD_LIMIT',
          `Upload limit reached (${limit.limit} per hour); retry in ${limit.timeToBlockExpire} s.`,
          limit.timeToBlockExpire,
        )
      : tooManyRequests(
          response,
          'RATE_LIMITED',
          `Too many requests (${limit.limit} per minute); retry in ${limit.timeToBlockExpire} s.`,
          limit.timeToBlockExpire,
        );
  }
}
