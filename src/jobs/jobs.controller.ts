import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ErrorBodyDto } from '../common/errors/error-body.dto';
import { attachmentDisposition } from './content-disposition';
import { JobDto, JobListDto } from './dto/job.dto';
import { ListJobsQuery } from './dto/list-jobs.query';
import { JobsService } from './jobs.service';

const jobId = () => new ParseUUIDPipe();

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's jobs, newest first, paginated." })
  @ApiOkResponse({ type: JobListDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListJobsQuery): Promise<JobListDto> {
    return this.jobs.list(user.id, query.page, query.page_size);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status and progress of one job (poll this).' })
  @ApiOkResponse({ type: JobDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such job for this user.' })
  get(@CurrentUser() user: AuthUser, @Param('id', jobId()) id: string): Promise<JobDto> {
    return this.jobs.get(id, user.id);
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'The EPUB of a COMPLETED job.' })
  @ApiProduces('application/epub+zip')
  @ApiOkResponse({ description: 'The EPUB file.', schema: { type: 'string', format: 'binary' } })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The job is not COMPLETED (yet).' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async download(@CurrentUser() user: AuthUser, @Param('id', jobId()) id: string): Promise<StreamableFile> {
    const { stream, fileName } = await this.jobs.openDownload(id, user.id);
    return new StreamableFile(stream, {
      type: 'application/epub+zip',
      disposition: attachmentDisposition(fileName),
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Cancel and delete a job: CANCELLED at once if no stage runs, else at the running stage’s next checkpoint.',
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'Cancellation accepted.' })
  @ApiOkResponse({ type: JobDto, description: 'The job was already cancelled; nothing changed.' })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'The job is COMPLETED or FAILED: nothing to cancel.',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', jobId()) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobDto> {
    const outcome = await this.jobs.cancel(id, user.id);
    if (outcome.alreadyCancelled) response.status(HttpStatus.OK);
    return outcome.job;
  }
}
