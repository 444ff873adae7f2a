/**
 * ProfileRepository: the only code that reads or writes profiles in config.json and
 * the secrets that belong to them (credential, cached token, cache key, cached AWS
 * credentials) in the
 * SecretStore. Everything else asks it, so there is one lookup rule, one place that
 * announces profile changes, and one place that decides how often the keychain is read.
 *
 * - Lookup: the exact name, else the one profile whose name matches ignoring case, else
 *   PROFILE_NOT_FOUND naming near matches.
 * - Writes: `update(id, fn)` changes one profile under the config lock; every write that
 *   changes something emits `profiles-changed`.
 * - Credential reads: `credentials()` opens a scope for one operation (a sync, a read, a
 *   mint) in which each profile's credential is read from the secret store once. The
 *   scope is dropped with the operation; only the redaction's list of values to mask
 *   (redact.ts) outlives it.
 *   (Each Secret Service read opens a D-Bus connection of its own in the keyring
 *   library, and thousands of them in a row have crashed gnome-keyring.)
 * - Every credential and cache key read or written here is registered with the
 *   redaction (redact.ts), so no log line or error message can carry it.
 * - Entries are named after the profile (secrets/accounts.ts), so a person browsing the
 *   keychain knows whose they are. Each secret has one entry, under the current name: a
 *   read that misses adopts the entry under a legacy (`profile/<id>/<kind>`) or former
 *   name, writing it under the current name, reading it back and only then deleting the
 *   old one; a write or delete leaves no copy under another name; and a rename
 *   (`update` changing the name) moves every entry at once.
 */
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Config, ConfigStore, StoredProfile } from '../config/types.js';
import type { SecretStore } from '../ports.js';
import { SECRET_KINDS, accountName, accounts, legacyAccountName, parseAccount, type SecretKind, type SecretOwner } from '../secrets/accounts.js';
import { registerSecret } from '../redact.js';
import type { CredentialInput } from '../../src-shared/schemas.js';
import { sameProfileName } from '../../src-shared/rules.js';

export type Credential = CredentialInput;

/** One secret of one profile: the cached token record or the offline cache's key. */
export interface SecretSlot {
  get(): Promise<string | null>;
  set(value: string): Promise<void>;
  delete(): Promise<boolean>;
}

/** Reads credentials for one operation, each profile's at most once. */
export interface CredentialScope {
  read(profile: StoredProfile): Promise<Credential>;
}

export interface ProfileRepository {
  /** Which secret store holds the credentials (for messages: "keychain" or "file vault"). */
  readonly backend: SecretStore['backend'];
  list(): Promise<readonly StoredProfile[]>;
  /** The lookup rule every face and service uses; PROFILE_NOT_FOUND otherwise. */
  find(name: string): Promise<StoredProfile>;
  findById(id: string): Promise<StoredProfile | undefined>;
  /** Whether `name` is taken (names are unique ignoring case). */
  nameTaken(name: string): Promise<boolean>;
  /** Stores the credential, then the profile (a profile never exists without its credential). */
  insert(profile: StoredProfile, secret: string): Promise<void>;
  /**
   * Stores profiles that have no credential yet (`needsKey`), all in one config write:
   * either every one is saved or, on a taken name, none is (PROFILE_EXISTS naming it).
   */
  insertKeyless(profiles: readonly StoredProfile[]): Promise<void>;
  /** Changes one profile under the config lock; returns it as saved (undefined if `fn` left it unchanged). */
  update(id: string, fn: (profile: StoredProfile) => StoredProfile | void): Promise<StoredProfile>;
  /** Records (at = ISO time) or clears (undefined) the platform's refusal of the credential. */
  setRejected(profileId: string, at: string | undefined): Promise<void>;
  /** Deletes every secret of the profile, then the profile. */
  delete(profile: StoredProfile): Promise<void>;
  /** Replaces the stored credential (the profile's key info is the caller's to update). */
  writeCredential(profile: StoredProfile, secret: string): Promise<void>;
  /** A scope for one operation; see the module comment. */
  credentials(): CredentialScope;
  /** Reads a credential now (one mint). */
  readCredential(profile: StoredProfile): Promise<Credential>;
  /** The profile's cached token record (the token service's own). */
  tokenSlot(profile: SecretOwner): SecretSlot;
  /** The profile's offline-cache key (the cache's own). */
  cacheKeySlot(profile: SecretOwner): SecretSlot;
  /** The profile's cached temporary AWS credentials (aws/credentials.ts's own). */
  awsCredentialsSlot(profile: SecretOwner): SecretSlot;
}

