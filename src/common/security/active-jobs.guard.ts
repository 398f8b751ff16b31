import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RequestAuthenticator, type AuthenticatableRequest } from '../../auth/request-authenticator';
import { SECURITY_SETTINGS, type SecuritySettings } from '../../auth/security-settings';
import { isUploadRequest, type RoutedRequest } from './request-kind';
import { tooManyRequests, type HeaderSink } from './too-many-requests';
import { UploadSlots } from './upload-slots';

interface ClosableResponse extends HeaderSink {
  once(event: 'close', listener: () => void): unknown;
}

/** Counts a user's conversions that are not finished (not COMPLETED/FAILED/CANCELLED, not deleted). */
export interface ActiveJobsCounter {
  countActiveByUser(userId: string): Promise<number>;
}

export const ACTIVE_JOBS_COUNTER = Symbol('ACTIVE_JOBS_COUNTER');

/** A conversion of a typical book takes tens of seconds; ask the client to come back after that. */
export const ACTIVE_JOBS_RETRY_AFTER_S = 30;

/**
 * Caps the conversions one user may have running at once: an upload beyond MAX_ACTIVE_JOBS_PER_USER is answered
 * 429 ACTIVE_JOBS_LIMIT with Retry-After. Uploads still under way count too (UploadSlots), so a burst of parallel
 * uploads cannot slip past the cap before their job rows exist; the price is that an upload overlapping one whose
 * row was just written may be refused one job early.
 */
@Injectable()
export class ActiveJobsGuard implements CanActivate {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    @Inject(SECURITY_SETTINGS) private readonly settings: SecuritySettings,
    @Inject(ACTIVE_JOBS_COUNTER) private readonly counter: ActiveJobsCounter,
    private readonly slots: UploadSlots,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.settings.rateLimit.enabled) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatableRequest & RoutedRequest>();
    if (!isUploadRequest(request)) return true;
    const user = await this.authenticator.tryAuthenticate(request);
    if (!user) return true; // the AuthGuard answers 401 for this request
    const cap = this.settings.rateLimit.maxActiveJobsPerUser;
    const slot = await this.slots.take(user.id);
    const response = http.getResponse<ClosableResponse>();
    let busy: number;
    try {
      busy = (await this.counter.countActiveByUser(user.id)) + (slot ? slot.inFlight - 1 : 0);
    } catch (err) {
      slot?.release();
      throw err;
    }
    if (busy < cap) {
      if (slot) response.once('close', slot.release);
      return true;
    }
    slot?.release();
    throw tooManyRequests(
      response,
      'ACTIVE_JOBS_LIMIT',
      `You already have ${busy} conversions in progress or starting (at most ${cap}); upload again when one has finished.`,
      ACTIVE_JOBS_RETRY_AFTER_S,
    );
  }
}
