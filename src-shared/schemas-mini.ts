/**
 * The schemas every command needs, `tessera token` included: settings, token options
 * and formats, region ids. They are written with zod/mini, which shares zod's core
 * (the same checks, the same issues and messages) but loads in a fraction of the time
 * of zod's classic API (measured: ~7 ms instead of ~30 ms for zod plus these schemas),
 * so the CLI's busiest command never loads classic zod. Every other schema stays in
 * ./schemas.ts, which re-exports these; import from here only in code on that path
 * (src-core's config, token and profile modules).
 *
 * zod/mini has functions where classic zod has methods:
 * `z._default(z.number().check(z.int(), z.gte(0)), 300)` is classic
 * `z.number().int().min(0).default(300)`.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { REGION_IDS } from './regions.js';

// Classic zod installs its English messages when its first schema is built; zod/mini
// leaves that to the application. The same locale, so issues read the same either way.
if (!z.core.globalConfig.localeError) z.config(en());

export const RegionIdSchema = z.enum(REGION_IDS);

export const TokenFormatSchema = z.enum(['jwt', 'header', 'env', 'curl']);
export type TokenFormat = z.infer<typeof TokenFormatSchema>;

/** A whole number within [min, max] (classic: `z.number().int().min(min).max(max)`). */
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
/** Any subset of the settings, and nothing else (classic: `SettingsSchema.partial().strict()`). */
export const SettingsPatchSchema = z.strictObject(z.partial(SettingsSchema).shape);
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
