import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { ApiError } from '../common/errors/api-error';
import { ErrorCode } from '../common/enums';
import { ErrorBodyDto } from '../common/errors/error-body.dto';
import { DependencyIndicators } from './health.indicators';
import { WorkerRegistry } from './worker-registry.service';

class WorkerDto {
  @ApiProperty({ example: 'worker@host-1:4242' })
  name!: string;

  @ApiProperty()
  host!: string;

  @ApiProperty()
  pid!: number;

  @ApiProperty({ type: [String], example: ['analyze_layout', 'extract_content'] })
  queues!: string[];

  @ApiProperty({ description: 'Jobs each stage queue runs at once on this worker.' })
  concurrency!: number;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty({ format: 'date-time' })
  last_seen!: string;
}

class WorkerHealthDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ type: [WorkerDto] })
  workers!: WorkerDto[];
}

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: DependencyIndicators,
    private readonly workers: WorkerRegistry,
  ) {}

  @Get('health')
  @HealthCheck()
  @ApiOperation({ summary: 'PostgreSQL, Redis and storage reachability (503 when one is down).' })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'detail names the unreachable dependencies.',
  })
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.indicators.postgres(),
        () => this.indicators.redisPing(),
        () => this.indicators.storageCheck(),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as Partial<HealthCheckResult>;
      const down = Object.keys(result.error ?? {}).join(', ') || 'a dependency';
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.SERVICE_UNAVAILABLE,
        `Unavailable: ${down}.`,
      );
    }
  }

  @Get('worker/health')
  @ApiOperation({ summary: 'Live conversion workers; 503 when none is connected.' })
  @ApiOkResponse({ type: WorkerHealthDto })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto })
  async workerHealth(): Promise<WorkerHealthDto> {
    const workers = await this.workers.liveWorkers();
    if (workers.length === 0) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.NO_WORKERS,
        'No conversion worker is connected.',
      );
    }
    return { status: 'ok', workers };
  }
}
