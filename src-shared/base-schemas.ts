/**
 * The schemas every command needs, `tessera token` included: settings, token options
 * and formats, region ids. The other contract schemas are in ./schemas.ts (which
 * re-exports these) and are built only by the commands that use them, so code on the
 * token path (src-core's config, token and profile modules, createTessera) imports
 * from here.
 */
import { REGION_IDS } from './regions.js';
import { COPY_FORMAT_IDS, COPY_ORIGINS, TOKEN_FORMAT_IDS } from './token-formats.js';
import * as z from './zod.js';

export const RegionIdSchema = z.enum(REGION_IDS);

export { type CliFormat, type CopyFormat, type CopyOrigin, type TokenFormat } from './token-formats.js';
/** Every format (./token-formats.ts); `tessera token --format` takes these. */
export const TokenFormatSchema = z.enum(TOKEN_FORMAT_IDS);
/** The formats the clipboard takes. */
export const CopyFormatSchema = z.enum(COPY_FORMAT_IDS);
export const CopyOriginSchema = z.enum(COPY_ORIGINS);

/** A whole number within [min, max]. */
const wholeNumber = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));

export const TokenOptionsSchema = z.strictObject({
  /** Minimum remaining lifetime in seconds; a token with less is replaced first. */
  minTtlSeconds: z.optional(wholeNumber(0, 86_400)),
  /** Mint a new token even if the cached one is fresh enough. */
  force: z.optional(z.boolean()),
});
export type TokenOptions = z.infer<typeof TokenOptionsSchema>;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

export const SettingsSchema = z.object({
  minTtlSeconds: z._default(wholeNumber(0, 86_400), 300),
  clipboardClearSeconds: z._default(wholeNumber(0, 3600), 30),
  idleLockMinutes: z._default(wholeNumber(0, 24 * 60), 15),
  globalShortcut: z._default(z.string().check(z.maxLength(64)), 'CommandOrControl+Shift+T'),
  theme: z._default(ThemeSchema, 'system'),
  defaultProfile: z.optional(z.string()),
  requestTimeoutSeconds: z._default(wholeNumber(1, 600), 30),
  /** Days of TSS audit log each sync caches (0: none; the audit service is slow, so it is opt-in). */
  syncAuditDays: z._default(wholeNumber(0, 365), 0),
});
export type Settings = z.infer<typeof SettingsSchema>;
/** Any subset of the settings, and nothing else. */
export const SettingsPatchSchema = z.strictObject(z.partial(SettingsSchema).shape);
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
