import { ApiProperty } from '@nestjs/swagger';

/** Swagger schema of `{detail, code}`, the shape of every error response. */
export class ErrorBodyDto {
  @ApiProperty({
    description: 'Human-readable explanation, safe to show to users.',
    example: 'Job not found.',
  })
  detail!: string;

  @ApiProperty({ description: 'Stable machine-readable error code.', example: 'JOB_NOT_FOUND' })
  code!: string;
}
