/**
 * The one contract every face uses. The core implements `TesseraApi`; the Electron
 * main process registers each method once as `tessera:<method>` (validating the
 * arguments with `CONTRACT_ARGS`); the preload exposes exactly this interface as
 * `window.tessera`; the e2e harness serves the same table over HTTP.
 *
 * Secrets are write-only across the boundary: an API key or password travels in
 * `addProfile` and `replaceCredential` only, the file vault's passphrase in
 * `unlockVault` only. A JWT crosses only in `revealToken`.
 */
import * as z from './zod.js';
import { SNIPPET_IDS, type SnippetId } from './snippets.js';
import {
  AddProfileInputSchema,
  AwsAccessRequestSchema,
  AwsCommandKindSchema,
  AuditQuerySchema,
  CaseQuerySchema,
  CopyFormatSchema,
  CopyOriginSchema,
  CredentialInputSchema,
  ExportPdfOptionsSchema,
  Icav2AppImportSchema,
  ProfileFileTextSchema,
  ProfileNameSchema,
  ReplaceCredentialOptionsSchema,
  ProfileNamesSchema,
  SettingsPatchSchema,
  SyncOptionsSchema,
  TokenOptionsSchema,
  UpdateProfileInputSchema,
  VaultPassphraseSchema,
  VaultUnlockOptionsSchema,
  type AddProfileInput,
  type AwsAccess,
  type AwsAccessRequest,
  type AwsCommandCopy,
  type AwsCommandKind,
  type IcaProjectSummary,
  type AppInfo,
  type AuditList,
  type AuditQuery,
  type CacheStatus,
  type CaseDetail,
  type CaseReport,
  type ExportPdfOptions,
  type ExportPdfResult,
  type CaseQuery,
  type CaseSearchResult,
  type CaseFacets,
  type Cached,
  type CopyFormat,
  type CopyOrigin,
  type CopyResult,
  type CredentialInput,
  type DoctorReport,
  type Icav2AppImport,
  type Icav2ConfigFacts,
  type Icav2ImportResult,
  type ProfileFile,
  type ProfileView,
  type ReplaceCredentialOptions,
  type RevealedToken,
  type Settings,
  type SettingsPatch,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
  type TestDefinition,
  type TokenOptions,
  type TokenStatus,
  type UpdateProfileInput,
  type VaultState,
  type VaultUnlockOptions,
} from './schemas.js';
import type { ErrorInfo } from './errors.js';

export interface TesseraApi {
  // Profiles
  listProfiles(): Promise<ProfileView[]>;
  addProfile(input: AddProfileInput): Promise<ProfileView>;
  updateProfile(name: string, patch: UpdateProfileInput): Promise<ProfileView>;
  removeProfile(name: string): Promise<void>;
  /**
   * Checks the new credential by minting first (unless `verify: false`); when that fails
   * nothing changes. Also adds the first key or password of a profile imported without one ("key needed").
   */
  replaceCredential(name: string, credential: CredentialInput, options?: ReplaceCredentialOptions): Promise<ProfileView>;
  /** The team file (no key, password or token) of the named profiles, or of all but the demo. */
  exportProfiles(names?: string[]): Promise<ProfileFile>;
  /** Creates every profile of a team file's text, validated first, all or none; each then needs its key. */
  importProfiles(text: string): Promise<ProfileView[]>;
  /** What ~/.icav2/config.yaml offers: never the key itself. */
  findIcav2Config(): Promise<Icav2ConfigFacts>;
  /**
   * Verifies the key in ~/.icav2/config.yaml by minting (at the server the file names)
   * and stores it as a profile; the key stays in the core. The CLI's core also takes a
   * file path and URL overrides (TesseraCore); the contract does not.
   */
  importIcav2(options: Icav2AppImport): Promise<Icav2ImportResult>;
  /** Copies one of the profile's "Use it in…" snippets (src-shared/snippets.ts); they hold no secret. */
  copySnippet(name: string, snippet: SnippetId): Promise<void>;

