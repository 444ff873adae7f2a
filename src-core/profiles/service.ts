/**
 * Profiles: the non-secret part lives in the ConfigStore (one JSON file the app and the
 * CLI share), the credential in the SecretStore under `accounts.credential(id)`. Every
 * entry point validates its input with the contract's zod schemas.
 *
 * Those schemas (src-shared/schemas.ts) are imported when a profile is changed, not
 * when this module loads: `tessera token` only reads profiles.
 */
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../../src-shared/zod.js';
import { formatIssue } from '../../src-shared/issues.js';
import { DEFAULT_ICA_BASE_URL, defaultTssBaseUrl, type RegionId } from '../../src-shared/regions.js';
import type { CredentialInput, ProfileView } from '../../src-shared/schemas.js';
import type { Config, ConfigStore, StoredProfile } from '../config/types.js';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import { assertSecureUrl } from '../http/url.js';
import type { Clock, Logger, SecretStore } from '../ports.js';
import { accounts } from '../secrets/accounts.js';
import { fingerprintOf, icaUrlOf, toProfileView } from './view.js';

export type Credential = CredentialInput;

export interface ProfileHooks {
  /**
   * Mints once with a credential before it is saved (`verify: true`); throws the
   * platform's typed error when rejected. May return a token for the cache.
   */
  verify?(profile: StoredProfile, credential: Credential): Promise<unknown>;
  /** Called after a verified add, with whatever verify returned, once the profile is saved. */
  verified?(profile: StoredProfile, result: unknown): Promise<void>;
  /** The credential or the ICA host changed, or the profile is gone: cached tokens are void. */
  tokenInvalidated?(profile: StoredProfile): Promise<void>;
  /** Before a profile's secrets and files go (the offline cache closes its database here). */
  beforeRemove?(profile: StoredProfile): Promise<void>;
}

export interface ProfileServiceDeps {
  config: ConfigStore;
  secrets: SecretStore;
  clock: Clock;
  dataDir: string;
  events?: EventBus;
  logger?: Logger;
  hooks?: ProfileHooks;
}

export interface ProfileService {
  list(): Promise<ProfileView[]>;
  /** The stored profile by name (exact, else a unique case-insensitive match); PROFILE_NOT_FOUND otherwise. */
  get(name: string): Promise<StoredProfile>;
  view(name: string): Promise<ProfileView>;
  add(input: unknown): Promise<ProfileView>;
  update(name: string, patch: unknown): Promise<ProfileView>;
  remove(name: string): Promise<void>;
  replaceCredential(name: string, credential: unknown): Promise<ProfileView>;
  /** The secret for minting; SECRET_MISSING when the store lost it. */
  readCredential(profile: StoredProfile): Promise<Credential>;
  /** Records (at = ISO time) or clears (at = undefined) the platform's refusal of the credential. */
  setRejected(profileId: string, at: string | undefined): Promise<void>;
  /** Creates or refreshes the demo profile pointing at the embedded simulator. */
  upsertDemo(demo: { icaUrl: string; tssUrl: string; domain: string; apiKey: string; workgroup?: string }): Promise<ProfileView>;
}

export const DEMO_PROFILE_NAME = 'demo';

/** The input schemas of the profile changes (add, update, remove, replace the credential). */
const inputSchemas = () => import('../../src-shared/schemas.js');

/** Validates with a zod schema; INVALID_INPUT names the first problem. */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown, what: string): z.core.output<S> {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    // zod issue messages describe the rule, never the offending value, so a mistyped key cannot leak here.
    throw new TesseraError('INVALID_INPUT', `${what}: ${formatIssue(parsed.error.issues[0])}`);
  }
  return parsed.data;
}

