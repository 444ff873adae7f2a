/**
 * zod schemas for everything that crosses a boundary (IPC, the HTTP harness, the
 * CLI's arguments). Types are inferred from them so that validation and typing
 * cannot drift apart. zod/mini, through ./zod.ts.
 *
 * The schemas every command needs, `tessera token` included, are in ./base-schemas.ts
 * and re-exported here; this module is loaded only by code that needs the others
 * (profile changes, cache queries, the IPC contract).
 */
import { REGION_IDS, resolveRegion } from './regions.js';
import { RegionIdSchema, type CopyFormat, type CopyOrigin, type VaultState } from './base-schemas.js';
import * as z from './zod.js';

export {
  CopyFormatSchema,
  CopyOriginSchema,
  RegionIdSchema,
  SettingsPatchSchema,
  SettingsSchema,
  ThemeSchema,
  TokenFormatSchema,
  TokenOptionsSchema,
  VAULT_STATES,
  VaultPassphraseSchema,
  VaultUnlockOptionsSchema,
  type CliFormat,
  type CopyFormat,
  type CopyOrigin,
  type Settings,
  type SettingsPatch,
  type TokenFormat,
  type TokenOptions,
  type VaultState,
  type VaultUnlockOptions,
} from './base-schemas.js';

export const ProfileNameSchema = z.string().check(
  z.trim(),
  z.minLength(1, 'A profile name is required'),
  z.maxLength(64, 'A profile name has at most 64 characters'),
  z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Use letters, digits, dot, dash or underscore, starting with a letter or digit'),
);

/** Tenant domain: the `<domain>` of `<domain>.login.illumina.com`. */
export const DomainSchema = z.string().check(
  z.trim(),
  z.toLowerCase(),
  z.minLength(1, 'A tenant domain is required'),
  z.maxLength(63),
  z.regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'A tenant domain has letters, digits and dashes only (as in <domain>.login.illumina.com)'),
);

/** Accepts a region id or an alias such as `london` or `eu`, and yields the id. */
export const RegionInputSchema = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const id = resolveRegion(value);
    if (!id) {
      ctx.issues.push({ code: 'custom', message: `Unknown region "${value}"; use one of ${REGION_IDS.join(', ')} (or london, canada, australia, eu)`, input: value });
      return z.NEVER;
    }
    return id;
  }),
);

export const WorkgroupSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(128));

export const BaseUrlSchema = z.pipe(
  z.string().check(
    z.trim(),
    z.url('Expected an absolute URL such as https://ica.illumina.com/ica/rest'),
    z.refine((u) => /^https?:\/\//i.test(u), 'Only http(s) URLs are allowed'),
  ),
  z.transform((u: string) => u.replace(/\/+$/, '')),
);

export const ApiKeySchema = z.string().check(
  z.trim(),
  z.minLength(8, 'That API key looks too short'),
  z.maxLength(4096),
  z.refine((k) => !/\s/.test(k), 'An API key is one line with no spaces'),
);

export const CredentialInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api-key'), apiKey: ApiKeySchema }),
  z.object({
    kind: z.literal('basic'),
    username: z.string().check(z.trim(), z.email('The username is the e-mail address you log in with')),
    password: z.string().check(z.minLength(1, 'A password is required'), z.maxLength(1024)),
  }),
]);
export type CredentialInput = z.infer<typeof CredentialInputSchema>;
export type CredentialKind = CredentialInput['kind'];

export const AddProfileInputSchema = z.object({
  name: ProfileNameSchema,
  domain: DomainSchema,
  region: RegionInputSchema,
  workgroup: z.optional(WorkgroupSchema),
  icaUrl: z.optional(BaseUrlSchema),
  tssUrl: z.optional(BaseUrlSchema),
  includeIdentifiers: z.optional(z.boolean()),
  credential: CredentialInputSchema,
  /** Mint once before saving, and refuse to save credentials the platform rejects. */
  verify: z.optional(z.boolean()),
});
export type AddProfileInput = z.input<typeof AddProfileInputSchema>;

export const UpdateProfileInputSchema = z.strictObject({
  workgroup: z.optional(z.nullable(WorkgroupSchema)),
  icaUrl: z.optional(z.nullable(BaseUrlSchema)),
  tssUrl: z.optional(z.nullable(BaseUrlSchema)),
  includeIdentifiers: z.optional(z.boolean()),
  region: z.optional(RegionInputSchema),
});
export type UpdateProfileInput = z.input<typeof UpdateProfileInputSchema>;

/** A profile as every face sees it: never the secret, only its fingerprint and age. */
export const ProfileViewSchema = z.object({
  name: z.string(),
  domain: z.string(),
  region: RegionIdSchema,
  workgroup: z.optional(z.string()),
  credentialKind: z.enum(['api-key', 'basic']),
  /** Basic profiles: the login e-mail (not a secret). */
  username: z.optional(z.string()),
  icaUrl: z.string(),
  tssUrl: z.string(),
  /** True when icaUrl/tssUrl were set by hand rather than derived from the region. */
  customUrls: z.boolean(),
  includeIdentifiers: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  key: z.object({
    /** Last 4 characters of the key (or of the username for Basic profiles). */
    fingerprint: z.string(),
    storedAt: z.string(),
    /** Set when the platform last refused this credential; cleared on success or rotation. */
    rejectedAt: z.optional(z.string()),
  }),
  isDemo: z.optional(z.boolean()),
});
export type ProfileView = z.infer<typeof ProfileViewSchema>;

/** Readable claims of a JWT (never the signature or the token itself). */
export interface TokenClaims {
  exp: number;
  iat?: number;
  nbf?: number;
  sub?: string;
  aud?: string | string[];
  /** Tenant id decoded from `tid` when present. */
  tenantId?: string;
  tns?: string;
  gty?: string;
}

