/** Which way to obtain infrastructure, decided from the environment alone (pure). */
export type ModeChoice =
  | { kind: 'external'; kafkaBrokers: string[]; mongoUri: string }
  /** Use a Docker engine if one answers, else local processes. */
  | { kind: 'auto' }
  /** Docker engine required (TEST_INFRA=containers). */
  | { kind: 'containers' }
  /** Local processes, no Docker probe (TEST_INFRA=local). */
  | { kind: 'local' };

export interface ModeDecision {
  choice: ModeChoice;
  /** Things worth telling the user (e.g. a half-set external configuration). */
  warnings: string[];
}

export function parseBrokers(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

export function chooseMode(env: NodeJS.ProcessEnv): ModeDecision {
  const warnings: string[] = [];
  const brokers = parseBrokers(env.KAFKA_BROKERS);
  const mongoUri = (env.MONGODB_URI ?? '').trim();
  if (brokers.length > 0 && mongoUri !== '') {
    return { choice: { kind: 'external', kafkaBrokers: brokers, mongoUri }, warnings };
  }
  if (brokers.length > 0 || mongoUri !== '') {
    const set = brokers.length > 0 ? 'KAFKA_BROKERS' : 'MONGODB_URI';
    const unset = brokers.length > 0 ? 'MONGODB_URI' : 'KAFKA_BROKERS';
    warnings.push(
      `${set} is set but ${unset} is not: external infrastructure needs both, so ${set} is ignored and both are started here`,
    );
  }
  const testInfra = (env.TEST_INFRA ?? '').trim().toLowerCase();
  switch (testInfra) {
    case '':
    case 'auto':
      return { choice: { kind: 'auto' }, warnings };
    case 'local':
      return { choice: { kind: 'local' }, warnings };
    case 'containers':
    case 'docker':
      return { choice: { kind: 'containers' }, warnings };
    default:
      throw new Error(
        `TEST_INFRA=${env.TEST_INFRA} is not understood: use 'local' (local processes), 'containers' (Docker engine required) or leave it unset`,
      );
  }
}
