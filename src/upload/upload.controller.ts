import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ErrorBodyDto } from '../common/errors/error-body.dto';
import { IDEMPOTENCY_HEADER } from '../common/security/idempotency.service';
import { JobAcceptedDto } from '../jobs/dto/job.dto';
import { UploadService, type ReceivedFile } from './upload.service';
import { UploadSizeGuard } from './upload-size.guard';

@ApiTags('upload')
@Controller('upload')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(UploadSizeGuard)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Upload a PDF; the conversion starts at once.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'No file, or more than one.' })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Larger than MAX_UPLOAD_MB.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: 'Not a PDF (UNSUPPORTED_FORMAT).' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'The pipeline could not be reached.' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retry-safe uploads: the same key with the same file returns the original job (200).',
  })
  @ApiOkResponse({
    type: JobAcceptedDto,
    description: 'A retry of an earlier upload (same Idempotency-Key and file).',
  })
  async upload(
    @CurrentUser() user: AuthUser,
    @UploadedFile() file: ReceivedFile | undefined,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobAcceptedDto> {
    const { body, replayed } = await this.uploads.accept(user.id, file, idempotencyKey);
    if (replayed) response.status(HttpStatus.OK);
    return body;
  }
}