  // Tokens
  /** The cached token's state without touching the network; null when none is cached. */
  getTokenStatus(name: string): Promise<TokenStatus | null>;
  /** Makes sure a token with at least minTtl is available (minting if needed); no JWT returned. */
  ensureToken(name: string, options?: TokenOptions): Promise<TokenStatus>;
  /** The JWT itself, only when the user asks to reveal it. */
  revealToken(name: string, options?: TokenOptions): Promise<RevealedToken>;
  /**
   * Copies a fresh token in the given format; the copy happens in the core/main, not the
   * renderer. `origin` (default 'window') comes back in the result and the `copied`
   * event, so a face confirms only the copies it did not start itself.
   */
  copyToken(name: string, format: CopyFormat, origin?: CopyOrigin): Promise<CopyResult>;

  // ICA project data with the AWS tools
  /** The ICA projects of the profile's tenant: names, ids and regions. */
  listIcaProjects(name: string): Promise<IcaProjectSummary[]>;
  /**
   * Makes sure temporary AWS credentials for the folder are cached in the core (asking
   * ICA when needed) and returns only what is not secret about them.
   */
  ensureAwsAccess(name: string, request: AwsAccessRequest): Promise<AwsAccess>;
  /** Copies one of the folder's AWS commands (written in the core/main, like every copy). */
  copyAwsCommand(name: string, request: AwsAccessRequest, kind: AwsCommandKind): Promise<AwsCommandCopy>;

  // Settings and diagnostics
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  doctor(): Promise<DoctorReport>;
  getAppInfo(): Promise<AppInfo>;

  // Offline cache
  listTests(name: string): Promise<Cached<TestDefinition[]>>;
  /** One page of the cases matching the query, and their total; the facet counts come from caseFacets. */
  searchCases(name: string, query: CaseQuery): Promise<CaseSearchResult>;
  /**
   * The facet counts of the same query (its paging and sort are ignored). They cost in
   * proportion to the matches, so the list does not wait for them: the app asks after
   * the rows are on screen. The core keeps recent answers until the cache changes.
   */
  caseFacets(name: string, query: CaseQuery): Promise<CaseFacets>;
  getCase(name: string, idOrDisplayId: string): Promise<Cached<CaseDetail>>;
  /** The case's report: refreshed from the server when it answers, else the cached copy (`syncedAt` is when the report was fetched). */
  getReport(name: string, idOrDisplayId: string): Promise<Cached<CaseReport>>;
  /**
   * Writes one report type's PDF where the person chooses (the desktop's save dialog),
   * or opens it in the system viewer; the renderer calls it only after the person
   * confirmed writing patient data to disk. The bytes never cross to the renderer.
   */
  exportReportPdf(name: string, idOrDisplayId: string, reportTypeId: string, options?: ExportPdfOptions): Promise<ExportPdfResult>;
  getCacheStatus(name: string): Promise<CacheStatus>;
  /** `options.auditDays` overrides the `syncAuditDays` setting for this run. */
  sync(name: string, options?: SyncOptions): Promise<SyncResult>;
  cancelSync(name: string): Promise<void>;
  /** Cached audit-log events, newest first; never touches the network. */
  listAuditEvents(name: string, query?: AuditQuery): Promise<AuditList>;

  // Desktop session
  /** Creates (or returns) the demo profile served by the embedded simulator. */
  startDemo(): Promise<ProfileView>;
  lock(): Promise<void>;
  /** Ends an idle lock. With a file vault that waits for its passphrase it fails with VAULT_LOCKED: use unlockVault. */
  unlock(): Promise<void>;
  /**
   * Opens the file vault with the passphrase the person typed (write-only: never
   * returned, logged or echoed in an error), then ends the lock. `create` is set only
   * after the passphrase was typed twice: without it, a missing vault is not created.
   * A wrong passphrase gives VAULT_BAD_PASSPHRASE; the keychain backend gives INVALID_INPUT.
   */
  unlockVault(passphrase: string, options?: VaultUnlockOptions): Promise<void>;
}

export type TesseraMethod = keyof TesseraApi;

