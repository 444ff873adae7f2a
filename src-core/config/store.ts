/**
 * The profiles-and-settings file `<dataDir>/config.json`, shared by the desktop app
 * and the CLI.
 *
 * Why not electron-store/conf: both faces must read one format, the CLI must start
 * fast, and those libraries bring ajv and their own file layout. This small store
 * uses the zod schemas the contract already has, plus explicit migrations, atomic
 * writes and a cross-process lock. A read accepts a sound file with the hand-written
 * check (./check.ts) and loads zod only to judge and describe one that is not, and to
 * validate a write.
 *
 * Read once: the parsed config is kept in memory (deeply frozen) together with the
 * file's identity (inode, size, mtime). A read that finds the same identity returns it
 * without parsing; a write, or another process's atomic rename (a new inode), makes the
 * next read parse the file again. That is what lets every service ask for the config
 * as often as it likes while `tessera token` parses config.json once.
 *
 * Nothing is lost silently: an unreadable file is moved aside to
 * `config.json.corrupt-<timestamp>` (and reported with CONFIG_CORRUPT) instead of
 * being overwritten, and a file from a newer Tessera is read but never rewritten.
 */
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { formatIssue } from '../../src-shared/issues.js';
import { SETTING_DEFAULTS } from '../../src-shared/rules.js';
import { TesseraError } from '../errors.js';
import { atomicWriteFile } from './atomic.js';
import { checkConfig } from './check.js';
import { withFileLock } from './lock.js';
import { CURRENT_SCHEMA_VERSION, migrate, versionOf } from './migrations.js';
import type { Config, ConfigStore } from './types.js';

export const CONFIG_FILE = 'config.json';

export function defaultConfig(): Config {
  return { schemaVersion: CURRENT_SCHEMA_VERSION, profiles: [], settings: { ...SETTING_DEFAULTS } };
}

type Loaded =
  | { kind: 'missing' }
  | { kind: 'ok'; config: Config; migratedFrom: number }
  | { kind: 'newer'; config: Config; version: number }
  | { kind: 'corrupt'; reason: string; text: string };

function describeZodIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not match the expected format';
  return formatIssue(issue, { location: true });
}

/** The schema's verdict on a raw config: the hand-written check when it accepts, else zod (loaded only then) with its words. */
async function parseConfig(raw: Record<string, unknown>): Promise<{ success: true; data: Config } | { success: false; reason: string }> {
  const checked = checkConfig(raw);
  if (checked) return { success: true, data: checked };
  const { ConfigSchema } = await import('./schema.js');
  const parsed = ConfigSchema.safeParse(raw);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, reason: describeZodIssue(parsed.error) };
}

/** Interprets the file's text without side effects. */
export async function interpretConfig(text: string): Promise<Loaded> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', reason: 'it is not valid JSON', text };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { kind: 'corrupt', reason: 'it is not a JSON object', text };
  }
  const record = raw as Record<string, unknown>;
  const version = versionOf(record);
  if (Number.isNaN(version)) return { kind: 'corrupt', reason: 'its schemaVersion is not a whole number', text };
  if (version > CURRENT_SCHEMA_VERSION) {
    // Written by a newer Tessera: read what we understand, never rewrite it.
    const parsed = await parseConfig(record);
    if (!parsed.success) {
      return { kind: 'corrupt', reason: `schema version ${version} is newer than this Tessera understands`, text };
    }
    return { kind: 'newer', config: parsed.data, version };
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrate(record).raw;
  } catch (error) {
    return { kind: 'corrupt', reason: `migration failed: ${(error as Error).message}`, text };
  }
  const parsed = await parseConfig(migrated);
  if (!parsed.success) return { kind: 'corrupt', reason: parsed.reason, text };
  return { kind: 'ok', config: parsed.data, migratedFrom: version };
}

