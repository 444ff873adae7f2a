/**
 * The contract's profile operations (list, add, update, remove, replace the credential,
 * the demo profile) over the ProfileRepository, which alone reads and writes profiles
 * and their secrets. Adding verifies the credential by minting first (through the
 * token service); a change of credential or ICA host voids cached tokens; removal closes
 * and deletes the offline cache first.
 *
 * The input schemas (src-shared/schemas.ts) are imported when a profile is changed, not
 * when this module loads: `tessera token` only reads profiles.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_ICA_BASE_URL, defaultTssBaseUrl, type RegionId } from '../../src-shared/regions.js';
import type { ProfileView } from '../../src-shared/schemas.js';
import type { StoredProfile } from '../config/types.js';
import { TesseraError } from '../errors.js';
import { assertSecureUrl } from '../http/url.js';
import type { Clock, Logger } from '../ports.js';
import type { CachedToken } from '../tokens/record.js';
import { parseInput } from '../validate.js';
import { type Credential, type ProfileRepository } from './repository.js';
import { fingerprintOf, icaUrlOf, toProfileView } from './view.js';

export type { Credential } from './repository.js';

/** What profile changes need from the token service. */
export interface ProfileTokens {
  /** Mints once with a credential that is not saved yet; throws the platform's typed error when rejected. */
  verify(profile: StoredProfile, credential: Credential): Promise<CachedToken>;
  /** Keeps the token verify obtained, once its profile exists. */
  adopt(profile: StoredProfile, token: CachedToken): Promise<void>;
  /** The credential or the ICA host changed, or the profile is gone: its cached tokens are void. */
  forget(profile: StoredProfile): Promise<void>;
}

export interface ProfileServiceDeps {
  repo: ProfileRepository;
  clock: Clock;
  tokens: ProfileTokens;
  /** The offline cache: closes a removed profile's database and deletes its files. */
  cache: { beforeRemove(profile: StoredProfile): Promise<void> };
  logger?: Logger;
  /**
   * One TSS request with the new profile's domain, workgroup and credential (a Bearer
   * token for password profiles): the typed error when TSS refuses it.
   */
  tssCheck?(profile: StoredProfile, credential: Credential, token: CachedToken): Promise<void>;
}

export interface ProfileService {
  list(): Promise<ProfileView[]>;
  add(input: unknown): Promise<ProfileView>;
  update(name: string, patch: unknown): Promise<ProfileView>;
  remove(name: string): Promise<void>;
  /** Verifies the new credential by minting first unless `options.verify === false`; a failure changes nothing. */
  replaceCredential(name: string, credential: unknown, options?: unknown): Promise<ProfileView>;
  /** Creates or refreshes the demo profile pointing at the embedded simulator. */
  upsertDemo(demo: { icaUrl: string; tssUrl: string; domain: string; apiKey: string; workgroup?: string }): Promise<ProfileView>;
}

export const DEMO_PROFILE_NAME = 'demo';

/** The input schemas of the profile changes (add, update, remove, replace the credential). */
const inputSchemas = () => import('../../src-shared/schemas.js');

/** Stores a URL override only when it differs from what the region gives. */
function override(url: string | undefined, derived: string): string | undefined {
  if (url === undefined) return undefined;
  assertSecureUrl(url);
  return url === derived ? undefined : url;
}

function describeCredential(kind: Credential['kind']): string {
  return kind === 'api-key' ? 'API key' : 'password';
}

function secretValue(credential: Credential): string {
  return credential.kind === 'api-key' ? credential.apiKey : credential.password;
}

function keyInfo(credential: Credential, at: string): StoredProfile['key'] {
  // Basic profiles show the username's tail: a password's last characters are part of the secret.
  const visible = credential.kind === 'api-key' ? credential.apiKey : credential.username;
  return { fingerprint: fingerprintOf(visible), storedAt: at };
}

