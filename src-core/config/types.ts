import type { RegionId } from '../../src-shared/regions.js';
import type { CredentialKind, Settings } from '../../src-shared/schemas.js';

/** A profile as stored on disk: non-secret. Secrets live in the SecretStore under `accounts`. */
export interface StoredProfile {
  /** Stable id (UUID) used in secret account names and cache file names; never shown. */
  id: string;
  name: string;
  domain: string;
  region: RegionId;
  workgroup?: string;
  credentialKind: CredentialKind;
  /** Basic profiles: the login e-mail. */
  username?: string;
  /** Overrides; when absent the URL is derived from the region. */
  icaUrl?: string;
  tssUrl?: string;
  includeIdentifiers: boolean;
  createdAt: string;
  updatedAt: string;
  key: { fingerprint: string; storedAt: string; rejectedAt?: string };
  isDemo?: boolean;
  /**
   * Imported from a team file without its key or password: the secret store holds no
   * credential yet, and `key` describes none (empty fingerprint). Cleared when one is added.
   */
  needsKey?: boolean;
  /** Which case-search version this tenant served last time (TSS v2, falling back to v1). */
  tssSearchVersion?: 'v2' | 'v1';
}

export interface Config {
  schemaVersion: number;
  profiles: StoredProfile[];
  settings: Settings;
  /** Chosen secret backend; `TESSERA_SECRET_BACKEND` overrides it. */
  secretBackend?: 'keychain' | 'file';
}

/** The one JSON file (`<dataDir>/config.json`) both the desktop app and the CLI read. */
export interface ConfigStore {
  readonly path: string;
  read(): Promise<Config>;
  /** Read-modify-write under a lock, written atomically; returns the new config. */
  update(mutate: (config: Config) => Config | void): Promise<Config>;
}
