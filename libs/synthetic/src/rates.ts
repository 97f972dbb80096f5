/**
 * Every rate the synthetic LA is generated with, in one table (copied into the README). Figures
 * are rounded from the public statistics named; where England has no published figure the value
 * is a plausible assumption, said so. Rates that vary by area are given for IMD decile 1 (most
 * deprived) and decile 10 (least deprived); an LSOA's rate is interpolated linearly between them.
 */
export interface Rate {
  value: number;
  /** The rate in the least deprived decile, when it varies by deprivation (value: decile 1). */
  leastDeprived?: number;
  source: string;
}

// prettier-ignore
export const RATES = {
  // --- births ----------------------------------------------------------------------------------
  birthsPerYearLa: { value: 4000, source: 'A mid-size English unitary LA (ONS births by LA, 2023: 2,500-6,000)' },
  birthsPerYearNational: { value: 600_000, source: 'ONS: 591,072 live births in England and Wales, 2023' },
  multipleDelivery: { value: 0.015, source: 'ONS Birth characteristics 2022: 14.6 multiple maternities per 1,000' },
  tripletsOfMultiple: { value: 0.01, source: 'ONS: triplets and higher are ~1% of multiple maternities' },
  preterm: { value: 0.075, source: 'ONS Birth characteristics 2022: 7.4% of live births under 37 weeks' },
  pretermOfMultiple: { value: 0.55, source: 'ONS: about half of twins are born preterm' },
  termLowBirthWeight: { value: 0.038, leastDeprived: 0.022, source: 'OHID Fingertips 2021: LBW of term babies 2.8% England, higher in deprived areas' },
  deliverySpontaneous: { value: 0.49, source: 'NHS Maternity Statistics 2022-23: spontaneous 48%' },
  deliveryInstrumental: { value: 0.12, source: 'NHS Maternity Statistics 2022-23: instrumental 12%' },
  deliveryCaesareanElective: { value: 0.16, source: 'NHS Maternity Statistics 2022-23: elective caesarean 16%' },
  deliveryCaesareanEmergency: { value: 0.22, source: 'NHS Maternity Statistics 2022-23: emergency caesarean 23%' },
  deliveryUnknown: { value: 0.01, source: 'Assumption: method not recorded' },
  sexMale: { value: 0.512, source: 'ONS: sex ratio at birth ~105 boys per 100 girls' },
  sexIndeterminateOrUnknown: { value: 0.001, source: 'Assumption: I or U recorded rarely' },
  teenageMother: { value: 0.04, leastDeprived: 0.01, source: 'ONS 2022: 2.6% of births to mothers under 20, concentrated in deprived areas' },
  smokingAtDelivery: { value: 0.14, leastDeprived: 0.04, source: 'NHS Digital SATOD 2022-23: 8.8% England (7.4% 2023-24), far higher in deprived areas' },
  smokingUnknown: { value: 0.02, source: 'SATOD data quality: ~2% status not known' },
  minorityEthnic: { value: 0.35, leastDeprived: 0.18, source: 'Census 2021: ~26% of under-5s in England not White British' },
  ethnicityNotStated: { value: 0.03, source: 'Assumption: Z (not stated) on ~3% of records' },
  sharingObjectionAtBirth: { value: 0.02, source: 'Assumption: opt-outs are rare (The Right Start, 2014: "very few")' },
  objectionLaterWithdrawn: { value: 0.3, source: 'Assumption: about a third of objections are withdrawn' },
  objectionAtNbv: { value: 0.01, source: 'Assumption: Red Book opt-out slip at the new-birth visit' },
  infantDeathInFirstYear: { value: 0.0037, source: 'ONS Child and infant mortality 2022: 3.9 per 1,000 live births' },
  // --- moves -----------------------------------------------------------------------------------
  moveOutPerYear: { value: 0.07, source: 'ONS internal migration: ~7% of under-5s move LA each year' },
  moveWithinPerYear: { value: 0.1, source: 'Assumption: ~10% of young families move home within the LA each year' },
  moveInPerBirth: { value: 0.12, source: 'ONS internal migration: inflow of under-2s ~12% of the birth cohort' },
  // --- health visiting -------------------------------------------------------------------------
  antenatalContact: { value: 0.6, source: 'OHID HV metrics 2023-24: antenatal contact ~60% (mother with NHS number)' },
  nbvWithin14Days: { value: 0.85, source: 'OHID HV metrics 2023-24: NBV within 14 days 81-85%' },
  nbvLate: { value: 0.13, source: 'OHID HV metrics: most of the rest are seen after day 14' },
  review68Week: { value: 0.8, source: 'OHID HV metrics 2023-24: 6-8 week review by 8 weeks ~80%' },
  review12Month: { value: 0.76, source: 'OHID HV metrics 2023-24: 12-month review by 12 months ~76%' },
  review2Year: { value: 0.73, source: 'OHID HV metrics 2023-24: 2-2½ year review by 2½ years ~73%' },
  reviewDidNotAttend: { value: 0.05, source: 'Assumption: ~5% of booked reviews are DNA (re-booked)' },
  breastfedAtNbv: { value: 0.62, leastDeprived: 0.82, source: 'OHID 2023-24: ~72% breastfed at NBV (partially or totally)' },
  breastfedAt68Week: { value: 0.38, leastDeprived: 0.62, source: 'OHID 2023-24: 49.2% breastfed at 6-8 weeks, lower in deprived areas' },
  totallyOfBreastfed: { value: 0.6, source: 'OHID 2023-24: ~30% totally of ~49% any at 6-8 weeks' },
  feedingStatusMissing: { value: 0.08, source: 'Southampton: breastfeeding returns completeness 63%-91%; 92% assumed' },
  // --- centres ---------------------------------------------------------------------------------
  registeredWithCentre: { value: 0.82, leastDeprived: 0.55, source: "Children's centre reach 60-90% (NAO 2006, Ofsted); higher in targeted areas" },
  registrationGivesNhsNumber: { value: 0.6, source: "Assumption: many forms omit the child's NHS number (DOMAIN.md, Identity)" },
  fatherOnForm: { value: 0.45, source: 'Assumption: fathers named on about half of registrations' },
  loneParent: { value: 0.22, leastDeprived: 0.1, source: 'ONS Families and households 2023: 15% of families with children are lone-parent' },
  worklessHousehold: { value: 0.2, leastDeprived: 0.05, source: 'ONS Working and workless households 2023: 10.3% of children' },
  disabledParent: { value: 0.08, source: 'Assumption: ~8% of carers report a disability' },
  disabledChild: { value: 0.03, source: 'DWP FRS: ~3% of under-5s disabled' },
  attendsSessions: { value: 0.75, source: 'Assumption: three in four registered families attend at least once' },
  sessionsPerMonth: { value: 1.2, source: 'Assumption: mean attendances per month of an attending family' },
  fatherAttends: { value: 0.15, source: 'Assumption: a father brings the child to ~15% of sessions' },
  outreachVisit: { value: 0.3, leastDeprived: 0.08, source: 'Assumption: outreach targets the most deprived areas' },
  loneParentChange: { value: 0.05, source: 'Assumption: lone-parent status changes for ~5% of families' },
  // --- registration form errors (matching must survive) -----------------------------------------
  formNickname: { value: 0.04, source: 'Assumption: short form written on ~4% of forms (drawn at 4x this for names that have a short form)' },
  formTypo: { value: 0.04, source: 'Assumption: one-character typo or transposition in a name' },
  formDayMonthSwap: { value: 0.015, source: 'Assumption: day and month swapped in the date of birth' },
  formPostcodeSlip: { value: 0.02, source: 'Assumption: one postcode character wrong or the space missing' },
  formHyphen: { value: 0.01, source: 'Assumption: hyphen dropped on ~1% of forms (drawn at 10x this for hyphenated names)' },
  formInvalidNhsNumber: { value: 0.005, source: 'Assumption: mistyped NHS number fails Modulus 11 (form refused, re-sent without it)' },
  // --- channel faults ----------------------------------------------------------------------------
  birthViaNems: { value: 0.3, source: 'Assumption: share of births this LA learns by NEMS rather than its extract' },
  extractInvalidNhsNumber: { value: 0.003, source: 'Assumption: a mistyped NHS number in the LA extract' },
  extractBadDate: { value: 0.002, source: 'Assumption: a birth date as DD/MM/YYYY in the extract' },
  extractUnknownPostcode: { value: 0.005, source: 'Assumption: a postcode not in the ONS lookup (new build)' },
  pseudoPostcode: { value: 0.002, source: 'NHS ZZ99 pseudo-postcodes (no fixed abode)' },
  resend: { value: 0.01, source: 'Assumption: ~1% of records sent twice (re-sent next month)' },
  contactInvalidNhsNumber: { value: 0.003, source: 'Assumption: a mistyped NHS number in an HV record' },
  contactBadDate: { value: 0.002, source: 'Assumption: an impossible date (day 32) in an HV extract row' },
  contactImpossibleReview: { value: 0.002, source: "Assumption: a 6-8 week review coded as 2-2½ year (drawn at 4x this on 6-8 week reviews)" },
  contactCancelled: { value: 0.005, source: 'Assumption: contacts entered in error and cancelled by the HV system' },
  lateArrival: { value: 0.03, source: 'Assumption: 3% of contacts reach us 3-10 weeks late (and out of order)' },
} as const satisfies Record<string, Rate>;

export type RateName = keyof typeof RATES;

/** A rate for an LSOA of the given IMD decile (1-10). */
export function rateFor(name: RateName, decile = 5): number {
  const rate: Rate = RATES[name];
  if (rate.leastDeprived === undefined) return rate.value;
  return rate.value + ((rate.leastDeprived - rate.value) * (decile - 1)) / 9;
}

/** The table as Markdown, for the README. */
export function ratesMarkdown(): string {
  const rows = Object.entries(RATES).map(([name, r]: [string, Rate]) => {
    const value =
      r.leastDeprived === undefined
        ? `${r.value}`
        : `${r.value} (decile 1) → ${r.leastDeprived} (decile 10)`;
    return `| ${name} | ${value} | ${r.source} |`;
  });
  return ['| Rate | Value | Source / rationale |', '|---|---|---|', ...rows].join('\n');
}
