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
import { PROFILE_FILE_FORMAT, PROFILE_FILE_VERSION } from '../../src-shared/profile-file.js';
import type { AddProfileInput, ExportedProfile, ProfileFile, ProfileView, TokenClaims } from '../../src-shared/schemas.js';
import type { StoredProfile } from '../config/types.js';
import { TesseraError } from '../errors.js';
import { assertSecureUrl } from '../http/url.js';
import type { Clock, Logger } from '../ports.js';
import type { CachedToken } from '../tokens/record.js';
import { parseInput } from '../validate.js';
import { type Credential, type ProfileRepository } from './repository.js';
import { fingerprintOf, icaUrlOf, toProfileView } from './view.js';

/** What profile changes need from the token service. */
interface ProfileTokens {
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

/** A validated profile input whose domain may come from the verified token (icav2 import). */
export type CreateInput = Omit<ParsedAddInput, 'domain'> & { domain?: string };
type ParsedAddInput = Omit<AddProfileInput, 'region'> & { region: RegionId };

export interface Created {
  profile: ProfileView;
  /** Claims of the token that verified the credential (none with verify: false). */
  claims?: TokenClaims;
  domainFrom: 'option' | 'token';
}

export interface ProfileService {
  list(): Promise<ProfileView[]>;
  add(input: unknown): Promise<ProfileView>;
  /**
   * Verifies the credential by minting, then stores the profile; without a domain the
   * token's tenant (`tns`) is used, and a token naming none is INVALID_INPUT asking for it.
   * `beforeInsert` runs after the verification and before anything is stored.
   */
  create(input: CreateInput, beforeInsert?: () => Promise<void>): Promise<Created>;
  /** The team file of the named profiles (all but the demo when none are named): never a secret. */
  exportProfiles(names?: readonly string[]): Promise<ProfileFile>;
  /** Validates a team file's text entirely, then stores every profile in it without a credential, or none. */
  importProfiles(text: unknown): Promise<ProfileView[]>;
  update(name: string, patch: unknown): Promise<ProfileView>;
  remove(name: string): Promise<void>;
  /** Verifies the new credential by minting first unless `options.verify === false`; a failure changes nothing. */
  replaceCredential(name: string, credential: unknown, options?: unknown): Promise<ProfileView>;
  /** Creates or refreshes the demo profile pointing at the embedded simulator. */
  upsertDemo(demo: { icaUrl: string; tssUrl: string; domain: string; apiKey: string; workgroup?: string }): Promise<ProfileView>;
}

const DEMO_PROFILE_NAME = 'demo';

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

/** `tns` names the tenant; used as the domain when it has a domain's shape. */
export function domainFromClaims(claims: TokenClaims | undefined): string | undefined {
  const tns = claims?.tns?.trim().toLowerCase();
  return tns && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(tns) ? tns : undefined;
}

function exported(p: StoredProfile): ExportedProfile {
  return {
    name: p.name,
    domain: p.domain,
    region: p.region,
    ...(p.workgroup !== undefined ? { workgroup: p.workgroup } : {}),
    ...(p.icaUrl !== undefined ? { icaUrl: p.icaUrl } : {}),
    ...(p.tssUrl !== undefined ? { tssUrl: p.tssUrl } : {}),
    includeIdentifiers: p.includeIdentifiers,
    credentialKind: p.credentialKind,
    ...(p.username !== undefined ? { username: p.username } : {}),
  };
}

type Schemas = Awaited<ReturnType<typeof inputSchemas>>;
type Entry = ReturnType<typeof parseEntry>;

function parseEntry(schemas: Schemas, raw: unknown, where: string) {
  const entry = parseInput(schemas.ExportedProfileSchema, raw, where);
  if (entry.credentialKind === 'basic' && entry.username === undefined) {
    throw new TesseraError('INVALID_INPUT', `${where}: a password profile needs its username (username)`);
  }
  if (entry.credentialKind === 'api-key' && entry.username !== undefined) {
    throw new TesseraError('INVALID_INPUT', `${where}: an API-key profile has no username (username)`);
  }
  for (const field of ['icaUrl', 'tssUrl'] as const) {
    const url = entry[field];
    if (url === undefined) continue;
    try {
      assertSecureUrl(url);
    } catch (error) {
      throw new TesseraError('INVALID_INPUT', `${where}: ${(error as Error).message} (${field})`);
    }
  }
  return entry;
}

/** Every entry checked before anything is stored; errors name the entry (1-based) and the field. */
function readProfileFile(text: string, schemas: Schemas): Entry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new TesseraError('INVALID_INPUT', 'The profile file is not JSON; expected a file written by `tessera profile export`');
  }
  const file = doc as Partial<ProfileFile> | null;
  if (typeof file !== 'object' || file === null || Array.isArray(file) || file.format !== PROFILE_FILE_FORMAT) {
    throw new TesseraError('INVALID_INPUT', `The file is not a Tessera profile file (its "format" is not "${PROFILE_FILE_FORMAT}")`);
  }
  if (file.version !== PROFILE_FILE_VERSION) {
    throw new TesseraError('INVALID_INPUT', `The profile file has version ${JSON.stringify(file.version)}; this Tessera reads version ${PROFILE_FILE_VERSION}`);
  }
  const extra = Object.keys(file).filter((k) => !['format', 'version', 'profiles'].includes(k));
  if (extra.length) throw new TesseraError('INVALID_INPUT', `The profile file has unexpected fields: ${extra.join(', ')}`);
  if (!Array.isArray(file.profiles) || file.profiles.length === 0) throw new TesseraError('INVALID_INPUT', 'The profile file lists no profiles');
  if (file.profiles.length > 1000) throw new TesseraError('INVALID_INPUT', 'The profile file lists more than 1000 profiles');
  const seen = new Map<string, number>();
  return file.profiles.map((raw, i) => {
    const name = typeof (raw as { name?: unknown } | null)?.name === 'string' ? ` ("${(raw as { name: string }).name.slice(0, 64)}")` : '';
    const entry = parseEntry(schemas, raw, `Profile ${i + 1}${name}`);
    const first = seen.get(entry.name.toLowerCase());
    if (first !== undefined) throw new TesseraError('INVALID_INPUT', `Profile ${i + 1} ("${entry.name}"): the name is already used by profile ${first} of the file (name)`);
    seen.set(entry.name.toLowerCase(), i + 1);
    return entry;
  });
}

