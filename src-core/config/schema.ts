/**
 * zod schema of `<dataDir>/config.json` at the current schema version. The types in
 * ./types.ts are the API; this file checks that what is on disk matches them.
 */
import * as z from '../../src-shared/zod.js';
import { RegionIdSchema, SettingsSchema } from '../../src-shared/base-schemas.js';
import type { Config, StoredProfile } from './types.js';

const nonEmpty = () => z.string().check(z.minLength(1));

const StoredProfileSchema = z.object({
  id: nonEmpty(),
  name: nonEmpty(),
  domain: nonEmpty(),
  region: RegionIdSchema,
  workgroup: z.optional(z.string()),
  credentialKind: z.enum(['api-key', 'basic']),
  username: z.optional(z.string()),
  icaUrl: z.optional(z.string()),
  tssUrl: z.optional(z.string()),
  includeIdentifiers: z._default(z.boolean(), false),
  createdAt: z.string(),
  updatedAt: z.string(),
  key: z.object({ fingerprint: z.string(), storedAt: z.string(), rejectedAt: z.optional(z.string()) }),
  isDemo: z.optional(z.boolean()),
  needsKey: z.optional(z.boolean()),
  tssSearchVersion: z.optional(z.enum(['v2', 'v1'])),
});

const SecretBackendSchema = z.enum(['keychain', 'file']);

export const ConfigSchema = z.object({
  schemaVersion: z.number().check(z.int(), z.gte(0)),
  profiles: z._default(z.array(StoredProfileSchema), []),
  settings: z._default(SettingsSchema, SettingsSchema.parse({})),
  secretBackend: z.optional(SecretBackendSchema),
});

// Compile-time guarantees that the schema and the hand-written types agree both ways.
type Parsed = z.output<typeof ConfigSchema>;
const _toConfig = (c: Parsed): Config => c;
const _fromConfig = (c: Config): Parsed => c;
const _profile = (p: z.output<typeof StoredProfileSchema>): StoredProfile => p;
void _toConfig;
void _fromConfig;
void _profile;
