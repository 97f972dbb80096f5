import type { Role } from './roles';

/** Who is calling, as the verified token says. */
export interface Principal {
  /** The token's `sub`: a person or a system client. */
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Local authority code (e.g. E06000045). */
  readonly la?: string;
  /** Children's centre ids the caller serves; empty for callers that serve none. */
  readonly centres: readonly string[];
  /** Organisation code, for system clients (births feed, health-visiting system). */
  readonly org?: string;
}

const PRINCIPAL = Symbol('eyb.principal');

interface WithPrincipal {
  [PRINCIPAL]?: Principal;
}

/** Set by the auth guard once the token is verified; nothing else writes it. */
export function attachPrincipal(request: object, principal: Principal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

/** The verified caller of a request, or undefined on a public route called without a token. */
export function principalOf(request: object): Principal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}
