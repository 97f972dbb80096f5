/** How the infrastructure was obtained. */
export type InfraMode = 'external' | 'containers' | 'local';

/** A Kafka broker list and a MongoDB-wire-protocol server, ready to use. */
export interface RunningInfra {
  mode: InfraMode;
  /** e.g. ['127.0.0.1:9092'] */
  kafkaBrokers: string[];
  /** Server URI without a database name, e.g. 'mongodb://127.0.0.1:27017/'. */
  mongoUri: string;
  /** Stops whatever this call started (no-op for external); idempotent. */
  stop(): Promise<void>;
  /** Local mode only: stop and restart the broker (same ports and data), for outage tests. */
  kafkaControl?: { stop(): Promise<void>; start(): Promise<void> };
}

export interface ResolveInfraOptions {
  purpose: 'dev' | 'test';
  /** Progress lines ("building FerretDB launcher (first run, ~2 min)…"). Defaults to stderr. */
  log?: (line: string) => void;
  /**
   * Stop the infrastructure on SIGINT/SIGTERM/SIGHUP (default true). A caller that must stop its
   * own processes first (apps before the broker they commit offsets to) passes false and calls
   * stop() itself; process exit still ends everything.
   */
  stopOnSignal?: boolean;
}

export type Log = (line: string) => void;
