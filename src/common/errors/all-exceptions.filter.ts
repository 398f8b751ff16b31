import {
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response, Request } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../enums';
import { ROOT_LOGGER } from '../logging/logging.module';
import type { ErrorBody } from './api-error';

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.VALIDATION_ERROR,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.NOT_FOUND,
  [HttpStatus.METHOD_NOT_ALLOWED]: ErrorCode.METHOD_NOT_ALLOWED,
  [HttpStatus.CONFLICT]: ErrorCode.CONFLICT,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.FILE_TOO_LARGE,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.UNSUPPORTED_FORMAT,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.TOO_MANY_REQUESTS,
  [HttpStatus.SERVICE_UNAVAILABLE]: ErrorCode.SERVICE_UNAVAILABLE,
};

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).detail === 'string' &&
    typeof (value as ErrorBody).code === 'string'
  );
}

/** Nest's built-in exceptions carry `{message: string | string[]}`; validation errors are the array form. */
function detailOf(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown } | null)?.message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return fallback;
}

/** Converts an HttpException into `{detail, code}`. */
export function toErrorBody(exception: HttpException): ErrorBody {
  const response = exception.getResponse();
  if (isErrorBody(response)) return { detail: response.detail, code: response.code };
  const status = exception.getStatus();
  const code =
    CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR);
  const detail =
    status === HttpStatus.NOT_FOUND && code === ErrorCode.NOT_FOUND
      ? 'Not found.'
      : detailOf(response, exception.message);
  return { detail, code };
}

/** Every error leaves the API as `{detail, code}`; unexpected ones are logged with their stack, never sent. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const { status, body } = this.describe(exception, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  private describe(exception: unknown, request: Request): { status: number; body: ErrorBody } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500)
        this.logger.error(
          { err: exception, method: request.method, url: request.originalUrl },
          'request failed',
        );
      return { status, body: toErrorBody(exception) };
    }
    if (isBodyParserError(exception)) {
      return {
        status: exception.status,
        body: { detail: 'The request body could not be read.', code: ErrorCode.VALIDATION_ERROR },
      };
    }
    this.logger.error(
      { err: exception, method: request.method, url: request.originalUrl },
      'unhandled error',
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { detail: 'An internal error occurred.', code: ErrorCode.INTERNAL_ERROR },
    };
  }
}

/** body-parser's errors (malformed JSON, too large) carry `type` and a 4xx `status`. */
function isBodyParserError(value: unknown): value is { status: number; type: string } {
  const candidate = value as { status?: unknown; type?: unknown } | null;
  return (
    typeof candidate?.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    typeof candidate.type === 'string'
  );
}