export function createProfileService(deps: ProfileServiceDeps): ProfileService {
  const { repo, clock, tokens } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();

  async function add(raw: unknown): Promise<ProfileView> {
    const input = parseInput((await inputSchemas()).AddProfileInputSchema, raw, 'Invalid profile');
    return (await create(input)).profile;
  }

  async function create(input: CreateInput, beforeInsert?: () => Promise<void>): Promise<Created> {
    const region: RegionId = input.region;
    const at = nowIso();
    const icaUrl = override(input.icaUrl, DEFAULT_ICA_BASE_URL);
    const credential = input.credential;
    const profile: StoredProfile = {
      id: randomUUID(),
      name: input.name,
      domain: input.domain ?? '',
      region,
      credentialKind: credential.kind,
      includeIdentifiers: input.includeIdentifiers ?? false,
      createdAt: at,
      updatedAt: at,
      key: keyInfo(credential, at),
      ...(input.workgroup !== undefined ? { workgroup: input.workgroup } : {}),
      ...(credential.kind === 'basic' ? { username: credential.username } : {}),
      ...(icaUrl !== undefined ? { icaUrl } : {}),
    };
    if (input.domain !== undefined) assignTssUrl(profile, input.tssUrl);
    else if (input.tssUrl !== undefined) assertSecureUrl(input.tssUrl);

    // Fail on a taken name before touching the network or the keychain.
    if (await repo.nameTaken(input.name)) throw new TesseraError('PROFILE_EXISTS', `A profile named "${input.name}" already exists`);
    const verified = input.verify || input.domain === undefined ? await tokens.verify(profile, credential) : undefined;
    if (input.domain === undefined) {
      const domain = domainFromClaims(verified?.claims);
      if (!domain) {
        throw new TesseraError('INVALID_INPUT', `The key's token does not name its tenant: give the tenant domain (as in <domain>.login.illumina.com) for profile "${input.name}"`);
      }
      profile.domain = domain;
      assignTssUrl(profile, input.tssUrl);
    }
    const warnings = verified && input.verify ? await checkTss(profile, credential, verified, input.domain !== undefined) : [];
    await beforeInsert?.();
    await repo.insert(profile, secretValue(credential));
    if (verified) await tokens.adopt(profile, verified).catch(() => undefined);
    deps.logger?.info('profile added', { profile: profile.name, kind: profile.credentialKind, region });
    const view = toProfileView(profile);
    return { profile: warnings.length ? { ...view, warnings } : view, ...(verified ? { claims: verified.claims } : {}), domainFrom: input.domain === undefined ? 'token' : 'option' };
  }

  /**
   * After ICA accepted the credential: whether TSS knows the domain, takes the credential
   * for it and lets it use the workgroup. Those are refused before anything is stored; a
   * TSS that cannot be asked, or that refuses the key a role (an ICA-only key), only warns.
   * A domain read from the token (`typedDomain` false) was not the person's mistake: any
   * refusal only warns.
   */
  async function checkTss(profile: StoredProfile, credential: Credential, token: CachedToken, typedDomain: boolean): Promise<string[]> {
    if (!deps.tssCheck) return [];
    try {
      await deps.tssCheck(profile, credential, token);
      return [];
    } catch (error) {
      if (!(error instanceof TesseraError)) throw error;
      if (!typedDomain) {
        deps.logger?.warn('TSS check at add failed', { profile: profile.name, code: error.code });
        return [`TSS refused the tenant ${profile.domain} named by the key's token (${error.message}); tokens work, but the offline cache may not: check the profile's domain.`];
      }
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

  /** The TSS URL is stored only when it differs from what the domain and region give. */
  function assignTssUrl(profile: StoredProfile, url: string | undefined): void {
    const tssUrl = override(url, defaultTssBaseUrl(profile.domain, profile.region));
    if (tssUrl !== undefined) profile.tssUrl = tssUrl;
  }

  async function exportProfiles(names?: readonly string[]): Promise<ProfileFile> {
    const chosen = names && names.length > 0 ? await Promise.all(names.map((n) => repo.find(n))) : (await repo.list()).filter((p) => !p.isDemo);
    const unique = [...new Map(chosen.map((p) => [p.id, p])).values()];
    if (unique.length === 0) throw new TesseraError('PROFILE_NOT_FOUND', 'There are no profiles to export (the demo profile is left out unless named)');
    return { format: PROFILE_FILE_FORMAT, version: PROFILE_FILE_VERSION, profiles: unique.map(exported) };
  }

  async function importProfiles(raw: unknown): Promise<ProfileView[]> {
    const schemas = await inputSchemas();
    const text = parseInput(schemas.ProfileFileTextSchema, raw, 'Invalid profile file');
    const entries = readProfileFile(text, schemas);
    const at = nowIso();
    const profiles = entries.map((e): StoredProfile => {
      const profile: StoredProfile = {
        id: randomUUID(),
        name: e.name,
        domain: e.domain,
        region: e.region,
        credentialKind: e.credentialKind,
        includeIdentifiers: e.includeIdentifiers,
        createdAt: at,
        updatedAt: at,
        // No credential yet: nothing to fingerprint.
        key: { fingerprint: '', storedAt: at },
        needsKey: true,
        ...(e.workgroup !== undefined ? { workgroup: e.workgroup } : {}),
        ...(e.username !== undefined ? { username: e.username } : {}),
      };
      const icaUrl = override(e.icaUrl, DEFAULT_ICA_BASE_URL);
      if (icaUrl !== undefined) profile.icaUrl = icaUrl;
      assignTssUrl(profile, e.tssUrl);
      return profile;
    });
    await repo.insertKeyless(profiles);
    deps.logger?.info('profiles imported', { count: profiles.length });
    return profiles.map(toProfileView);
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
    const { needsKey: _, ...complete } = profile;
    const next: StoredProfile = {
      ...complete,
      key: keyInfo(credential, at),
      updatedAt: at,
      ...(credential.kind === 'basic' ? { username: credential.username } : {}),
    };
    // Checked before anything is stored: a wrong or unverifiable key never replaces a working one.
    // The test token is not kept: rotation discards tokens, and the next use mints with the new key.
    if (verify) await tokens.verify(next, credential);
    await repo.writeCredential(profile, secretValue(credential));
    // A new key starts with a clean record (rejectedAt dropped); a profile imported without its key is complete from now on.
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
    create,
    exportProfiles,
    importProfiles,
    update,
    remove,
    replaceCredential,
    upsertDemo,
  };
}