/** Argument schemas, one tuple per method, used by every transport to validate. */
export const CONTRACT_ARGS = {
  listProfiles: z.tuple([]),
  addProfile: z.tuple([AddProfileInputSchema]),
  updateProfile: z.tuple([ProfileNameSchema, UpdateProfileInputSchema]),
  removeProfile: z.tuple([ProfileNameSchema]),
  replaceCredential: z.tuple([ProfileNameSchema, CredentialInputSchema, z.optional(ReplaceCredentialOptionsSchema)]),
  exportProfiles: z.tuple([z.optional(ProfileNamesSchema)]),
  importProfiles: z.tuple([ProfileFileTextSchema]),
  findIcav2Config: z.tuple([]),
  importIcav2: z.tuple([Icav2AppImportSchema]),
  copySnippet: z.tuple([ProfileNameSchema, z.enum(SNIPPET_IDS)]),
  getTokenStatus: z.tuple([ProfileNameSchema]),
  ensureToken: z.tuple([ProfileNameSchema, z.optional(TokenOptionsSchema)]),
  revealToken: z.tuple([ProfileNameSchema, z.optional(TokenOptionsSchema)]),
  copyToken: z.tuple([ProfileNameSchema, CopyFormatSchema, z.optional(CopyOriginSchema)]),
  listIcaProjects: z.tuple([ProfileNameSchema]),
  ensureAwsAccess: z.tuple([ProfileNameSchema, AwsAccessRequestSchema]),
  copyAwsCommand: z.tuple([ProfileNameSchema, AwsAccessRequestSchema, AwsCommandKindSchema]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([SettingsPatchSchema]),
  doctor: z.tuple([]),
  getAppInfo: z.tuple([]),
  listTests: z.tuple([ProfileNameSchema]),
  searchCases: z.tuple([ProfileNameSchema, CaseQuerySchema]),
  caseFacets: z.tuple([ProfileNameSchema, CaseQuerySchema]),
  getCase: z.tuple([ProfileNameSchema, z.string().check(z.trim(), z.minLength(1), z.maxLength(128))]),
  getReport: z.tuple([ProfileNameSchema, z.string().check(z.trim(), z.minLength(1), z.maxLength(128))]),
  exportReportPdf: z.tuple([
    ProfileNameSchema,
    z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
    z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
    z.optional(ExportPdfOptionsSchema),
  ]),
  getCacheStatus: z.tuple([ProfileNameSchema]),
  sync: z.tuple([ProfileNameSchema, z.optional(SyncOptionsSchema)]),
  cancelSync: z.tuple([ProfileNameSchema]),
  listAuditEvents: z.tuple([ProfileNameSchema, z.optional(AuditQuerySchema)]),
  startDemo: z.tuple([]),
  lock: z.tuple([]),
  unlock: z.tuple([]),
  unlockVault: z.tuple([VaultPassphraseSchema, z.optional(VaultUnlockOptionsSchema)]),
} as const satisfies { [K in TesseraMethod]: z.ZodMiniType };

export const CONTRACT_METHODS = Object.keys(CONTRACT_ARGS) as TesseraMethod[];

/** Methods whose arguments carry a secret: transports must never log their arguments. */
export const SECRET_BEARING_METHODS: ReadonlySet<TesseraMethod> = new Set(['addProfile', 'replaceCredential', 'unlockVault']);

/** Push events on the single `tessera:event` channel. */
export type TesseraEvent =
  | { type: 'profiles-changed' }
  | { type: 'token'; profile: string; status: TokenStatus | null }
  | { type: 'sync'; progress: SyncProgress }
  | { type: 'copied'; result: CopyResult }
  | { type: 'clipboard-cleared' }
  /** `vault`: the file vault's state after the lock (absent with the OS keychain), so the lock screen knows whether to ask for the passphrase. */
  | { type: 'locked'; vault?: VaultState }
  | { type: 'unlocked' }
  | { type: 'settings-changed'; settings: Settings };

export const IPC_PREFIX = 'tessera:';
export const EVENT_CHANNEL = 'tessera:event';
export const channelFor = (method: TesseraMethod): string => `${IPC_PREFIX}${method}`;

/** The result envelope every transport returns. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** What the preload exposes as `window.tessera`. */
export interface TesseraBridge extends TesseraApi {
  /** Subscribes to push events; returns an unsubscribe function. */
  onEvent(listener: (event: TesseraEvent) => void): () => void;
}