async function readText(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TesseraError('CONFIG_CORRUPT', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'I/O error'}`, { cause: error });
  }
}

async function load(path: string): Promise<Loaded> {
  const text = await readText(path);
  return text === null ? { kind: 'missing' } : await interpretConfig(text);
}

/** Identity of the file on disk: an atomic replacement gives a new inode, an edit in place a new size or mtime. */
async function identity(path: string): Promise<string | null> {
  try {
    const s = await fs.stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/** Freezes the cached config so that no caller can change what the next caller reads. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function stamp(): string {
  // Colons are not allowed in Windows file names.
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Status of the config file for `tessera doctor`, without moving anything. */
export async function peekConfig(dataDir: string): Promise<
  | { state: 'missing' }
  | { state: 'ok' | 'newer'; config: Config; version: number }
  | { state: 'corrupt'; reason: string }
> {
  const loaded = await load(join(dataDir, CONFIG_FILE));
  switch (loaded.kind) {
    case 'missing':
      return { state: 'missing' };
    case 'ok':
      return { state: 'ok', config: loaded.config, version: loaded.migratedFrom };
    case 'newer':
      return { state: 'newer', config: loaded.config, version: loaded.version };
    case 'corrupt':
      return { state: 'corrupt', reason: loaded.reason };
  }
}

export function openConfigStore(dataDir: string): ConfigStore {
  const path = join(dataDir, CONFIG_FILE);
  const lockPath = `${path}.lock`;
  const lockOptions = {
    onTimeout: () => new TesseraError('INTERNAL', `Another Tessera process holds ${basename(lockPath)} for too long; try again.`),
  };

  /** Moves an unreadable file aside (the caller holds the lock) and reports it. */
  async function setAside(seen: Extract<Loaded, { kind: 'corrupt' }>): Promise<TesseraError> {
    const aside = `${path}.corrupt-${stamp()}`;
    const current = await readText(path);
    if (current === seen.text) await fs.rename(path, aside);
    return new TesseraError(
      'CONFIG_CORRUPT',
      `The profiles file ${path} could not be read (${seen.reason}). It was moved aside to ${basename(aside)}; Tessera starts with an empty configuration.`,
    );
  }

  function newerError(version: number): TesseraError {
    return new TesseraError(
      'INTERNAL',
      `${path} was written by a newer Tessera (schema version ${version}; this one understands ${CURRENT_SCHEMA_VERSION}). Update Tessera to change profiles or settings.`,
    );
  }

  /** The last config read or written, and the identity of the file it came from. */
  let cached: { id: string; config: Config } | undefined;

  async function remember(config: Config): Promise<Config> {
    const id = await identity(path);
    const frozen = deepFreeze(config);
    cached = id === null ? undefined : { id, config: frozen };
    return frozen;
  }

  return {
    path,
    async read() {
      const id = await identity(path);
      if (id !== null && cached?.id === id) return cached.config;
      const loaded = await load(path);
      if (loaded.kind === 'missing') return deepFreeze(defaultConfig());
      // The identity is taken before the read: if the file changed in between, the next read parses again.
      if (loaded.kind === 'ok' || loaded.kind === 'newer') {
        const frozen = deepFreeze(loaded.config);
        if (id !== null) cached = { id, config: frozen };
        return frozen;
      }
      // Corrupt: set it aside under the lock, so two processes do not both act on it.
      return withFileLock(
        lockPath,
        async () => {
          const again = await load(path);
          if (again.kind === 'missing') return defaultConfig();
          if (again.kind !== 'corrupt') return again.config;
          throw await setAside(again);
        },
        lockOptions,
      );
    },
    async update(mutate) {
      return withFileLock(
        lockPath,
        async () => {
          cached = undefined;
          const loaded = await load(path);
          if (loaded.kind === 'corrupt') throw await setAside(loaded);
          if (loaded.kind === 'newer') throw newerError(loaded.version);
          const current = loaded.kind === 'ok' ? loaded.config : defaultConfig();
          // The mutator works on a copy: if it throws, nothing changes.
          const draft = structuredClone(current);
          const result = mutate(draft) ?? draft;
          // Writes are rare: they load the schema, which checks and describes everything.
          const { ConfigSchema } = await import('./schema.js');
          const parsed = ConfigSchema.safeParse({ ...result, schemaVersion: CURRENT_SCHEMA_VERSION });
          if (!parsed.success) {
            throw new TesseraError('INTERNAL', `Refusing to save an invalid configuration (${describeZodIssue(parsed.error)}).`);
          }
          await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
          await atomicWriteFile(path, `${JSON.stringify(parsed.data, null, 2)}\n`, 0o600);
          return remember(parsed.data);
        },
        lockOptions,
      );
    },
  };
}