/** One account of the secret store, as a slot. */
export function secretSlot(secrets: SecretStore, account: string): SecretSlot {
  return {
    get: () => secrets.get(account),
    set: (value) => secrets.set(account, value),
    delete: () => secrets.delete(account),
  };
}

/** Write new, read back, delete old: a secret is never only in flight. */
async function moveEntry(secrets: SecretStore, from: string, to: string, value: string): Promise<void> {
  await secrets.set(to, value);
  if ((await secrets.get(to)) === value) await secrets.delete(from);
}

/** Every account of the profile under any name (current, former, legacy), with its kind. */
async function entriesOf(secrets: SecretStore, profileId: string): Promise<{ account: string; kind: SecretKind }[]> {
  return (await secrets.list()).flatMap((account) => {
    const parsed = parseAccount(account);
    const kind = SECRET_KINDS.find((k) => k === parsed?.kind);
    return parsed?.profileId === profileId && kind ? [{ account, kind }] : [];
  });
}

/** Secrets rewritten at every mint: cached values that expire by themselves. */
const SHORT_LIVED: ReadonlySet<SecretKind> = new Set(['token', 'aws-credentials']);

/**
 * One secret of a profile, under the account labelled with the profile's current name;
 * copies under a legacy or former name are adopted or removed (see the module comment).
 */
export function profileSecretSlot(secrets: SecretStore, owner: SecretOwner, kind: SecretKind): SecretSlot {
  const account = accountName(owner, kind);
  const legacy = legacyAccountName(owner.id, kind);

  /** The other accounts holding this secret: the legacy one, or any under a former name. */
  async function others(): Promise<string[]> {
    // Listing can fail while another process deletes entries (the keychain lists values
    // too); the legacy account is then still looked at, and the next access lists again.
    const listed = await entriesOf(secrets, owner.id).catch(() => null);
    if (listed === null) return [legacy];
    return listed.filter((e) => e.kind === kind && e.account !== account).map((e) => e.account);
  }

  return {
    async get() {
      const value = await secrets.get(account);
      if (value !== null) return value;
      let vanished = false;
      for (const other of await others()) {
        const found = await secrets.get(other);
        // Listed a moment ago: another process may have moved it meanwhile.
        if (found === null) {
          vanished = true;
          continue;
        }
        // When the move fails the value still serves this read, and the next read tries again.
        await moveEntry(secrets, other, account, found).catch(() => undefined);
        return found;
      }
      // Another process may have just moved it (it writes the new account before deleting the old).
      return vanished ? secrets.get(account) : null;
    },
    async set(value) {
      await secrets.set(account, value);
      // An older copy elsewhere would outlive the new value (a replaced key still in the
      // keychain). Listing reads every entry, so the caches written at every mint (tokens,
      // AWS credentials, which expire on their own) leave theirs to a read that misses
      // and to the profile's removal.
      if (SHORT_LIVED.has(kind)) return;
      for (const other of await others()) await secrets.delete(other);
    },
    async delete() {
      let deleted = await secrets.delete(account);
      for (const other of await others()) deleted = (await secrets.delete(other)) || deleted;
      return deleted;
    },
  };
}

/** A slot whose values are registered with the redaction as they pass (the cache key). */
function knownSlot(slot: SecretSlot): SecretSlot {
  return {
    async get() {
      const value = await slot.get();
      registerSecret(value);
      return value;
    },
    set(value) {
      registerSecret(value);
      return slot.set(value);
    },
    delete: () => slot.delete(),
  };
}

