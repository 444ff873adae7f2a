/**
 * Temporary AWS credentials for an ICA project folder (docs/aws.md): resolve the project
 * (ica/projects.ts) and the folder (ica/project-data.ts), ask ICA for credentials, and
 * cache them in the profile's secret-store slot so that the AWS tools, which run
 * `credential_process` on every start, do not ask ICA each time.
 *
 * Expiry: ICA's AWS credentials carry no expiry; the public document says they expire
 * after 36 hours. Tessera counts from the moment it sent the request (never later than
 * ICA's own issue time) and takes one hour off for clock differences:
 * `Expiration = sent + 35 h`. Cached credentials are handed out only while more than
 * REFRESH_BEFORE_MS (1 h) of that is left, so no AWS tool ever holds credentials with
 * less than an hour to go; the tools refresh on their own before `Expiration`.
 *
 * The cache is one JSON map per profile (accounts.awsCredentials), keyed by the project
 * and folder as typed and the mode (read-only or read-write), and bound to the profile's
 * credential and ICA URL like the token record: a replaced key or another host makes
 * the entries void. Expired, foreign or unreadable entries are dropped. Two processes
 * that write the map at the same moment may lose one entry; it is then requested again.
 */
import type { AwsAccess } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';
import { resolveFolder, normaliseFolderPath, type IcaProjectDataClient } from '../ica/project-data.js';
import { resolveProject, type IcaProjectsClient } from '../ica/projects.js';
import type { Clock, Logger } from '../ports.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { icaUrlOf } from '../profiles/view.js';
import { registerSecret } from '../redact.js';
import type { TokenService } from '../tokens/service.js';
import type { StoredProfile } from '../config/types.js';

export const DOCUMENTED_LIFETIME_MS = 36 * 3_600_000;
export const SAFETY_MARGIN_MS = 3_600_000;
export const REFRESH_BEFORE_MS = 3_600_000;
/** At most this many cached sets per profile (the oldest go first). */
const MAX_ENTRIES = 64;

export interface AwsCredentialRequest {
  /** An ICA project name or id. */
  project: string;
  /** A folder path in the project (`/runs/2024/`; a missing trailing slash is added). */
  path: string;
  readOnly?: boolean;
}

/**
 * What is not secret about a set of credentials: where they lead and until when (the
 * contract's AwsAccess without the app's commands), and whether they came from the cache.
 */
export interface AwsCredentialFacts extends Omit<AwsAccess, 'awsProfile' | 'commands'> {
  source: 'cache' | 'issued';
}

