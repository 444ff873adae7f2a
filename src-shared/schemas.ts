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
import { RegionIdSchema, wholeNumber, type AwsCommandKind, type CopyFormat, type CopyOrigin, type VaultState } from './base-schemas.js';
import { BOUNDS, SYNC_REPORTS, apiKeyProblem, domainProblem, profileNameProblem, urlProblem, workgroupProblem } from './rules.js';
import * as z from './zod.js';
import { PROFILE_FILE_FORMAT, PROFILE_FILE_VERSION } from './profile-file.js';

export {
  AwsAccessRequestSchema,
  AwsCommandKindSchema,
  type AwsAccessRequest,
  type AwsCommandKind,
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

/** Refines with one of ./rules.ts: the rule's message when it finds a problem. */
const rule = <T>(problem: (value: T) => string | null) =>
  z.superRefine((value: T, ctx) => {
    const message = problem(value);
    if (message !== null) ctx.addIssue({ code: 'custom', message, input: value });
  });

export const ProfileNameSchema = z.string().check(z.trim(), rule(profileNameProblem));

/** Tenant domain: the `<domain>` of `<domain>.login.illumina.com`. */
export const DomainSchema = z.string().check(z.trim(), z.toLowerCase(), rule(domainProblem));

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

export const WorkgroupSchema = z.string().check(z.trim(), rule(workgroupProblem));

/**
 * An ICA or TSS base URL, without trailing slashes. Its form is checked here (absolute,
 * http or https, no user:password@); whether plain http is allowed for its host is
 * decided when it is used (INSECURE_URL, by the same rule).
 */
export const BaseUrlSchema = z.pipe(
  z.string().check(
    z.trim(),
    rule((u: string) => {
      const problem = urlProblem(u);
      return problem && problem.kind !== 'insecure-http' ? problem.message : null;
    }),
  ),
  z.transform((u: string) => u.replace(/\/+$/, '')),
);

export const ApiKeySchema = z.string().check(z.trim(), rule(apiKeyProblem));

export const CredentialInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api-key'), apiKey: ApiKeySchema }),
  z.object({
    kind: z.literal('basic'),
    username: z.string().check(z.trim(), z.email('The username is the e-mail address you log in with')),
    password: z.string().check(z.minLength(1, 'A password is required'), z.maxLength(1024)),
  }),
]);
export type CredentialInput = z.infer<typeof CredentialInputSchema>;

export const ReplaceCredentialOptionsSchema = z.strictObject({
  /** Mint once with the new credential before storing it (default true): a key the platform refuses, or cannot check, replaces nothing. */
  verify: z.optional(z.boolean()),
});
export type ReplaceCredentialOptions = z.infer<typeof ReplaceCredentialOptionsSchema>;
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
  /** Imported from a team file without its key or password: nothing works until one is added (replaceCredential). */
  needsKey: z.optional(z.boolean()),
  /** Only in the answer to addProfile: what could not be checked (TSS unreachable) or works only in part. */
  warnings: z.optional(z.array(z.string())),
});
export type ProfileView = z.infer<typeof ProfileViewSchema>;

// ---- Import from the icav2 CLI's ~/.icav2/config.yaml ----------------------------

/** What the app may know about an icav2 configuration: never the key. */
export interface Icav2ConfigFacts {
  path: string;
  /** Whether a file (or anything) is at `path`. */
  found: boolean;
  /** `server-url` as written (a bare host such as ica.illumina.com); null when absent or the file is unreadable. */
  serverHost: string | null;
  /** The ICA REST base the host stands for. */
  icaUrl: string | null;
  /** Whether the file holds an `x-api-key` that Tessera could use. */
  hasKey: boolean;
  /** Why the file cannot be imported, when it cannot. */
  problem?: string;
}

const PathSchema = z.string().check(z.minLength(1), z.maxLength(4096));

export const Icav2LocateSchema = z.strictObject({
  /** The icav2 config.yaml; default ~/.icav2/config.yaml. */
  path: z.optional(PathSchema),
});
export type Icav2Locate = z.infer<typeof Icav2LocateSchema>;

/**
 * What the app may choose when importing from icav2: no file path and no ICA URL, so a
 * renderer can neither read another file nor send the key in config.yaml anywhere but
 * to the server that file names.
 */
export const Icav2AppImportSchema = z.strictObject({
  name: ProfileNameSchema,
  region: RegionInputSchema,
  /** Default: the tenant named in the key's token (its `tns` claim). */
  domain: z.optional(DomainSchema),
  workgroup: z.optional(WorkgroupSchema),
  includeIdentifiers: z.optional(z.boolean()),
  /** Remove the plaintext x-api-key from config.yaml once the profile is stored. */
  scrub: z.optional(z.boolean()),
});
export type Icav2AppImport = z.input<typeof Icav2AppImportSchema>;

