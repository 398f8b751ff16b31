import { HttpException, HttpStatus } from '@nestjs/common';

export type TooManyRequestsCode = 'RATE_LIMITED' | 'UPLOAD_LIMIT' | 'ACTIVE_JOBS_LIMIT';

/** Anything with a `setHeader` (Express and Node responses). */
export interface HeaderSink {
  setHeader(name: string, value: string | number): unknown;
}

/** 429 `{detail, code}`; sets `Retry-After` (whole seconds, at least 1) on the response first. */
export function tooManyRequests(
  response: HeaderSink,
  code: TooManyRequestsCode,
  detail: string,
  retryAfterSeconds: number,
): HttpException {
  response.setHeader('Retry-After', Math.max(1, Math.ceil(retryAfterSeconds)));
  return new HttpException({ detail, code }, HttpStatus.TOO_MANY_REQUESTS);
}