export function findProfile(config: Config, name: string): StoredProfile | undefined {
  const exact = config.profiles.find((p) => p.name === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const loose = config.profiles.filter((p) => p.name.toLowerCase() === lower);
  return loose.length === 1 ? loose[0] : undefined;
}

function notFound(name: string): TesseraError {
  return new TesseraError('PROFILE_NOT_FOUND', `No profile named "${name}"`);
}

/** Stores a URL override only when it differs from what the region gives. */
function override(url: string | undefined, derived: string): string | undefined {
  if (url === undefined) return undefined;
  assertSecureUrl(url);
  return url === derived ? undefined : url;
}

function describeCredential(kind: Credential['kind']): string {
  return kind === 'api-key' ? 'API key' : 'password';
}

export function createProfileService(deps: ProfileServiceDeps): ProfileService {
  const { config, secrets, clock, hooks = {} } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();
  const changed = () => deps.events?.emit({ type: 'profiles-changed' });

  async function get(name: string): Promise<StoredProfile> {
    const cfg = await config.read();
    const profile = findProfile(cfg, name);
    if (!profile) throw notFound(name);
    return profile;
  }

  function secretValue(credential: Credential): string {
    return credential.kind === 'api-key' ? credential.apiKey : credential.password;
  }

  function keyInfo(credential: Credential, at: string): StoredProfile['key'] {
    // Basic profiles show the username's tail: a password's last characters are part of the secret.
    const visible = credential.kind === 'api-key' ? credential.apiKey : credential.username;
    return { fingerprint: fingerprintOf(visible), storedAt: at };
  }

  async function deleteCacheFiles(profileId: string): Promise<void> {
    const dir = join(deps.dataDir, 'cache');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => n.startsWith(`${profileId}.db`)).map((n) => rm(join(dir, n), { force: true })));
  }

  async function add(raw: unknown): Promise<ProfileView> {
    const input = parseInput((await inputSchemas()).AddProfileInputSchema, raw, 'Invalid profile');
    const region: RegionId = input.region;
    const at = nowIso();
    const icaUrl = override(input.icaUrl, DEFAULT_ICA_BASE_URL);
    const tssUrl = override(input.tssUrl, defaultTssBaseUrl(input.domain, region));
    const credential = input.credential;
    const profile: StoredProfile = {
      id: randomUUID(),
      name: input.name,
      domain: input.domain,
      region,
      credentialKind: credential.kind,
      includeIdentifiers: input.includeIdentifiers ?? false,
      createdAt: at,
      updatedAt: at,
      key: keyInfo(credential, at),
      ...(input.workgroup !== undefined ? { workgroup: input.workgroup } : {}),
      ...(credential.kind === 'basic' ? { username: credential.username } : {}),
      ...(icaUrl !== undefined ? { icaUrl } : {}),
      ...(tssUrl !== undefined ? { tssUrl } : {}),
    };

    // Fail on a taken name before touching the network or the keychain.
    if (findProfile(await config.read(), input.name)?.name.toLowerCase() === input.name.toLowerCase()) {
      throw new TesseraError('PROFILE_EXISTS', `A profile named "${input.name}" already exists`);
    }
    let verified: unknown;
    if (input.verify && hooks.verify) verified = await hooks.verify(profile, credential);

    // Secret first: a profile must never exist without its credential.
    await secrets.set(accounts.credential(profile.id), secretValue(credential));
    try {
      await config.update((cfg) => {
        if (cfg.profiles.some((p) => p.name.toLowerCase() === profile.name.toLowerCase())) {
          throw new TesseraError('PROFILE_EXISTS', `A profile named "${profile.name}" already exists`);
        }
        cfg.profiles.push(profile);
        return cfg;
      });
    } catch (error) {
      await secrets.delete(accounts.credential(profile.id)).catch(() => false);
      throw error;
    }
    if (input.verify && hooks.verified) await hooks.verified(profile, verified).catch(() => undefined);
    deps.logger?.info('profile added', { profile: profile.name, kind: profile.credentialKind, region });
    changed();
    return toProfileView(profile);
  }

  async function update(name: string, rawPatch: unknown): Promise<ProfileView> {
    const patch = parseInput((await inputSchemas()).UpdateProfileInputSchema, rawPatch, 'Invalid profile update');
    let before: StoredProfile | undefined;
    let after: StoredProfile | undefined;
    await config.update((cfg) => {
      const current = findProfile(cfg, name);
      if (!current) throw notFound(name);
      before = current;
      const next: StoredProfile = { ...current, key: { ...current.key } };
      if (patch.region !== undefined) next.region = patch.region;
      if (patch.workgroup === null) delete next.workgroup;
      else if (patch.workgroup !== undefined) next.workgroup = patch.workgroup;
      if (patch.includeIdentifiers !== undefined) next.includeIdentifiers = patch.includeIdentifiers;
      if (patch.icaUrl === null) delete next.icaUrl;
      else if (patch.icaUrl !== undefined) {
        const v = override(patch.icaUrl, DEFAULT_ICA_BASE_URL);
        if (v === undefined) delete next.icaUrl;
        else next.icaUrl = v;
      }
      if (patch.tssUrl === null) delete next.tssUrl;
      else if (patch.tssUrl !== undefined) {
        const v = override(patch.tssUrl, defaultTssBaseUrl(next.domain, next.region));
        if (v === undefined) delete next.tssUrl;
        else next.tssUrl = v;
      }
      next.updatedAt = nowIso();
      after = next;
      cfg.profiles = cfg.profiles.map((p) => (p.id === current.id ? next : p));
      return cfg;
    });
    if (!before || !after) throw notFound(name);
    // A token belongs to the ICA host that minted it.
    if (icaUrlOf(before) !== icaUrlOf(after)) await hooks.tokenInvalidated?.(after);
    changed();
    return toProfileView(after);
  }

  async function remove(name: string): Promise<void> {
    const profile = await get((await inputSchemas()).ProfileNameSchema.parse(name));
    await hooks.beforeRemove?.(profile);
    await hooks.tokenInvalidated?.(profile);
    // Secrets before the profile: if the keychain fails, the profile stays so the user can retry.
    for (const account of accounts.all(profile.id)) await secrets.delete(account);
    await deleteCacheFiles(profile.id);
    await config.update((cfg) => {
      cfg.profiles = cfg.profiles.filter((p) => p.id !== profile.id);
      return cfg;
    });
    deps.logger?.info('profile removed', { profile: profile.name });
    changed();
  }

  async function replaceCredential(name: string, raw: unknown): Promise<ProfileView> {
    const credential = parseInput((await inputSchemas()).CredentialInputSchema, raw, 'Invalid credential');
    const profile = await get(name);
    if (credential.kind !== profile.credentialKind) {
      throw new TesseraError(
        'INVALID_INPUT',
        `Profile "${profile.name}" uses ${profile.credentialKind === 'api-key' ? 'an API key' : 'a username and password'}; remove and add it again to change the kind`,
      );
    }
    const at = nowIso();
    await secrets.set(accounts.credential(profile.id), secretValue(credential));
    let after: StoredProfile | undefined;
    await config.update((cfg) => {
      cfg.profiles = cfg.profiles.map((p) => {
        if (p.id !== profile.id) return p;
        // A new key starts with a clean record: rejectedAt is dropped.
        after = {
          ...p,
          key: keyInfo(credential, at),
          updatedAt: at,
          ...(credential.kind === 'basic' ? { username: credential.username } : {}),
        };
        return after;
      });
      return cfg;
    });
    if (!after) throw notFound(name);
    await hooks.tokenInvalidated?.(after);
    deps.logger?.info('credential replaced', { profile: profile.name, kind: describeCredential(credential.kind) });
    changed();
    return toProfileView(after);
  }

  async function readCredential(profile: StoredProfile): Promise<Credential> {
    const secret = await secrets.get(accounts.credential(profile.id));
    if (secret === null || secret === '') {
      throw new TesseraError(
        'SECRET_MISSING',
        `The ${profile.credentialKind === 'api-key' ? 'API key' : 'password'} of profile "${profile.name}" is missing from the ${secrets.backend === 'file' ? 'file vault' : 'keychain'}`,
      );
    }
    if (profile.credentialKind === 'api-key') return { kind: 'api-key', apiKey: secret };
    return { kind: 'basic', username: profile.username ?? '', password: secret };
  }

  async function setRejected(profileId: string, at: string | undefined): Promise<void> {
    let changedAny = false;
    await config.update((cfg) => {
      cfg.profiles = cfg.profiles.map((p) => {
        if (p.id !== profileId || p.key.rejectedAt === at) return p;
        changedAny = true;
        const key = { ...p.key };
        if (at === undefined) delete key.rejectedAt;
        else key.rejectedAt = at;
        return { ...p, key };
      });
      return cfg;
    });
    if (changedAny) changed();
  }

  async function upsertDemo(demo: { icaUrl: string; tssUrl: string; domain: string; apiKey: string; workgroup?: string }): Promise<ProfileView> {
    const existing = findProfile(await config.read(), DEMO_PROFILE_NAME);
    if (!existing) {
      const view = await add({
        name: DEMO_PROFILE_NAME,
        domain: demo.domain,
        region: 'us',
        icaUrl: demo.icaUrl,
        tssUrl: demo.tssUrl,
        ...(demo.workgroup ? { workgroup: demo.workgroup } : {}),
        credential: { kind: 'api-key', apiKey: demo.apiKey },
      });
      await config.update((cfg) => {
        cfg.profiles = cfg.profiles.map((p) => (p.name === DEMO_PROFILE_NAME ? { ...p, isDemo: true } : p));
        return cfg;
      });
      changed();
      return { ...view, isDemo: true };
    }
    if (!existing.isDemo) {
      throw new TesseraError('PROFILE_EXISTS', `A profile named "${DEMO_PROFILE_NAME}" already exists and is not the demo; rename or remove it first`);
    }
    // The simulator listens on a new port each start: point the demo profile at it again.
    const at = nowIso();
    await secrets.set(accounts.credential(existing.id), demo.apiKey);
    let after: StoredProfile = existing;
    await config.update((cfg) => {
      cfg.profiles = cfg.profiles.map((p) => {
        if (p.id !== existing.id) return p;
        after = { ...p, domain: demo.domain, icaUrl: demo.icaUrl, tssUrl: demo.tssUrl, updatedAt: at, key: keyInfo({ kind: 'api-key', apiKey: demo.apiKey }, at) };
        return after;
      });
      return cfg;
    });
    await hooks.tokenInvalidated?.(after);
    changed();
    return toProfileView(after);
  }

  return {
    list: async () => (await config.read()).profiles.map(toProfileView),
    get,
    view: async (name) => toProfileView(await get(name)),
    add,
    update,
    remove,
    replaceCredential,
    readCredential,
    setRejected,
    upsertDemo,
  };
}
