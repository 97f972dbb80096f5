import type { RunningInfra } from '../../libs/infra/src';

const KEY = '__EYB_TEST_INFRA__';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as unknown as Record<
    string,
    { infra: RunningInfra; users: number } | undefined
  >;
  const shared = holder[KEY];
  if (!shared) return;
  shared.users--;
  if (shared.users > 0) return;
  holder[KEY] = undefined;
  await shared.infra.stop();
}
