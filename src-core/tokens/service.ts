/**
 * Token service (docs/architecture.md):
 * - a token is handed out only with at least minTtl left, otherwise a new one is obtained;
 * - expiry is `exp` corrected for the server's clock skew (measured from `Date`);
 * - Basic-minted tokens are extended with `:refresh` while still valid (falling back to a
 *   mint when the platform refuses the refresh); key-minted tokens are re-minted;
 * - one flight per profile: concurrent callers share one mint;
 * - tokens are cached in memory and in the profile's token slot of the secret store
 *   (through the ProfileRepository), which the desktop app and the CLI share;
 * - a 401 marks the credential rejected (`key.rejectedAt`), a success clears the mark;
 * - every JWT obtained or read back is registered with the redaction (redact.ts).
 */
import type { RevealedToken, TokenOptions, TokenStatus } from '../../src-shared/schemas.js';
import type { StoredProfile } from '../config/types.js';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { IcaClient, MintedToken } from '../ica/client.js';
import type { Clock, Logger } from '../ports.js';
import type { Credential, ProfileRepository } from '../profiles/repository.js';
import { icaUrlOf } from '../profiles/view.js';
import { registerSecret } from '../redact.js';
import { localExpiry, parseRecord, serializeRecord, toStatus, type CachedToken } from './record.js';

/** A Basic token is refreshed only while it has at least this long left, so it is still valid when ICA reads it. */
const REFRESH_MARGIN_MS = 15_000;

export interface TokenServiceDeps {
  ica: IcaClient;
  clock: Clock;
  /** The credential to mint with, the token slot to cache in, and the rejection mark. */
  profiles: Pick<ProfileRepository, 'readCredential' | 'tokenSlot' | 'setRejected'>;
  /** settings.minTtlSeconds, read per call. */
  minTtlSeconds(): Promise<number>;
  /**
   * Serialises minting of one profile across processes (the app and CLI runs), so a
   * waiting process finds the token the other one just stored instead of minting again.
   * Implementations must run `fn` even when the lock cannot be had (minting twice is
   * harmless; failing a token request is not).
   */
  crossProcessLock?<T>(profileId: string, fn: () => Promise<T>): Promise<T>;
  events?: EventBus;
  logger?: Logger;
}

export interface TokenService {
  /** A token with at least minTtl left (from cache, refreshed or minted). */
  ensure(profile: StoredProfile, options?: TokenOptions): Promise<RevealedToken>;
  /** The cached token's state without the network; null when none is cached or it has expired. */
  status(profile: StoredProfile): Promise<TokenStatus | null>;
  /** Mints with a credential that is not saved yet (profile add with verify). */
  verify(profile: StoredProfile, credential: Credential): Promise<CachedToken>;
  /** Stores a token obtained by verify once its profile exists. */
  adopt(profile: StoredProfile, token: CachedToken): Promise<void>;
  /** Drops a profile's token from memory and the SecretStore (rotation, removal, host change). */
  forget(profile: StoredProfile): Promise<void>;
  /** Drops every in-memory token (lock); the SecretStore entries stay for the CLI. */
  forgetMemory(): void;
}

