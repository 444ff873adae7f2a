/**
 * zod schemas for everything that crosses a boundary (IPC, the HTTP harness, the
 * CLI's arguments). Types are inferred from them so that validation and typing
 * cannot drift apart.
 */
import { z } from 'zod';
import { REGION_IDS, resolveRegion } from './regions.js';

export const ProfileNameSchema = z
  .string()
  .trim()
  .min(1, 'A profile name is required')
  .max(64, 'A profile name has at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Use letters, digits, dot, dash or underscore, starting with a letter or digit');

/** Tenant domain: the `<domain>` of `<domain>.login.illumina.com`. */
export const DomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'A tenant domain is required')
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'A tenant domain has letters, digits and dashes only (as in <domain>.login.illumina.com)');

export const RegionIdSchema = z.enum(REGION_IDS);

/** Accepts a region id or an alias such as `london` or `eu`, and yields the id. */
export const RegionInputSchema = z.string().transform((value, ctx) => {
  const id = resolveRegion(value);
  if (!id) {
    ctx.addIssue({ code: 'custom', message: `Unknown region "${value}"; use one of ${REGION_IDS.join(', ')} (or london, canada, australia, eu)` });
    return z.NEVER;
  }
  return id;
});

export const WorkgroupSchema = z.string().trim().min(1).max(128);

export const BaseUrlSchema = z
  .string()
  .trim()
  .url('Expected an absolute URL such as https://ica.illumina.com/ica/rest')
  .refine((u) => /^https?:\/\//i.test(u), 'Only http(s) URLs are allowed')
  .transform((u) => u.replace(/\/+$/, ''));

export const ApiKeySchema = z
  .string()
  .trim()
  .min(8, 'That API key looks too short')
  .max(4096)
  .refine((k) => !/\s/.test(k), 'An API key is one line with no spaces');

export const CredentialInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api-key'), apiKey: ApiKeySchema }),
  z.object({
    kind: z.literal('basic'),
    username: z.string().trim().email('The username is the e-mail address you log in with'),
    password: z.string().min(1, 'A password is required').max(1024),
  }),
]);
export type CredentialInput = z.infer<typeof CredentialInputSchema>;
export type CredentialKind = CredentialInput['kind'];

export const AddProfileInputSchema = z.object({
  name: ProfileNameSchema,
  domain: DomainSchema,
  region: RegionInputSchema,
  workgroup: WorkgroupSchema.optional(),
  icaUrl: BaseUrlSchema.optional(),
  tssUrl: BaseUrlSchema.optional(),
  includeIdentifiers: z.boolean().optional(),
  credential: CredentialInputSchema,
  /** Mint once before saving, and refuse to save credentials the platform rejects. */
  verify: z.boolean().optional(),
});
export type AddProfileInput = z.input<typeof AddProfileInputSchema>;

export const UpdateProfileInputSchema = z
  .object({
    workgroup: WorkgroupSchema.nullable().optional(),
    icaUrl: BaseUrlSchema.nullable().optional(),
    tssUrl: BaseUrlSchema.nullable().optional(),
    includeIdentifiers: z.boolean().optional(),
    region: RegionInputSchema.optional(),
  })
  .strict();
export type UpdateProfileInput = z.input<typeof UpdateProfileInputSchema>;

/** A profile as every face sees it: never the secret, only its fingerprint and age. */
export const ProfileViewSchema = z.object({
  name: z.string(),
  domain: z.string(),
  region: RegionIdSchema,
  workgroup: z.string().optional(),
  credentialKind: z.enum(['api-key', 'basic']),
  /** Basic profiles: the login e-mail (not a secret). */
  username: z.string().optional(),
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
    rejectedAt: z.string().optional(),
  }),
  isDemo: z.boolean().optional(),
});
export type ProfileView = z.infer<typeof ProfileViewSchema>;

export const TokenFormatSchema = z.enum(['jwt', 'header', 'env', 'curl']);
export type TokenFormat = z.infer<typeof TokenFormatSchema>;

export const TokenOptionsSchema = z
  .object({
    /** Minimum remaining lifetime in seconds; a token with less is replaced first. */
    minTtlSeconds: z.number().int().min(0).max(86_400).optional(),
    /** Mint a new token even if the cached one is fresh enough. */
    force: z.boolean().optional(),
  })
  .strict();
export type TokenOptions = z.infer<typeof TokenOptionsSchema>;

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
  format: TokenFormat;
  expiresAt: string;
  /** When the clipboard will be cleared (if it still holds the copy); null when never. */
  clearsAt: string | null;
}

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

export const SettingsSchema = z.object({
  minTtlSeconds: z.number().int().min(0).max(86_400).default(300),
  clipboardClearSeconds: z.number().int().min(0).max(3600).default(30),
  idleLockMinutes: z.number().int().min(0).max(24 * 60).default(15),
  globalShortcut: z.string().max(64).default('CommandOrControl+Shift+T'),
  theme: ThemeSchema.default('system'),
  defaultProfile: z.string().optional(),
  requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
  /** Days of TSS audit log each sync caches (0: none; the audit service is slow, so it is opt-in). */
  syncAuditDays: z.number().int().min(0).max(365).default(0),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

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
export const CaseQuerySchema = z
  .object({
    text: z.string().max(200).optional(),
    status: z.array(z.string().max(64)).max(20).optional(),
    subState: z.array(z.string().max(64)).max(30).optional(),
    testId: z.array(z.string().max(128)).max(50).optional(),
    tag: z.array(z.string().max(128)).max(20).optional(),
    createdFrom: z.string().max(40).optional(),
    createdTo: z.string().max(40).optional(),
    sort: CaseSortSchema.optional(),
    order: z.enum(['asc', 'desc']).optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
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
export const SyncOptionsSchema = z
  .object({
    /** Overrides `syncAuditDays` for this run. */
    auditDays: z.number().int().min(0).max(365).optional(),
  })
  .strict();
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

export const AuditQuerySchema = z
  .object({
    /** A case id or display id; display ids are resolved through the cached cases. */
    caseId: z.string().trim().min(1).max(128).optional(),
    /** Only events at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export interface CacheStatus {
  profile: string;
  syncedAt: string | null;
  cases: number;
  tests: number;
  syncing: boolean;
  includeIdentifiers: boolean;
}

/**
 * The file vault as the app sees it: `open` (its key is in memory, or a passphrase
 * source such as TESSERA_VAULT_PASSPHRASE is set), `locked` (vault.json exists and its
 * passphrase must be typed), `new` (no vault yet: the passphrase typed now, twice,
 * creates it).
 */
export const VAULT_STATES = ['open', 'locked', 'new'] as const;
export type VaultState = (typeof VAULT_STATES)[number];

/** A vault passphrase as typed: never trimmed (spaces count), one to 1024 characters. */
export const VaultPassphraseSchema = z.string().min(1, 'A passphrase is required').max(1024, 'A passphrase has at most 1024 characters');

export const VaultUnlockOptionsSchema = z
  .object({
    /** The person confirmed a new passphrase: create the vault when none exists (an existing one is only opened). */
    create: z.boolean().optional(),
  })
  .strict();
export type VaultUnlockOptions = z.infer<typeof VaultUnlockOptionsSchema>;

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
