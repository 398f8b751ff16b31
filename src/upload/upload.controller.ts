import {
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ErrorBodyDto } from '../common/errors/error-body.dto';
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
  upload(
    @CurrentUser() user: AuthUser,
    @UploadedFile() file: ReceivedFile | undefined,
  ): Promise<JobAcceptedDto> {
    return this.uploads.accept(user.id, file);
  }
}