type Source = TokenStatus['source'];
interface Obtained {
  record: CachedToken;
  source: Source;
}

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const { ica, clock } = deps;
  const memory = new Map<string, CachedToken>();
  const flights = new Map<string, Promise<Obtained>>();
  // Bumped by forget/forgetMemory so that a mint already in flight cannot re-cache a voided token.
  let epoch = 0;
  const generations = new Map<string, number>();
  const generationOf = (id: string) => `${epoch}:${generations.get(id) ?? 0}`;
  /** Voids a profile's in-memory token and any mint of it still in flight. */
  function invalidate(id: string): void {
    generations.set(id, (generations.get(id) ?? 0) + 1);
    memory.delete(id);
  }

  /** A cached token counts only for the credential and host it came from. */
  function belongs(record: CachedToken | undefined, profile: StoredProfile): CachedToken | undefined {
    if (!record) return undefined;
    if (record.keyStoredAt !== profile.key.storedAt || record.icaUrl !== icaUrlOf(profile)) return undefined;
    if (record.grant !== profile.credentialKind) return undefined;
    return record;
  }

  const remainingMs = (record: CachedToken) => record.expiresAt - clock.now();
  const freshEnough = (record: CachedToken, minTtlMs: number) => remainingMs(record) >= minTtlMs && remainingMs(record) > 0;

  async function readStored(profile: StoredProfile): Promise<CachedToken | undefined> {
    try {
      const record = parseRecord(await deps.profiles.tokenSlot(profile).get(), clock.now());
      registerSecret(record?.token);
      return belongs(record, profile);
    } catch (error) {
      // Only a cache: if it cannot be read, minting reads the credential and reports the store's error itself.
      deps.logger?.warn('token cache unreadable', { profile: profile.name, code: (error as { code?: unknown }).code });
      return undefined;
    }
  }

  async function writeStored(profile: StoredProfile, record: CachedToken): Promise<void> {
    try {
      await deps.profiles.tokenSlot(profile).set(serializeRecord(record));
    } catch (error) {
      // The token is still good for this process; another process will mint its own.
      deps.logger?.warn('token cache not written', { profile: profile.name, code: (error as { code?: unknown }).code });
    }
  }

  function toRecord(profile: StoredProfile, minted: MintedToken, grant: CachedToken['grant']): CachedToken {
    registerSecret(minted.token);
    return {
      v: 1,
      token: minted.token,
      claims: minted.claims,
      expiresAt: localExpiry(minted.claims.exp, minted.skewMs),
      skewMs: minted.skewMs,
      grant,
      obtainedAt: minted.receivedAt,
      keyStoredAt: profile.key.storedAt,
      icaUrl: icaUrlOf(profile),
    };
  }

  /** Rewords the platform's refusal for a person: which profile and key, and what to do. */
  function explain(profile: StoredProfile, error: unknown, credential?: Credential): unknown {
    if (!(error instanceof TesseraError)) return error;
    const which =
      profile.credentialKind === 'api-key'
        ? `the API key ending in ${profile.key.fingerprint} of profile "${profile.name}"`
        : `the password of ${credential?.kind === 'basic' ? credential.username : (profile.username ?? 'the user')} (profile "${profile.name}")`;
    // What happened only: what to do depends on the face and the command (ERROR_ACTIONS, the CLI's action tables).
    if (error.code === 'CREDENTIALS_REJECTED') {
      const why =
        profile.credentialKind === 'api-key'
          ? 'it is mistyped, revoked or expired (keys are managed under Manage API Keys in the Illumina web UI)'
          : 'the e-mail or password is wrong, or the tenant uses SSO, where password sign-in does not work';
      return new TesseraError('CREDENTIALS_REJECTED', `ICA rejected ${which} (${error.message}): ${why}.`, { status: error.status, cause: error });
    }
    if (error.code === 'FORBIDDEN') {
      return new TesseraError(
        'FORBIDDEN',
        `ICA accepted ${which} but refused to issue a token (${error.message}).`,
        { status: error.status, cause: error },
      );
    }
    return error;
  }

  async function mint(profile: StoredProfile, credential: Credential): Promise<MintedToken> {
    // A credential being verified has not been through the repository yet.
    registerSecret(credential.kind === 'api-key' ? credential.apiKey : credential.password);
    const base = icaUrlOf(profile);
    try {
      return credential.kind === 'api-key'
        ? await ica.mintWithApiKey(base, credential.apiKey)
        : await ica.mintWithBasic(base, credential.username, credential.password, profile.domain);
    } catch (error) {
      throw explain(profile, error, credential);
    }
  }

  /** The freshest cached token (memory or the shared SecretStore), and whether it is fresh enough. */
  async function lookup(profile: StoredProfile, minTtlMs: number, generation: string): Promise<{ previous?: CachedToken; hit?: Obtained }> {
    let previous = belongs(memory.get(profile.id), profile);
    // Another process (the CLI, the app) may have minted since we last looked.
    const stored = await readStored(profile);
    if (stored && (!previous || stored.expiresAt > previous.expiresAt)) previous = stored;
    if (previous && freshEnough(previous, minTtlMs)) {
      if (generation === generationOf(profile.id)) memory.set(profile.id, previous);
      return { previous, hit: { record: previous, source: 'cache' } };
    }
    return previous ? { previous } : {};
  }

  async function obtain(profile: StoredProfile, minTtlMs: number, force: boolean): Promise<Obtained> {
    const generation = generationOf(profile.id);
    let previous: CachedToken | undefined;
    if (!force) {
      const found = await lookup(profile, minTtlMs, generation);
      if (found.hit) return found.hit;
      previous = found.previous;
    }
    if (!deps.crossProcessLock) return obtainNew(profile, minTtlMs, force, generation, previous);
    return deps.crossProcessLock(profile.id, async () => {
      if (force) return obtainNew(profile, minTtlMs, force, generation, undefined);
      // Under the lock, look again: the process that held it has probably just stored a fresh token.
      const found = await lookup(profile, minTtlMs, generation);
      return found.hit ?? obtainNew(profile, minTtlMs, force, generation, found.previous);
    });
  }

  /** Refreshes `previous` (Basic) or mints. */
  async function obtainNew(profile: StoredProfile, minTtlMs: number, force: boolean, generation: string, previous: CachedToken | undefined): Promise<Obtained> {
    let minted: MintedToken | undefined;
    let source: Source = 'minted';
    if (!force && profile.credentialKind === 'basic' && previous?.grant === 'basic' && remainingMs(previous) > REFRESH_MARGIN_MS) {
      try {
        minted = await ica.refresh(icaUrlOf(profile), previous.token);
        source = 'refreshed';
      } catch (error) {
        const status = (error as TesseraError).status;
        const refused = error instanceof TesseraError && (error.code === 'REFRESH_NOT_SUPPORTED' || status === 400 || status === 401 || status === 403);
        if (!refused) throw error;
        deps.logger?.info('token refresh refused; minting', { profile: profile.name, status });
      }
    }
    try {
      minted ??= await mint(profile, await deps.profiles.readCredential(profile));
    } catch (error) {
      if (error instanceof TesseraError && error.code === 'CREDENTIALS_REJECTED') {
        // The platform no longer accepts this credential: tokens derived from it are suspect too.
        await deps.profiles.setRejected(profile.id, new Date(clock.now()).toISOString()).catch(() => undefined);
        invalidate(profile.id);
        await dropStored(profile);
      }
      throw error;
    }

    const record = toRecord(profile, minted, profile.credentialKind);
    if (generation === generationOf(profile.id)) {
      memory.set(profile.id, record);
      await writeStored(profile, record);
    }
    if (profile.key.rejectedAt) await deps.profiles.setRejected(profile.id, undefined).catch(() => undefined);
    if (record.expiresAt - clock.now() < minTtlMs) {
      // The tenant's token lifetime is shorter than the asked minimum: hand out the freshest we can get.
      deps.logger?.warn('token lifetime shorter than the minimum TTL', { profile: profile.name, minTtlSeconds: Math.round(minTtlMs / 1000) });
    }
    deps.logger?.info(source === 'refreshed' ? 'token refreshed' : 'token minted', {
      profile: profile.name,
      expiresAt: new Date(record.expiresAt).toISOString(),
      skewSeconds: Math.round(record.skewMs / 1000),
    });
    deps.events?.emit({ type: 'token', profile: profile.name, status: toStatus(profile.name, record, source) });
    return { record, source };
  }

  async function dropStored(profile: StoredProfile): Promise<void> {
    await deps.profiles.tokenSlot(profile).delete().catch(() => false);
  }

  async function ensure(profile: StoredProfile, options: TokenOptions = {}): Promise<RevealedToken> {
    const minTtlMs = (options.minTtlSeconds ?? (await deps.minTtlSeconds())) * 1000;
    const force = options.force === true;
    const reveal = ({ record, source }: Obtained): RevealedToken => ({ token: record.token, status: toStatus(profile.name, record, source) });

    // Bounded: a joiner retries only when the flight it joined served a cached token that is not fresh enough for it.
    for (let round = 0; round < 3; round++) {
      // No await between the cache check and registering the flight: that is what makes it single flight.
      const cached = belongs(memory.get(profile.id), profile);
      if (!force && cached && freshEnough(cached, minTtlMs)) return reveal({ record: cached, source: 'cache' });
      const running = flights.get(profile.id);
      if (running) {
        const result = await running;
        if (result.source !== 'cache' || (!force && freshEnough(result.record, minTtlMs))) return reveal(result);
        continue;
      }
      const flight = obtain(profile, minTtlMs, force).finally(() => flights.delete(profile.id));
      flights.set(profile.id, flight);
      return reveal(await flight);
    }
    return reveal(await obtain(profile, minTtlMs, force));
  }

  return {
    ensure,
    async status(profile) {
      const record = belongs(memory.get(profile.id), profile) ?? (await readStored(profile));
      if (!record || remainingMs(record) <= 0) return null;
      return toStatus(profile.name, record, 'cache');
    },
    async verify(profile, credential) {
      const minted = await mint(profile, credential);
      return toRecord(profile, minted, credential.kind);
    },
    async adopt(profile, token) {
      const record = { ...token, keyStoredAt: profile.key.storedAt, icaUrl: icaUrlOf(profile) };
      memory.set(profile.id, record);
      await writeStored(profile, record);
      deps.events?.emit({ type: 'token', profile: profile.name, status: toStatus(profile.name, record, 'minted') });
    },
    async forget(profile) {
      invalidate(profile.id);
      await dropStored(profile);
      deps.events?.emit({ type: 'token', profile: profile.name, status: null });
    },
    forgetMemory() {
      epoch += 1;
      memory.clear();
    },
  };
}
