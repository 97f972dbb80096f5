/** A local authority (ONS code, e.g. `E06000045`). */
export interface GeographyLaV1 {
  code: string;
  name: string;
}

/** A cluster of centres within one LA. */
export interface GeographyClusterV1 {
  id: string;
  name: string;
  la: string;
}

/** A children's centre: its LA and cluster. */
export interface GeographyCentreV1 {
  id: string;
  name: string;
  la: string;
  cluster: string;
}

/** A centre's reach area: the LSOA (2021) codes it covers (best fit). */
export interface GeographyReachAreaV1 {
  centreId: string;
  lsoas: string[];
}

/** IMD decile of an LSOA (1 = most deprived 10% in England). */
export interface GeographyImdDecileV1 {
  lsoa: string;
  decile: number;
}

/** The whole content of a boundary version (reference data, no personal data). */
export interface GeographyBoundariesV1 {
  effectiveFrom: string;
  las: GeographyLaV1[];
  clusters: GeographyClusterV1[];
  centres: GeographyCentreV1[];
  reachAreas: GeographyReachAreaV1[];
  imdDeciles: GeographyImdDecileV1[];
}

/** Counts of a postcode lookup version (the directory itself is not published). */
export interface GeographyPostcodeSummaryV1 {
  postcodes: number;
  lsoas: number;
  byLa: { la: string; postcodes: number }[];
}

/** In-clear facts of a published geography version. */
export interface GeographyVersionFactsV1 {
  kind: 'boundaries' | 'postcodes';
  /** 1, 2, ... per kind, in load order. */
  version: number;
  /** `<kind>:<version>`, e.g. `boundaries:3`. */
  versionId: string;
  /** YYYY-MM-DD: the version is in force from this date (until a later effective date). */
  effectiveFrom: string;
  /** Present when kind = boundaries. */
  boundaries?: GeographyBoundariesV1;
  /** Present when kind = postcodes. */
  postcodes?: GeographyPostcodeSummaryV1;
}

/** `data` of a `GeographyVersionPublished` v1 event on `geography.reference.v1` (key: the kind). */
export interface GeographyVersionPublishedV1 {
  facts: GeographyVersionFactsV1;
}