/** The CLI's options (the person at the terminal chooses the file and the server). */
export const Icav2ImportOptionsSchema = z.strictObject({
  path: z.optional(PathSchema),
  name: ProfileNameSchema,
  region: RegionInputSchema,
  /** Default: the tenant named in the key's token (its `tns` claim). */
  domain: z.optional(DomainSchema),
  /** Default: https://<server-url>/ica/rest from the file. */
  icaUrl: z.optional(BaseUrlSchema),
  tssUrl: z.optional(BaseUrlSchema),
  workgroup: z.optional(WorkgroupSchema),
  includeIdentifiers: z.optional(z.boolean()),
  /** Remove the plaintext x-api-key from config.yaml once the profile is stored. */
  scrub: z.optional(z.boolean()),
});
export type Icav2ImportOptions = z.input<typeof Icav2ImportOptionsSchema>;

export interface Icav2ImportResult {
  profile: ProfileView;
  path: string;
  /** Where the tenant domain came from. */
  domainFrom: 'option' | 'token';
  /** The tenant id the key's token names (its `tid` claim), when readable. */
  tenantId?: string;
  /** True when x-api-key was removed from the file. */
  scrubbed: boolean;
}

// ---- Team profile files (no secrets) ---------------------------------------------

export { PROFILE_FILE_FORMAT, PROFILE_FILE_VERSION };

/** One profile of a team file: everything but the key or password. */
export const ExportedProfileSchema = z.strictObject({
  name: ProfileNameSchema,
  domain: DomainSchema,
  region: RegionInputSchema,
  workgroup: z.optional(WorkgroupSchema),
  icaUrl: z.optional(BaseUrlSchema),
  tssUrl: z.optional(BaseUrlSchema),
  includeIdentifiers: z.boolean(),
  credentialKind: z.enum(['api-key', 'basic']),
  /** Basic profiles: the login e-mail. */
  username: z.optional(z.string().check(z.trim(), z.email('The username is the e-mail address you log in with'))),
});
export type ExportedProfile = z.input<typeof ExportedProfileSchema>;

export interface ProfileFile {
  format: typeof PROFILE_FILE_FORMAT;
  version: typeof PROFILE_FILE_VERSION;
  profiles: ExportedProfile[];
}

/** A team file's text: at most 1 MiB (a thousand profiles are far less). */
export const ProfileFileTextSchema = z.string().check(z.minLength(1, 'The file is empty'), z.maxLength(1024 * 1024, 'The file is larger than 1 MiB'));
export const ProfileNamesSchema = z.array(ProfileNameSchema).check(z.maxLength(1000));

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
  /**
   * On the checks of a secret backend (keychain, file vault): whether it is the one in
   * use. A backend not in use that fails is only of interest as the way out when the
   * one in use fails too. Absent on other checks.
   */
  selected?: boolean;
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
  /** In search results: the reported variant the search text matched (`BRCA1 c.5266dupC`), when it matched report content. */
  match?: string;
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

/** Cached audit events, and the window the last sync that fetched the audit log covered (null: never fetched). */
export interface AuditList extends Cached<AuditEvent[]> {
  window: { days: number; syncedAt: string } | null;
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
  limit: z.optional(wholeNumber(BOUNDS.caseLimit)),
});
export type CaseQuery = z.infer<typeof CaseQuerySchema>;

export interface Facet {
  value: string;
  label?: string;
  count: number;
}

/** One page of a case search and how many cases match in all. */
export interface CaseSearchResult extends Freshness {
  items: CaseSummary[];
  total: number;
}

/**
 * The counts per status, sub-state and test of a case query (paging and sort do not
 * matter); each facet counts the cases matching every filter except its own.
 */
export interface CaseFacets {
  status: Facet[];
  subState: Facet[];
  test: Facet[];
}

export interface SyncProgress {
  profile: string;
  phase: 'tests' | 'cases' | 'reports' | 'cleanup' | 'done' | 'cancelled' | 'failed';
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
  /** Case reports fetched by this sync (absent when reports were not asked for), and how many cases had none to fetch (inactive, not found, refused). */
  reports?: { fetched: number; unavailable: number; pdfs: number };
  /**
   * Cases the server no longer lists that were kept, because removing them would have
   * emptied most of the cache in one pass (absent when none): the next sync removes them
   * if it sees the same, or a sync with `allowMassRemoval`.
   */
  removalDeferred?: number;
}

