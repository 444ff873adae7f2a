/** Derivations from a stored profile: its effective URLs and the secret-free view every face sees. */
import { DEFAULT_ICA_BASE_URL, defaultTssBaseUrl } from '../../src-shared/regions.js';
import type { ProfileView } from '../../src-shared/schemas.js';
import type { StoredProfile } from '../config/types.js';

export function icaUrlOf(profile: StoredProfile): string {
  return profile.icaUrl ?? DEFAULT_ICA_BASE_URL;
}

export function tssUrlOf(profile: StoredProfile): string {
  return profile.tssUrl ?? defaultTssBaseUrl(profile.domain, profile.region);
}

/** Last 4 characters: enough to tell keys apart, too little to help anyone guess one. */
export function fingerprintOf(value: string): string {
  return value.trim().slice(-4);
}

export function toProfileView(profile: StoredProfile): ProfileView {
  const view: ProfileView = {
    name: profile.name,
    domain: profile.domain,
    region: profile.region,
    credentialKind: profile.credentialKind,
    icaUrl: icaUrlOf(profile),
    tssUrl: tssUrlOf(profile),
    customUrls: profile.icaUrl !== undefined || profile.tssUrl !== undefined,
    includeIdentifiers: profile.includeIdentifiers,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
    key: {
      fingerprint: profile.key.fingerprint,
      storedAt: profile.key.storedAt,
      ...(profile.key.rejectedAt ? { rejectedAt: profile.key.rejectedAt } : {}),
    },
  };
  if (profile.workgroup !== undefined) view.workgroup = profile.workgroup;
  if (profile.username !== undefined) view.username = profile.username;
  if (profile.isDemo) view.isDemo = true;
  if (profile.needsKey) view.needsKey = true;
  return view;
}