export interface AwsCredentials extends AwsCredentialFacts {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

interface CachedEntry {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  projectId: string;
  projectName: string;
  path: string;
  bucket: string;
  prefix: string;
  region: string;
}

interface CachedMap {
  v: 1;
  keyStoredAt: string;
  icaUrl: string;
  entries: Record<string, CachedEntry>;
}

export interface AwsCredentialServiceDeps {
  profiles: Pick<ProfileRepository, 'find' | 'awsCredentialsSlot'>;
  tokens: Pick<TokenService, 'ensure'>;
  projects: IcaProjectsClient;
  data: IcaProjectDataClient;
  clock: Clock;
  logger?: Logger;
}

export interface AwsCredentialService {
  /** Credentials with more than an hour left: from the cache, or issued by ICA now. */
  ensure(name: string, request: AwsCredentialRequest): Promise<AwsCredentials>;
}

export function s3UriOf(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix.replace(/^\/+/, '')}`;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

function validEntry(value: unknown): value is CachedEntry {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    ['accessKeyId', 'secretAccessKey', 'sessionToken', 'projectId', 'projectName', 'path', 'bucket', 'region'].every((k) => isString(e[k])) &&
    typeof e.prefix === 'string' &&
    typeof e.expiresAt === 'number' &&
    Number.isFinite(e.expiresAt)
  );
}

/** The stored map, or an empty one when there is none, it is unreadable, or it belongs to another key or host. */
function parseMap(text: string | null, profile: StoredProfile, now: number): { map: CachedMap; dropped: boolean } {
  const empty: CachedMap = { v: 1, keyStoredAt: profile.key.storedAt, icaUrl: icaUrlOf(profile), entries: {} };
  if (text === null || text === '') return { map: empty, dropped: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { map: empty, dropped: true };
  }
  const m = parsed as Partial<CachedMap> | null;
  if (!m || m.v !== 1 || m.keyStoredAt !== empty.keyStoredAt || m.icaUrl !== empty.icaUrl || typeof m.entries !== 'object' || m.entries === null) {
    return { map: empty, dropped: true };
  }
  let dropped = false;
  for (const [key, entry] of Object.entries(m.entries)) {
    if (validEntry(entry) && entry.expiresAt > now) {
      registerSecret(entry.secretAccessKey);
      registerSecret(entry.sessionToken);
      empty.entries[key] = entry;
    } else dropped = true;
  }
  return { map: empty, dropped };
}

function toCredentials(entry: CachedEntry, readOnly: boolean, source: AwsCredentials['source']): AwsCredentials {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    projectId: entry.projectId,
    projectName: entry.projectName,
    path: entry.path,
    readOnly,
    bucket: entry.bucket,
    prefix: entry.prefix,
    region: entry.region,
    s3Uri: s3UriOf(entry.bucket, entry.prefix),
    expiresAt: new Date(entry.expiresAt).toISOString(),
    source,
  };
}

/** Only the facts: what may cross to the renderer or a log. */
export function factsOf(credentials: AwsCredentials): AwsCredentialFacts {
  const { accessKeyId: _a, secretAccessKey: _s, sessionToken: _t, ...facts } = credentials;
  return facts;
}

export function createAwsCredentialService(deps: AwsCredentialServiceDeps): AwsCredentialService {
  const flights = new Map<string, Promise<AwsCredentials>>();

  async function readMap(profile: StoredProfile): Promise<CachedMap> {
    try {
      const { map, dropped } = parseMap(await deps.profiles.awsCredentialsSlot(profile).get(), profile, deps.clock.now());
      if (dropped) deps.logger?.info('aws credentials: expired or unreadable cache entries dropped', { profile: profile.name });
      return map;
    } catch (error) {
      // Only a cache: the request below reads the credential and reports the store's error itself.
      deps.logger?.warn('aws credentials cache unreadable', { profile: profile.name, code: (error as { code?: unknown }).code });
      return parseMap(null, profile, deps.clock.now()).map;
    }
  }

  async function store(profile: StoredProfile, key: string, entry: CachedEntry): Promise<void> {
    try {
      // Read again right before writing, so entries another process added meanwhile stay.
      const map = await readMap(profile);
      map.entries[key] = entry;
      const keys = Object.keys(map.entries).sort((a, b) => map.entries[a]!.expiresAt - map.entries[b]!.expiresAt);
      for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete map.entries[old];
      await deps.profiles.awsCredentialsSlot(profile).set(JSON.stringify(map));
    } catch (error) {
      deps.logger?.warn('aws credentials cache not written', { profile: profile.name, code: (error as { code?: unknown }).code });
    }
  }

  async function issue(profile: StoredProfile, request: AwsCredentialRequest, path: string, key: string): Promise<AwsCredentials> {
    const base = icaUrlOf(profile);
    const { token } = await deps.tokens.ensure(profile);
    const project = await resolveProject(deps.projects, base, token, request.project);
    const folder = await resolveFolder(deps.data, base, token, project, path);
    const sentAt = deps.clock.now();
    const aws = await deps.data.createTemporaryCredentials(base, token, project.id, folder.id, { readOnly: request.readOnly === true });
    const entry: CachedEntry = {
      accessKeyId: aws.accessKey,
      secretAccessKey: aws.secretKey,
      sessionToken: aws.sessionToken,
      expiresAt: sentAt + DOCUMENTED_LIFETIME_MS - SAFETY_MARGIN_MS,
      projectId: project.id,
      projectName: project.name,
      path: folder.path,
      bucket: aws.bucket,
      prefix: aws.objectPrefix,
      region: aws.region,
    };
    await store(profile, key, entry);
    deps.logger?.info('aws credentials issued', { profile: profile.name, project: project.id, path: folder.path, readOnly: request.readOnly === true });
    return toCredentials(entry, request.readOnly === true, 'issued');
  }

  return {
    async ensure(name, request) {
      const project = request.project.trim();
      if (project === '' || project.length > 255) throw new TesseraError('INVALID_INPUT', 'The project must be an ICA project name or id (1 to 255 characters).');
      if (request.path.length > 1024) throw new TesseraError('INVALID_INPUT', 'The folder path is longer than 1024 characters.');
      const path = normaliseFolderPath(request.path);
      const profile = await deps.profiles.find(name);
      const key = JSON.stringify([project, path, request.readOnly === true ? 'read-only' : 'read-write']);
      const cached = (await readMap(profile)).entries[key];
      if (cached && cached.expiresAt - deps.clock.now() > REFRESH_BEFORE_MS) return toCredentials(cached, request.readOnly === true, 'cache');
      const flightKey = `${profile.id}\n${key}`;
      let flight = flights.get(flightKey);
      if (!flight) {
        flight = issue(profile, { ...request, project }, path, key).finally(() => flights.delete(flightKey));
        flights.set(flightKey, flight);
      }
      return flight;
    },
  };
}
