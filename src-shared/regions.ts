/**
 * Regions and hosts of Illumina Connected Software, from the platform's public documentation.
 * ICA has one API host for every region; TSS has one instance host per region.
 */
export const REGION_IDS = ['us', 'euw2', 'cac1', 'aps2', 'euc1'] as const;
export type RegionId = (typeof REGION_IDS)[number];

export interface RegionInfo {
  id: RegionId;
  label: string;
  /** TSS instance host; a tenant's TSS host is `<domain>.<instance>`. */
  tssInstance: string;
}

export const REGIONS: Readonly<Record<RegionId, RegionInfo>> = {
  us: { id: 'us', label: 'United States', tssInstance: 'trusight.illumina.com' },
  euw2: { id: 'euw2', label: 'London', tssInstance: 'euw2.trusight.illumina.com' },
  cac1: { id: 'cac1', label: 'Canada', tssInstance: 'cac1.trusight.illumina.com' },
  aps2: { id: 'aps2', label: 'Australia', tssInstance: 'aps2.trusight.illumina.com' },
  euc1: { id: 'euc1', label: 'EU', tssInstance: 'euc1.trusight.illumina.com' },
};

const ALIASES: Readonly<Record<string, RegionId>> = {
  'united-states': 'us', usa: 'us', 'us-east-1': 'us',
  london: 'euw2', uk: 'euw2', gb: 'euw2', 'eu-west-2': 'euw2',
  canada: 'cac1', ca: 'cac1', 'ca-central-1': 'cac1',
  australia: 'aps2', au: 'aps2', 'ap-southeast-2': 'aps2',
  eu: 'euc1', europe: 'euc1', germany: 'euc1', frankfurt: 'euc1', 'eu-central-1': 'euc1',
};

/** Resolves a region id or alias (case-insensitive); undefined when unknown. */
export function resolveRegion(input: string): RegionId | undefined {
  const key = input.trim().toLowerCase();
  if ((REGION_IDS as readonly string[]).includes(key)) return key as RegionId;
  return ALIASES[key];
}

/** Public ICA REST base (the OpenAPI document's server is `/ica/rest`). */
export const DEFAULT_ICA_BASE_URL = 'https://ica.illumina.com/ica/rest';

export function defaultTssBaseUrl(domain: string, region: RegionId): string {
  return `https://${domain}.${REGIONS[region].tssInstance}`;
}

export function loginUrl(domain: string): string {
  return `https://${domain}.login.illumina.com`;
}
