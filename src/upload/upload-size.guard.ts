import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../common/errors/api-error';
import { ErrorCode } from '../common/enums';
import { AppConfig } from '../config';

/** Room for the multipart envelope (boundaries, part headers) around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Rejects an upload whose declared Content-Length is already over the limit, before reading the body, and
 * closes the connection rather than draining it. Chunked uploads are stopped by multer's fileSize limit.
 */
@Injectable()
export class UploadSizeGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const declared = Number(http.getRequest<Request>().headers['content-length'] ?? 0);
    if (declared > this.config.maxUploadBytes + MULTIPART_OVERHEAD_BYTES) {
      http.getResponse<Response>().setHeader('Connection', 'close');
      throw new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, ErrorCode.FILE_TOO_LARGE, this.tooLargeMessage());
    }
    return true;
  }

  tooLargeMessage(): string {
    return `The file is larger than ${this.config.get('MAX_UPLOAD_MB')} MB.`;
  }
}
