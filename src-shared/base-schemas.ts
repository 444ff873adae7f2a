/**
 * The schemas every command needs, `tessera token` included: settings, token options
 * and formats, region ids. The other contract schemas are in ./schemas.ts (which
 * re-exports these) and are built only by the commands that use them, so code on the
 * token path (src-core's config, token and profile modules, createTessera) imports
 * from here.
 */
import { REGION_IDS } from './regions.js';
import { BOUNDS, GLOBAL_SHORTCUT_MAX, SETTING_DEFAULTS, SYNC_REPORTS, THEMES, boundsProblem, type Bounds } from './rules.js';
import { COPY_FORMAT_IDS, COPY_ORIGINS, TOKEN_FORMAT_IDS } from './token-formats.js';
import * as z from './zod.js';

export const RegionIdSchema = z.enum(REGION_IDS);

export { type CliFormat, type CopyFormat, type CopyOrigin, type TokenFormat } from './token-formats.js';
/** Every format (./token-formats.ts); `tessera token --format` takes these. */
export const TokenFormatSchema = z.enum(TOKEN_FORMAT_IDS);
/** The formats the clipboard takes. */
export const CopyFormatSchema = z.enum(COPY_FORMAT_IDS);
export const CopyOriginSchema = z.enum(COPY_ORIGINS);

/** A whole number within `b`, refused with the message that states the range. */
export const wholeNumber = (b: Bounds) => z.number().check(z.refine((n) => boundsProblem(n, b) === null, b.message));

export const TokenOptionsSchema = z.strictObject({
  /** Minimum remaining lifetime in seconds; a token with less is replaced first. */
  minTtlSeconds: z.optional(wholeNumber(BOUNDS.minTtlSeconds)),
  /** Mint a new token even if the cached one is fresh enough. */
  force: z.optional(z.boolean()),
});
export type TokenOptions = z.infer<typeof TokenOptionsSchema>;

export const ThemeSchema = z.enum(THEMES);

/** Each setting's rule, without its default. */
const SETTING_FIELDS = {
  minTtlSeconds: wholeNumber(BOUNDS.minTtlSeconds),
  clipboardClearSeconds: wholeNumber(BOUNDS.clipboardClearSeconds),
  idleLockMinutes: wholeNumber(BOUNDS.idleLockMinutes),
  globalShortcut: z.string().check(z.maxLength(GLOBAL_SHORTCUT_MAX, `A global shortcut has at most ${GLOBAL_SHORTCUT_MAX} characters.`)),
  theme: ThemeSchema,
  defaultProfile: z.string(),
  requestTimeoutSeconds: wholeNumber(BOUNDS.requestTimeoutSeconds),
  syncAuditDays: wholeNumber(BOUNDS.syncAuditDays),
  syncReports: z.enum(SYNC_REPORTS),
};

export const SettingsSchema = z.object({
  minTtlSeconds: z._default(SETTING_FIELDS.minTtlSeconds, SETTING_DEFAULTS.minTtlSeconds),
  clipboardClearSeconds: z._default(SETTING_FIELDS.clipboardClearSeconds, SETTING_DEFAULTS.clipboardClearSeconds),
  idleLockMinutes: z._default(SETTING_FIELDS.idleLockMinutes, SETTING_DEFAULTS.idleLockMinutes),
  globalShortcut: z._default(SETTING_FIELDS.globalShortcut, SETTING_DEFAULTS.globalShortcut),
  theme: z._default(SETTING_FIELDS.theme, SETTING_DEFAULTS.theme),
  /** The profile the tray and the global shortcut copy from; absent: the first profile. */
  defaultProfile: z.optional(SETTING_FIELDS.defaultProfile),
  requestTimeoutSeconds: z._default(SETTING_FIELDS.requestTimeoutSeconds, SETTING_DEFAULTS.requestTimeoutSeconds),
  /** Days of TSS audit log each sync caches (0: none). */
  syncAuditDays: z._default(SETTING_FIELDS.syncAuditDays, SETTING_DEFAULTS.syncAuditDays),
  /** Case reports each sync keeps offline (SYNC_REPORTS). */
  syncReports: z._default(SETTING_FIELDS.syncReports, SETTING_DEFAULTS.syncReports),
});
export type Settings = z.infer<typeof SettingsSchema>;
/**
 * Any subset of the settings, and nothing else. No defaults here: a patch holds only
 * what it changes. `defaultProfile: null` goes back to the first profile.
 */
export const SettingsPatchSchema = z.strictObject({ ...z.partial(z.object(SETTING_FIELDS)).shape, defaultProfile: z.optional(z.nullable(SETTING_FIELDS.defaultProfile)) });
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/**
 * The file vault as the app sees it: `open` (its key is in memory, or a passphrase
 * source such as TESSERA_VAULT_PASSPHRASE is set), `locked` (vault.json exists and its
 * passphrase must be typed), `new` (no vault yet: the passphrase typed now, twice,
 * creates it).
 */
export const VAULT_STATES = ['open', 'locked', 'new'] as const;
export type VaultState = (typeof VAULT_STATES)[number];

/** A vault passphrase as typed: never trimmed (spaces count), one to 1024 characters. */
export const VaultPassphraseSchema = z.string().check(
  z.minLength(1, 'A passphrase is required'),
  z.maxLength(1024, 'A passphrase has at most 1024 characters'),
);

export const VaultUnlockOptionsSchema = z.strictObject({
  /** The person confirmed a new passphrase: create the vault when none exists (an existing one is only opened). */
  create: z.optional(z.boolean()),
});
export type VaultUnlockOptions = z.infer<typeof VaultUnlockOptionsSchema>;

/**
 * An ICA project folder to open with temporary AWS credentials (`tessera aws-credentials`,
 * `exec --aws-project`, the app's ICA data card): here because the core's wiring validates
 * it and `tessera token` must not load ./schemas.ts.
 */
export const AwsAccessRequestSchema = z.strictObject({
  /** An ICA project name or id. */
  project: z.string().check(z.trim(), z.minLength(1, 'Pick an ICA project.'), z.maxLength(255)),
  /** A folder path from the project root, e.g. /runs/2024/ (a missing trailing slash is added). */
  path: z.string().check(z.trim(), z.minLength(1, 'Enter a folder path, e.g. /runs/2024/.'), z.maxLength(1024)),
  readOnly: z.optional(z.boolean()),
});
export type AwsAccessRequest = z.infer<typeof AwsAccessRequestSchema>;

/** Which of an AwsAccess's commands to copy. */
export const AwsCommandKindSchema = z.enum(['awsLs', 'credentialProcess', 'awsConfig']);
export type AwsCommandKind = z.infer<typeof AwsCommandKindSchema>;
