import { KafkaConnection } from '@lib/kafka';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

const CHECK_TIMEOUT_MS = 3000;

/** Kafka is ready when the cluster answers a describe (a TCP connect alone proves little). */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isReady(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const cluster = await withTimeout(this.connection.describeCluster(), CHECK_TIMEOUT_MS);
      return cluster.brokers > 0
        ? indicator.up({ brokers: cluster.brokers })
        : indicator.down({ reason: 'no brokers' });
    } catch (error) {
      return indicator.down({ reason: error instanceof Error ? error.message : 'unreachable' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
