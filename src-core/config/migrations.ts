/**
 * Ordered migrations of config.json. Each step takes the raw JSON of version `from`
 * and returns the raw JSON of version `from + 1`; the store applies them in order on
 * read, and writes back the current version on the next update. Steps must be pure
 * and must never drop a profile: profile ids name keychain entries.
 *
 * To change the format: add a step here, bump CURRENT_SCHEMA_VERSION, update
 * ./schema.ts and ./types.ts, and add a fixture of the old shape to the tests.
 */
import { isJsonObject } from '../json.js';

export const CURRENT_SCHEMA_VERSION = 1;

export interface Migration {
  from: number;
  describe: string;
  up(raw: Record<string, unknown>): Record<string, unknown>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    // Version 0 (the pre-release format) was `{ profiles: [...], defaultProfile?: string }`:
    // no schemaVersion, no settings object, and profiles without includeIdentifiers.
    from: 0,
    describe: 'add schemaVersion and settings; move defaultProfile into settings; default includeIdentifiers to false',
    up(raw) {
      const { defaultProfile, ...rest } = raw;
      const settings = isJsonObject(rest.settings) ? { ...rest.settings } : {};
      if (typeof defaultProfile === 'string' && settings.defaultProfile === undefined) settings.defaultProfile = defaultProfile;
      const profiles = Array.isArray(rest.profiles)
        ? rest.profiles.map((p: unknown) => (isJsonObject(p) ? { includeIdentifiers: false, ...p } : p))
        : [];
      return { ...rest, profiles, settings, schemaVersion: 1 };
    },
  },
];

/** The version a raw file claims; a file with no schemaVersion is version 0. */
export function versionOf(raw: Record<string, unknown>): number {
  const v = raw.schemaVersion;
  if (v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return Number.NaN;
}

/** Applies every step from the file's version up to the current one. */
export function migrate(raw: Record<string, unknown>): { raw: Record<string, unknown>; from: number; to: number } {
  const from = versionOf(raw);
  let current = raw;
  let version = from;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = MIGRATIONS.find((m) => m.from === version);
    if (!step) throw new Error(`No migration from config schema version ${version}`);
    current = step.up(current);
    version = versionOf(current);
    if (version !== step.from + 1) throw new Error(`Migration from ${step.from} produced version ${version}`);
  }
  return { raw: current, from, to: version };
}
