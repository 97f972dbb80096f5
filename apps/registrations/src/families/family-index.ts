import { childNhsNumber, factsOn, type FamilyState } from './family';

export interface FamilySearch {
  surname?: string;
  postcode?: string;
  familyId?: string;
  address?: string;
}

interface Entry {
  family: FamilyState;
  /** Every family name of the family (carers and children), whole and by part, normalised. */
  surnames: string[];
  /** Current postcode without spaces, upper case. */
  postcode: string;
  /** Current address lines and town, normalised. */
  address: string;
}

/** Lower case, accents removed, letters and digits only (`O'Brien-Smith` → `obriensmith`). */
export function normaliseName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function normaliseText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The families of each centre, in memory, for the desk's search: the store answers only `_id`
 * lookups without scanning whole collections, and a centre holds thousands of families, which
 * a scan in memory filters in well under a millisecond. Loaded whole at start; every change this
 * process makes is put here as it is stored (the service runs as one process: see README).
 */
export class FamilyIndex {
  private readonly byCentre = new Map<string, Map<string, Entry>>();
  private readonly byId = new Map<string, Entry>();
  private readonly byNhsNumber = new Map<string, Set<string>>();

  put(family: FamilyState, today: string): void {
    const facts = factsOn(family, today);
    const names = [
      ...family.carers.map((c) => c.familyName),
      ...family.children.map((c) => c.familyName),
    ];
    const surnames = new Set<string>();
    for (const name of names) {
      surnames.add(normaliseName(name));
      for (const part of name.split(/[\s-]+/)) surnames.add(normaliseName(part));
    }
    const { line1, line2, town } = facts.address;
    const entry: Entry = {
      family,
      surnames: [...surnames].filter((s) => s.length > 0),
      postcode: facts.address.postcode.replace(/\s+/g, '').toUpperCase(),
      address: normaliseText([line1, line2, town].filter((p) => p !== undefined).join(' ')),
    };
    this.remove(family._id);
    this.byId.set(family._id, entry);
    for (const nhs of nhsNumbersOf(family)) {
      let families = this.byNhsNumber.get(nhs);
      if (!families) this.byNhsNumber.set(nhs, (families = new Set<string>()));
      families.add(family._id);
    }
    let centre = this.byCentre.get(family.centreId);
    if (!centre) this.byCentre.set(family.centreId, (centre = new Map<string, Entry>()));
    centre.set(family._id, entry);
  }

  remove(familyId: string): void {
    const held = this.byId.get(familyId);
    if (!held) return;
    this.byId.delete(familyId);
    this.byCentre.get(held.family.centreId)?.delete(familyId);
    for (const nhs of nhsNumbersOf(held.family)) {
      const families = this.byNhsNumber.get(nhs);
      families?.delete(familyId);
      if (families?.size === 0) this.byNhsNumber.delete(nhs);
    }
  }

  /** Families with a child of this NHS number (given on the form or linked). */
  withChild(nhsNumber: string): FamilyState[] {
    return [...(this.byNhsNumber.get(nhsNumber) ?? [])].map((id) => this.byId.get(id)!.family);
  }

  all(): FamilyState[] {
    return [...this.byId.values()].map((e) => e.family);
  }

  get(familyId: string): FamilyState | undefined {
    return this.byId.get(familyId)?.family;
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Families of the centre that match every criterion given (withdrawn ones are not listed):
   * surname: the start of any family name or part of one; postcode: the start of the postcode
   * (spaces ignored, so a district finds its families); familyId: exactly; address: words that
   * appear in the address lines in that order. Sorted by first carer's family name, then id.
   */
  search(centreId: string, criteria: FamilySearch): FamilyState[] {
    const surname = criteria.surname ? normaliseName(criteria.surname) : undefined;
    const postcode = criteria.postcode?.replace(/\s+/g, '').toUpperCase();
    const familyId = criteria.familyId?.toUpperCase();
    const address = criteria.address ? normaliseText(criteria.address) : undefined;
    const found: Entry[] = [];
    for (const entry of this.byCentre.get(centreId)?.values() ?? []) {
      if (entry.family.withdrawal) continue;
      if (familyId && entry.family._id.toUpperCase() !== familyId) continue;
      if (surname && !entry.surnames.some((s) => s.startsWith(surname))) continue;
      if (postcode && !entry.postcode.startsWith(postcode)) continue;
      if (address && !entry.address.includes(address)) continue;
      found.push(entry);
    }
    const sortName = (e: Entry) => normaliseName(e.family.carers[0]?.familyName ?? '');
    return found
      .sort(
        (a, b) =>
          sortName(a).localeCompare(sortName(b)) || a.family._id.localeCompare(b.family._id),
      )
      .map((e) => e.family);
  }
}

function nhsNumbersOf(family: FamilyState): string[] {
  return family.children.map(childNhsNumber).filter((n): n is string => n !== undefined);
}
