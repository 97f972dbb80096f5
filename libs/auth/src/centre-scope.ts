import { trusted } from 'mongoose';
import type { Principal } from './principal';

/** What a scoped filter adds; `centreId` always, `la` when the caller has one. */
export interface CentreScopeFilterOptions {
  /** Field holding the centre id in the collection. Default `centreId`. */
  centreField?: string;
  /** Field holding the LA code; `null` for collections that do not carry it. Default `la`. */
  laField?: string | null;
}

/**
 * The centres (and LA) a caller may see. Only `CentreScope.of(principal)` makes one, so a
 * repository method for centre data that takes `(scope: CentreScope, …)` cannot be called with a
 * hand-made scope, and its filter always limits to the caller's centres: no centres, no rows.
 */
export class CentreScope {
  // A private field makes the type nominal: `{ centres: [...] }` is not a CentreScope.
  readonly #brand = true;

  private constructor(
    readonly centres: readonly string[],
    readonly la: string | undefined,
  ) {}

  static of(principal: Principal): CentreScope {
    return new CentreScope(Object.freeze([...principal.centres]), principal.la);
  }

  /** True when the scope can match nothing (a caller serving no centre). */
  get isEmpty(): boolean {
    return this.#brand && this.centres.length === 0;
  }

  /**
   * A Mongo filter limited to the scope: `{ ...extra, centreId: { $in: centres }, la }`. If
   * `extra` already constrains the centre or LA field, both apply (`$and`), the scope is never
   * replaced. The operator objects are marked trusted, so mongoose's `sanitizeFilter` keeps them.
   */
  filter<F extends object>(
    extra: F = {} as F,
    options: CentreScopeFilterOptions = {},
  ): Record<string, unknown> {
    const centreField = options.centreField ?? 'centreId';
    const laField = options.laField === undefined ? 'la' : options.laField;
    const scoped: Record<string, unknown> = {
      [centreField]: trusted({ $in: [...this.centres] }),
    };
    if (laField !== null && this.la !== undefined) scoped[laField] = this.la;
    const clashes = Object.keys(extra).some(
      (k) => k in scoped || k.startsWith(`${centreField}.`) || k.startsWith('$'),
    );
    if (clashes) return { $and: [extra, scoped] };
    return { ...extra, ...scoped };
  }
}