/** Per-run sync options; absent fields fall back to the settings. */
export const SyncOptionsSchema = z.strictObject({
  /** Overrides `syncAuditDays` for this run. */
  auditDays: z.optional(wholeNumber(BOUNDS.syncAuditDays)),
  /** Remove what the server no longer lists even when that is most of the cache (no confirming second sync). */
  allowMassRemoval: z.optional(z.boolean()),
  /** Overrides `syncReports` for this run. */
  reports: z.optional(z.enum(SYNC_REPORTS)),
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
  limit: z.optional(wholeNumber(BOUNDS.auditLimit)),
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

// ---- Case reports -------------------------------------------------------------------

export interface ReportVariant {
  gene?: string;
  chromosome?: string;
  start?: number;
  stop?: number;
  refAllele?: string;
  altAllele?: string;
  /** The transcript's name (RefSeq), HGVS notations, exons and predicted consequences. */
  transcript?: string;
  hgvsc?: string;
  hgvsp?: string;
  exons?: string;
  proteinId?: string;
  consequences: string[];
}

export interface ReportTypeView {
  id?: string;
  reportType?: string;
  reportTypeId?: string;
  reportId?: string;
  name?: string;
  status?: string;
  subState?: string;
  /** Corrected, Amended, or absent for an original report. */
  editStatus?: string;
  variants: ReportVariant[];
  /** Whether the offline cache holds this report type's PDF. */
  pdfCached: boolean;
}

/**
 * A case's report as the cache keeps it. `available: false` says why there is none
 * (the case is inactive, has no report yet, or the server refused it), not an error.
 */
export interface CaseReport {
  caseId: string;
  displayId: string;
  available: boolean;
  /** When not available: the server's status (403, 404) or 'inactive' when the case's activation state ruled it out. */
  unavailableReason?: string;
  reportTypes: ReportTypeView[];
  versions: { truSightSoftwareSuite?: string; dragen?: string };
  /** When this report was fetched from the server. */
  fetchedAt: string;
  /** The report as the server sent it (parsed from `jsonContent`). */
  raw: Record<string, unknown>;
}

/** How the desktop hands a report PDF to the person: a file they choose, or the system viewer. */
export const ExportPdfOptionsSchema = z.strictObject({
  /** Open the PDF in the system's viewer (written to a private temporary file) instead of asking where to save it. */
  open: z.optional(z.boolean()),
});
export type ExportPdfOptions = z.infer<typeof ExportPdfOptionsSchema>;

/** What an export did: `saved: false` when the person cancelled the save dialog. Never the bytes. */
export interface ExportPdfResult {
  saved: boolean;
  /** The file's name (not its directory), for the confirmation the app shows. */
  fileName?: string;
}

/** A report PDF's bytes; patient data, not a secret. */
export interface ReportPdf {
  caseId: string;
  displayId: string;
  reportTypeId: string;
  /** A file name to suggest: `<displayId>-<report type>.pdf`, reduced to safe characters. */
  fileName: string;
  bytes: Uint8Array;
}

/** What a copy of an AWS command reports (the text itself is in AwsAccess.commands). */
export interface AwsCommandCopy {
  kind: AwsCommandKind;
  /** When the clipboard will be cleared (if it still holds the copy); null when never. */
  clearsAt: string | null;
}

/** An ICA project as the app lists it: names, ids and regions only. */
export interface IcaProjectSummary {
  id: string;
  name: string;
  /** The ICA region code (US, EU, …), null when ICA does not say. */
  region: string | null;
}

/**
 * What the app shows about a folder's temporary AWS credentials: where they lead, until
 * when, and the commands to copy. Never the keys themselves (those stay in the core and
 * reach only the AWS tools, through `tessera aws-credentials` or `tessera exec`).
 */
export interface AwsAccess {
  projectId: string;
  projectName: string;
  path: string;
  readOnly: boolean;
  bucket: string;
  prefix: string;
  region: string;
  s3Uri: string;
  /** RFC 3339, conservative: 35 hours after the request (ICA documents 36). */
  expiresAt: string;
  /** The AWS profile name the aws-config command writes. */
  awsProfile: string;
  commands: {
    /** `aws s3 ls s3://bucket/prefix --profile <awsProfile>` */
    awsLs: string;
    /** `credential_process = tessera aws-credentials …` for ~/.aws/config */
    credentialProcess: string;
    /** `tessera aws-config …` */
    awsConfig: string;
  };
}
