import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode } from '../enums';

/** The body of every error response. */
export interface ErrorBody {
  detail: string;
  code: string;
}

/** An HTTP error with a machine-readable code; the global filter renders it as `{detail, code}`. */
export class ApiError extends HttpException {
  constructor(status: HttpStatus, code: ErrorCode | string, detail: string) {
    super({ detail, code } satisfies ErrorBody, status);
    this.message = detail;
  }

  static notFound(detail = 'Job not found.', code: ErrorCode = ErrorCode.JOB_NOT_FOUND): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, code, detail);
  }
}
