import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';

/** Resolves when a broker answers an admin describeCluster; rejects otherwise (no retries). */
export async function probeKafka(brokers: string[], timeoutMs = 5000): Promise<void> {
  const kafka = new Kafka({
    clientId: 'eyb-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('describeCluster returned no brokers');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Resolves when the server answers a ping. */
export async function probeMongo(uri: string, timeoutMs = 5000): Promise<void> {
  const client = new mongo.MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
