/**
 * zod schema of `<dataDir>/config.json` at the current schema version. The types in
 * ./types.ts are the API; this file checks that what is on disk matches them.
 */
import { z } from 'zod';
import { RegionIdSchema, SettingsSchema } from '../../src-shared/schemas.js';
import type { Config, StoredProfile } from './types.js';

export const StoredProfileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  domain: z.string().min(1),
  region: RegionIdSchema,
  workgroup: z.string().optional(),
  credentialKind: z.enum(['api-key', 'basic']),
  username: z.string().optional(),
  icaUrl: z.string().optional(),
  tssUrl: z.string().optional(),
  includeIdentifiers: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
  key: z.object({ fingerprint: z.string(), storedAt: z.string(), rejectedAt: z.string().optional() }),
  isDemo: z.boolean().optional(),
  tssSearchVersion: z.enum(['v2', 'v1']).optional(),
});

export const SecretBackendSchema = z.enum(['keychain', 'file']);

export const ConfigSchema = z.object({
  schemaVersion: z.number().int().min(0),
  profiles: z.array(StoredProfileSchema).default([]),
  settings: SettingsSchema.default(SettingsSchema.parse({})),
  secretBackend: SecretBackendSchema.optional(),
});

// Compile-time guarantees that the schema and the hand-written types agree both ways.
type Parsed = z.output<typeof ConfigSchema>;
const _toConfig = (c: Parsed): Config => c;
const _fromConfig = (c: Config): Parsed => c;
const _profile = (p: z.output<typeof StoredProfileSchema>): StoredProfile => p;
void _toConfig;
void _fromConfig;
void _profile;