export function createProfileService(deps: ProfileServiceDeps): ProfileService {
  const { repo, clock, tokens } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();

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
    if (await repo.nameTaken(input.name)) throw new TesseraError('PROFILE_EXISTS', `A profile named "${input.name}" already exists`);
    const verified = input.verify ? await tokens.verify(profile, credential) : undefined;
    const warnings = verified ? await checkTss(profile, credential, verified) : [];
    await repo.insert(profile, secretValue(credential));
    if (verified) await tokens.adopt(profile, verified).catch(() => undefined);
    deps.logger?.info('profile added', { profile: profile.name, kind: profile.credentialKind, region });
    const view = toProfileView(profile);
    return warnings.length ? { ...view, warnings } : view;
  }

  /**
   * After ICA accepted the credential: whether TSS knows the domain, takes the credential
   * for it and lets it use the workgroup. Those are refused before anything is stored; a
   * TSS that cannot be asked, or that refuses the key a role (an ICA-only key), only warns.
   */
  async function checkTss(profile: StoredProfile, credential: Credential, token: CachedToken): Promise<string[]> {
    if (!deps.tssCheck) return [];
    try {
      await deps.tssCheck(profile, credential, token);
      return [];
    } catch (error) {
      if (!(error instanceof TesseraError)) throw error;
      const what = describeCredential(credential.kind);
      if (error.code === 'TENANT_NOT_FOUND') {
        throw new TesseraError('TENANT_NOT_FOUND', `No tenant with domain ${profile.domain}: ICA accepted the ${what}, but TSS knows no such tenant.`, { cause: error });
      }
      if (error.code === 'CREDENTIALS_REJECTED') {
        throw new TesseraError(
          'CREDENTIALS_REJECTED',
          `This ${what} belongs to another tenant than ${profile.domain}: ICA accepted it, but TSS refused it for ${profile.domain}.`,
          { cause: error },
        );
      }
      const problem = (error as { problem?: { code?: string } }).problem;
      if (error.code === 'FORBIDDEN' && profile.workgroup && problem?.code === 'FORBIDDEN_WORKGROUP') {
        throw new TesseraError('INVALID_INPUT', `Workgroup ${profile.workgroup} is not a workgroup of tenant ${profile.domain} that this ${what} may use (TSS refused it).`, { cause: error });
      }
      deps.logger?.warn('TSS check at add failed', { profile: profile.name, code: error.code });
      return error.code === 'FORBIDDEN'
        ? [`TSS refused this ${what} (${error.message}); tokens work, but the offline cache will not until the user has the API Access role.`]
        : [`TSS could not be asked (${error.message}), so the domain${profile.workgroup ? ' and workgroup were' : ' was'} not checked.`];
    }
  }

  async function update(name: string, rawPatch: unknown): Promise<ProfileView> {
    const patch = parseInput((await inputSchemas()).UpdateProfileInputSchema, rawPatch, 'Invalid profile update');
    const before = await repo.find(name);
    const after = await repo.update(before.id, (next) => {
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
      return next;
    });
    // A token belongs to the ICA host that minted it.
    if (icaUrlOf(before) !== icaUrlOf(after)) await tokens.forget(after);
    return toProfileView(after);
  }

  async function remove(name: string): Promise<void> {
    const profile = await repo.find((await inputSchemas()).ProfileNameSchema.parse(name));
    await deps.cache.beforeRemove(profile);
    await tokens.forget(profile);
    await repo.delete(profile);
    deps.logger?.info('profile removed', { profile: profile.name });
  }

  async function replaceCredential(name: string, raw: unknown, rawOptions?: unknown): Promise<ProfileView> {
    const schemas = await inputSchemas();
    const credential = parseInput(schemas.CredentialInputSchema, raw, 'Invalid credential');
    const { verify = true } = rawOptions === undefined ? {} : parseInput(schemas.ReplaceCredentialOptionsSchema, rawOptions, 'Invalid options');
    const profile = await repo.find(name);
    if (credential.kind !== profile.credentialKind) {
      throw new TesseraError(
        'INVALID_INPUT',
        `Profile "${profile.name}" uses ${profile.credentialKind === 'api-key' ? 'an API key' : 'a username and password'}; remove and add it again to change the kind`,
      );
    }
    const at = nowIso();
    const next: StoredProfile = {
      ...profile,
      key: keyInfo(credential, at),
      updatedAt: at,
      ...(credential.kind === 'basic' ? { username: credential.username } : {}),
    };
    // Checked before anything is stored: a wrong or unverifiable key never replaces a working one.
    // The test token is not kept: rotation discards tokens, and the next use mints with the new key.
    if (verify) await tokens.verify(next, credential);
    await repo.writeCredential(profile, secretValue(credential));
    // A new key starts with a clean record: rejectedAt is dropped.
    const after = await repo.update(profile.id, () => next);
    await tokens.forget(after);
    deps.logger?.info('credential replaced', { profile: profile.name, kind: describeCredential(credential.kind) });
    return toProfileView(after);
  }

  async function upsertDemo(demo: { icaUrl: string; tssUrl: string; domain: string; apiKey: string; workgroup?: string }): Promise<ProfileView> {
    const existing = (await repo.list()).find((p) => p.name === DEMO_PROFILE_NAME);
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
      const created = await repo.find(DEMO_PROFILE_NAME);
      await repo.update(created.id, (p) => ({ ...p, isDemo: true }));
      return { ...view, isDemo: true };
    }
    if (!existing.isDemo) {
      throw new TesseraError('PROFILE_EXISTS', `A profile named "${DEMO_PROFILE_NAME}" already exists and is not the demo; rename or remove it first`);
    }
    // The simulator listens on a new port each start: point the demo profile at it again.
    const at = nowIso();
    await repo.writeCredential(existing, demo.apiKey);
    const after = await repo.update(existing.id, (p) => ({
      ...p,
      domain: demo.domain,
      icaUrl: demo.icaUrl,
      tssUrl: demo.tssUrl,
      updatedAt: at,
      key: keyInfo({ kind: 'api-key', apiKey: demo.apiKey }, at),
    }));
    await tokens.forget(after);
    return toProfileView(after);
  }

  return {
    list: async () => (await repo.list()).map(toProfileView),
    add,
    update,
    remove,
    replaceCredential,
    upsertDemo,
  };
}