/** The lookup rule: exact name, else a unique case-insensitive match (over stored profiles or their views). */
export function findProfile<P extends { name: string }>(profiles: readonly P[], name: string): P | undefined {
  const exact = profiles.find((p) => p.name === name);
  if (exact) return exact;
  const loose = profiles.filter((p) => sameProfileName(p.name, name));
  return loose.length === 1 ? loose[0] : undefined;
}

/** The lookup rule, or PROFILE_NOT_FOUND naming near matches. */
export function lookupProfile<P extends { name: string }>(profiles: readonly P[], name: string): P {
  const found = findProfile(profiles, name);
  if (!found) throw notFound(name, profiles);
  return found;
}

/** Edit distance, bounded: only to suggest near matches in a not-found message. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

export function notFound(name: string, profiles: readonly { name: string }[]): TesseraError {
  const wanted = name.toLowerCase();
  const near = profiles
    .map((p) => ({ name: p.name, d: distance(wanted, p.name.toLowerCase()) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(wanted.length / 3)) || c.name.toLowerCase().includes(wanted) || wanted.includes(c.name.toLowerCase()))
    .sort((x, y) => x.d - y.d)
    .slice(0, 3)
    .map((c) => `"${c.name}"`);
  const hint = near.length ? ` Did you mean ${near.join(' or ')}?` : '';
  return new TesseraError('PROFILE_NOT_FOUND', `No profile named "${name}".${hint}`);
}

export function createProfileRepository(deps: { config: ConfigStore; secrets: SecretStore; events: EventBus }): ProfileRepository {
  const { config, secrets, events } = deps;
  const changed = () => events.emit({ type: 'profiles-changed' });
  const credentialSlot = (owner: SecretOwner) => profileSecretSlot(secrets, owner, 'credential');

  /** Moves every entry of the profile to the account of its current name. */
  async function relabel(profile: StoredProfile): Promise<void> {
    for (const { account, kind } of await entriesOf(secrets, profile.id)) {
      const to = accountName(profile, kind);
      if (account === to) continue;
      const value = await secrets.get(account);
      // A copy already under the new name is the newer one (the slots write there): the old one only goes.
      if (value === null) continue;
      if ((await secrets.get(to)) === null) await moveEntry(secrets, account, to, value);
      else await secrets.delete(account);
    }
  }

  async function readCredential(profile: StoredProfile): Promise<Credential> {
    if (profile.needsKey) throw keyNeeded(profile);
    const secret = await credentialSlot(profile).get();
    registerSecret(secret);
    if (secret === null || secret === '') {
      throw new TesseraError(
        'SECRET_MISSING',
        `The ${profile.credentialKind === 'api-key' ? 'API key' : 'password'} of profile "${profile.name}" is missing from the ${secrets.backend === 'file' ? 'file vault' : 'keychain'}`,
      );
    }
    if (profile.credentialKind === 'api-key') return { kind: 'api-key', apiKey: secret };
    return { kind: 'basic', username: profile.username ?? '', password: secret };
  }

  return {
    backend: secrets.backend,
    async list() {
      return (await config.read()).profiles;
    },
    async find(name) {
      return lookupProfile((await config.read()).profiles, name);
    },
    async findById(id) {
      return (await config.read()).profiles.find((p) => p.id === id);
    },
    async nameTaken(name) {
      return (await config.read()).profiles.some((p) => sameProfileName(p.name, name));
    },
    async insert(profile, secret) {
      registerSecret(secret);
      if (await this.nameTaken(profile.name)) throw exists(profile.name);
      await credentialSlot(profile).set(secret);
      try {
        await config.update((cfg) => {
          // Checked again under the lock: another process may have added the name meanwhile.
          if (cfg.profiles.some((p) => sameProfileName(p.name, profile.name))) throw exists(profile.name);
          cfg.profiles.push(profile);
          return cfg;
        });
      } catch (error) {
        await secrets.delete(accounts.credential(profile)).catch(() => false);
        throw error;
      }
      changed();
    },
    async insertKeyless(profiles) {
      const clash = (cfg: Config) => profiles.find((p) => cfg.profiles.some((q) => sameProfileName(q.name, p.name)));
      const early = clash(await config.read());
      if (early) throw exists(early.name);
      await config.update((cfg) => {
        // Checked again under the lock: another process may have added a name meanwhile.
        const taken = clash(cfg);
        if (taken) throw exists(taken.name);
        cfg.profiles.push(...profiles.map((p) => ({ ...p, needsKey: true })));
        return cfg;
      });
      changed();
    },
    async update(id, fn) {
      // Nothing to change (a rejection mark already set, a search version already known): no write, no event.
      const seen = (await config.read()).profiles.find((p) => p.id === id);
      if (seen && JSON.stringify(fn(structuredClone(seen)) ?? seen) === JSON.stringify(seen)) return seen;
      let saved: StoredProfile | undefined;
      let differs = false;
      let renamed = false;
      await config.update((cfg) => {
        const index = cfg.profiles.findIndex((p) => p.id === id);
        const current = cfg.profiles[index];
        if (!current) throw new TesseraError('PROFILE_NOT_FOUND', 'That profile no longer exists.');
        const next = fn(structuredClone(current)) ?? current;
        differs = JSON.stringify(next) !== JSON.stringify(current);
        renamed = next.name !== current.name;
        saved = next;
        if (differs) cfg.profiles[index] = next;
        return cfg;
      });
      // The profile is renamed already; entries not moved now are adopted when next read.
      if (renamed) await relabel(saved!).catch(() => undefined);
      if (differs) changed();
      return saved!;
    },
    async setRejected(profileId, at) {
      await this.update(profileId, (p) => {
        const key = { ...p.key };
        if (at === undefined) delete key.rejectedAt;
        else key.rejectedAt = at;
        return { ...p, key };
      });
    },
    async delete(profile) {
      // Secrets before the profile: if the keychain fails, the profile stays so the person can retry.
      const named = [...accounts.all(profile), ...SECRET_KINDS.map((kind) => legacyAccountName(profile.id, kind))];
      // A failed listing (see entriesOf) leaves at most copies under a former name, which the doctor reports as orphans.
      const listed = (await entriesOf(secrets, profile.id).catch(() => [])).map((e) => e.account);
      for (const account of new Set([...named, ...listed])) await secrets.delete(account);
      await config.update((cfg) => {
        cfg.profiles = cfg.profiles.filter((p) => p.id !== profile.id);
        return cfg;
      });
      changed();
    },
    async writeCredential(profile, secret) {
      registerSecret(secret);
      await credentialSlot(profile).set(secret);
    },
    credentials() {
      const reads = new Map<string, Promise<Credential>>();
      return {
        read(profile) {
          // Keyed by the credential's identity: a replaced key is read anew.
          const key = `${profile.id}@${profile.key.storedAt}`;
          let pending = reads.get(key);
          if (!pending) {
            pending = readCredential(profile);
            // A failed read (a locked keychain) is not remembered: the next request may succeed.
            pending.catch(() => reads.delete(key));
            reads.set(key, pending);
          }
          return pending;
        },
      };
    },
    readCredential,
    tokenSlot: (owner) => profileSecretSlot(secrets, owner, 'token'),
    cacheKeySlot: (owner) => knownSlot(profileSecretSlot(secrets, owner, 'cache-key')),
    awsCredentialsSlot: (owner) => profileSecretSlot(secrets, owner, 'aws-credentials'),
  };
}

/** Every use of a credential (token, exec, sync, copy) ends here for a profile that has none yet. */
export function keyNeeded(profile: StoredProfile): TesseraError {
  return new TesseraError(
    'KEY_NEEDED',
    `Profile "${profile.name}" has no ${profile.credentialKind === 'api-key' ? 'API key' : 'password'} yet: add one with \`tessera profile rotate ${profile.name}\` (in the app: Add key)`,
  );
}

function exists(name: string): TesseraError {
  return new TesseraError('PROFILE_EXISTS', `A profile named "${name}" already exists`);
}
