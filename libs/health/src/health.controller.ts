import { Public } from '@lib/auth';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  MongooseHealthIndicator,
} from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: MongooseHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the store and Kafka both answer (503 otherwise)' })
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.store.pingCheck('store', { timeout: 3000 }),
      () => this.kafka.isReady('kafka'),
    ]);
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
