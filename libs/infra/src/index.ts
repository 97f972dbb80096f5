export type { InfraMode, ResolveInfraOptions, RunningInfra } from './types';
export { resolveInfra } from './resolve-infra';
