/**
 * config.json checked by hand: how every read of the file is accepted. It accepts a
 * file only when the zod schema (./schema.ts) would, and returns what the schema would
 * return (defaults filled in, unknown keys dropped, keys in the schema's order). For
 * anything else it returns null and the store asks the schema, which loads zod and says
 * what is wrong. Every command reads config.json, and `tessera token` must not pay for
 * loading zod to read a file that is fine. The field rules are the shared ones
 * (src-shared/rules.ts, regions.ts); test/unit/config-check.test.ts keeps this check and
 * the schema in agreement.
 */
import { REGION_IDS } from '../../src-shared/regions.js';
import { BOUNDS, GLOBAL_SHORTCUT_MAX, SETTING_DEFAULTS, SYNC_REPORTS, THEMES, boundsProblem, type Bounds } from '../../src-shared/rules.js';
import type { Settings } from '../../src-shared/base-schemas.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { Config, StoredProfile } from './types.js';

/** Thrown inside the check only; never leaves this module. */
class Refused extends Error {}

function refuse(): never {
  throw new Refused();
}

const string = (v: unknown): string => (typeof v === 'string' ? v : refuse());
const nonEmpty = (v: unknown): string => (string(v).length > 0 ? (v as string) : refuse());
const boolean = (v: unknown): boolean => (typeof v === 'boolean' ? v : refuse());
const object = (v: unknown): JsonObject => (isJsonObject(v) ? v : refuse());
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): T =>
    values.includes(v as T) ? (v as T) : refuse();
const whole = (b: Bounds) => (v: unknown): number => (typeof v === 'number' && boundsProblem(v, b) === null ? v : refuse());

/** Copies `key` through `check` when present (an optional field). */
function optional<T>(out: JsonObject, raw: JsonObject, key: string, check: (v: unknown) => T): void {
  if (raw[key] !== undefined) out[key] = check(raw[key]);
}

function settings(raw: JsonObject): Settings {
  const withDefault = <K extends keyof typeof SETTING_DEFAULTS, T>(key: K, check: (v: unknown) => T): T | (typeof SETTING_DEFAULTS)[K] =>
    raw[key] === undefined ? SETTING_DEFAULTS[key] : check(raw[key]);
  const out: JsonObject = {
    minTtlSeconds: withDefault('minTtlSeconds', whole(BOUNDS.minTtlSeconds)),
    clipboardClearSeconds: withDefault('clipboardClearSeconds', whole(BOUNDS.clipboardClearSeconds)),
    idleLockMinutes: withDefault('idleLockMinutes', whole(BOUNDS.idleLockMinutes)),
    globalShortcut: withDefault('globalShortcut', (v) => (string(v).length <= GLOBAL_SHORTCUT_MAX ? (v as string) : refuse())),
    theme: withDefault('theme', oneOf(THEMES)),
  };
  optional(out, raw, 'defaultProfile', string);
  out.requestTimeoutSeconds = withDefault('requestTimeoutSeconds', whole(BOUNDS.requestTimeoutSeconds));
  out.syncAuditDays = withDefault('syncAuditDays', whole(BOUNDS.syncAuditDays));
  out.syncReports = withDefault('syncReports', oneOf(SYNC_REPORTS));
  return out as unknown as Settings;
}

function profile(value: unknown): StoredProfile {
  const raw = object(value);
  const out: JsonObject = { id: nonEmpty(raw.id), name: nonEmpty(raw.name), domain: nonEmpty(raw.domain), region: oneOf(REGION_IDS)(raw.region) };
  optional(out, raw, 'workgroup', string);
  out.credentialKind = oneOf(['api-key', 'basic'] as const)(raw.credentialKind);
  optional(out, raw, 'username', string);
  optional(out, raw, 'icaUrl', string);
  optional(out, raw, 'tssUrl', string);
  out.includeIdentifiers = raw.includeIdentifiers === undefined ? false : boolean(raw.includeIdentifiers);
  out.createdAt = string(raw.createdAt);
  out.updatedAt = string(raw.updatedAt);
  const key = object(raw.key);
  out.key = { fingerprint: string(key.fingerprint), storedAt: string(key.storedAt) };
  optional(out.key as JsonObject, key, 'rejectedAt', string);
  optional(out, raw, 'isDemo', boolean);
  optional(out, raw, 'needsKey', boolean);
  optional(out, raw, 'tssSearchVersion', oneOf(['v2', 'v1'] as const));
  return out as unknown as StoredProfile;
}

/** The config as the schema would parse it, or null when the schema must decide (and explain). */
export function checkConfig(raw: JsonObject): Config | null {
  try {
    const version = raw.schemaVersion;
    const out: JsonObject = {
      schemaVersion: Number.isSafeInteger(version) && (version as number) >= 0 ? version : refuse(),
      profiles: raw.profiles === undefined ? [] : Array.isArray(raw.profiles) ? raw.profiles.map(profile) : refuse(),
      settings: settings(raw.settings === undefined ? {} : object(raw.settings)),
    };
    optional(out, raw, 'secretBackend', oneOf(['keychain', 'file'] as const));
    return out as unknown as Config;
  } catch (error) {
    if (error instanceof Refused) return null;
    throw error;
  }
}