export interface TokenStatus {
  profile: string;
  /** ISO time at which the token expires, on the local clock (skew-corrected). */
  expiresAt: string;
  /** Where the token came from in this call. */
  source: 'cache' | 'minted' | 'refreshed';
  /** How the token was obtained originally. */
  grant: 'api-key' | 'basic';
  claims: TokenClaims;
  /** Server clock minus local clock, in seconds, as measured from the Date header. */
  skewSeconds: number;
}

export interface RevealedToken {
  token: string;
  status: TokenStatus;
}

export interface CopyResult {
  profile: string;
  format: CopyFormat;
  /** Where the copy was asked for (the window, the palette, the tray, the global shortcut). */
  origin: CopyOrigin;
  expiresAt: string;
  /** When the clipboard will be cleared (if it still holds the copy); null when never. */
  clearsAt: string | null;
}

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  hint?: string;
}

export interface DoctorReport {
  ok: boolean;
  dataDir: string;
  secretBackend: 'keychain' | 'file';
  checks: DoctorCheck[];
}

// ---- Offline cache (tests, cases) -------------------------------------------------

export interface TestDefinition {
  id: string;
  name: string;
  version?: string;
  type?: string;
  reports: { id: string }[];
}

export interface CaseSummary {
  id: string;
  displayId: string;
  status: string;
  subState?: string;
  testDefinition?: { id: string; name?: string; type?: string };
  tags: string[];
  createdDate?: string;
  updatedDate?: string;
  dueDate?: string;
  completedDate?: string;
}

export interface CaseSubject {
  id?: string;
  relationshipToProband?: string;
  subject?: { firstName?: string; lastName?: string; mrn?: string; dateOfBirth?: string; gender?: string };
  samples: { id?: string; externalSampleId?: string; externalSampleName?: string; sampleType?: string; status?: string; dateReceived?: string; dateCollected?: string }[];
}

export interface CaseDetail extends CaseSummary {
  createdBy?: string;
  updatedBy?: string;
  startDate?: string;
  activationState?: string;
  externalCaseId?: string;
  caseOwners?: unknown[];
  caseSubjects: CaseSubject[];
  /** Every field the server sent, for the detail panel. */
  raw: Record<string, unknown>;
}

/** Freshness attached to every cached read. */
export interface Freshness {
  syncedAt: string | null;
  /** True when the data is older than the stale threshold or the last refresh failed. */
  stale: boolean;
  /** True when the server could not be reached for this read. */
  offline: boolean;
}

export interface Cached<T> extends Freshness {
  data: T;
}

export const CaseSortSchema = z.enum(['createdDate', 'updatedDate', 'dueDate', 'displayId']);
/** A string of at most `max` characters. */
const text = (max: number) => z.string().check(z.maxLength(max));
/** Up to `items` strings of at most `max` characters each. */
const texts = (max: number, items: number) => z.array(text(max)).check(z.maxLength(items));

export const CaseQuerySchema = z.strictObject({
  text: z.optional(text(200)),
  status: z.optional(texts(64, 20)),
  subState: z.optional(texts(64, 30)),
  testId: z.optional(texts(128, 50)),
  tag: z.optional(texts(128, 20)),
  createdFrom: z.optional(text(40)),
  createdTo: z.optional(text(40)),
  sort: z.optional(CaseSortSchema),
  order: z.optional(z.enum(['asc', 'desc'])),
  offset: z.optional(z.number().check(z.int(), z.gte(0))),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
});
export type CaseQuery = z.infer<typeof CaseQuerySchema>;

export interface Facet {
  value: string;
  label?: string;
  count: number;
}

export interface CaseSearchResult extends Freshness {
  items: CaseSummary[];
  total: number;
  facets: { status: Facet[]; subState: Facet[]; test: Facet[] };
}

export interface SyncProgress {
  profile: string;
  phase: 'tests' | 'cases' | 'cleanup' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number | null;
  message?: string;
}

export interface SyncResult {
  profile: string;
  tests: number;
  cases: number;
  removed: number;
  syncedAt: string;
  durationMs: number;
  /** Audit-log events cached by this sync (absent when the audit log was not asked for). */
  audit?: number;
}

/** Per-run sync options; absent fields fall back to the settings. */
export const SyncOptionsSchema = z.strictObject({
  /** Overrides `syncAuditDays` for this run. */
  auditDays: z.optional(z.number().check(z.int(), z.gte(0), z.lte(365))),
});
export type SyncOptions = z.infer<typeof SyncOptionsSchema>;

/** One cached TSS audit-log event. Fields beyond `id`, `createdDate` and `eventName` are as the server sent them. */
export interface AuditEvent {
  id: string;
  createdDate: string;
  eventName: string;
  userName?: string;
  entityType?: string;
  entityId?: string;
  caseId?: string;
  caseDisplayId?: string;
  description?: string;
}

export const AuditQuerySchema = z.strictObject({
  /** A case id or display id; display ids are resolved through the cached cases. */
  caseId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
  /** Only events at or after this instant (ISO 8601). */
  since: z.optional(z.iso.datetime({ offset: true })),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export interface CacheStatus {
  profile: string;
  syncedAt: string | null;
  cases: number;
  tests: number;
  syncing: boolean;
  includeIdentifiers: boolean;
}


export interface AppInfo {
  version: string;
  platform: string;
  dataDir: string;
  /** True while idle-locked, or while the file vault waits for its passphrase. */
  locked: boolean;
  /** The file vault's state; null when secrets are in the OS keychain. */
  vault: VaultState | null;
  /** Versions of Electron, Chromium and Node when running in the desktop app. */
  versions: Record<string, string>;
}
