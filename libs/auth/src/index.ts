export { ROLES, isRole, type Role } from './roles';
export { attachPrincipal, principalOf, type Principal } from './principal';
export {
  DEV_ALGORITHM,
  DEV_AUDIENCE,
  DEV_ISSUER,
  DEV_SECRET_DEFAULT,
  mintDevToken,
  type DevTokenClaims,
  type DevTokenOptions,
} from './dev-token';
export {
  authSettingsFrom,
  principalFromClaims,
  PRODUCTION_ALGORITHMS,
  TokenRejectedError,
  TokenVerifier,
  type AuthSettings,
} from './token-verifier';
export { CentreScope, type CentreScopeFilterOptions } from './centre-scope';
export {
  CurrentCentreScope,
  CurrentPrincipal,
  IS_PUBLIC_KEY,
  Public,
  Roles,
  ROLES_KEY,
} from './decorators';
export { AuthGuard } from './auth.guard';
export { AuthModule } from './auth.module';
