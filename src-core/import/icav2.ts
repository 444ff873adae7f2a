/**
 * Import from the icav2 CLI's configuration (`~/.icav2/config.yaml`): its `server-url`
 * (a bare host such as `ica.illumina.com`) and its `x-api-key`, which icav2 writes
 * either as plain text or as YAML `!!binary` (base64).
 *
 * The key is read here and handed to the profile service, which verifies it by minting
 * before anything is stored; it never leaves the core (the app sees `Icav2ConfigFacts`).
 * A file that cannot be used (missing, a directory, unreadable, not YAML, no key, a key
 * that is not one word) is INVALID_INPUT naming the file and the problem, and nothing is
 * changed. `--scrub` removes the `x-api-key` entry's lines and nothing else (comments,
 * order, other keys and the file mode stay), replacing the file atomically.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument, type Document, type Pair } from 'yaml';
import type { Icav2ConfigFacts, Icav2ImportResult } from '../../src-shared/schemas.js';
import { atomicWriteFile } from '../config/atomic.js';
import { TesseraError } from '../errors.js';
import type { Logger } from '../ports.js';
import type { ProfileService } from '../profiles/service.js';
import { parseInput } from '../validate.js';

/** icav2's default when the file names no server. */
export const ICAV2_DEFAULT_SERVER = 'ica.illumina.com';
const KEY_FIELD = 'x-api-key';
/** How messages name the entry ("x-api-key" followed by a word would read as a header to the CLI's redaction). */
const KEY_LABEL = 'API key (x-api-key)';
const SERVER_FIELD = 'server-url';
/** A config.yaml is a few hundred bytes; anything near this is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export function defaultIcav2ConfigPath(home: string): string {
  return join(home, '.icav2', 'config.yaml');
}

/** A parsed config.yaml: what it says, and what scrubbing needs. */
export interface Icav2Config {
  path: string;
  /** The file as read (the scrub writes this text minus the key's lines). */
  text: string;
  mode: number;
  serverHost: string;
  icaUrl: string;
  /** The key, when the file holds a usable one; `keyProblem` says why not otherwise. */
  apiKey?: string;
  keyProblem?: string;
  /** Byte range of the x-api-key entry's whole lines in `text`, when it can be cut out cleanly. */
  keyLines?: { start: number; end: number };
}

const invalid = (message: string) => new TesseraError('INVALID_INPUT', message);

/**
 * `server-url` → the ICA REST base. icav2 writes a bare host (`ica.illumina.com`,
 * maybe with a port); a scheme is accepted too (`http://` only for loopback, checked
 * when the profile is stored), and so is the `/ica/rest` path.
 */
export function icaUrlFromServer(server: string, path: string): string {
  const value = server.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    throw invalid(`${SERVER_FIELD} in ${path} is not a host name such as ${ICAV2_DEFAULT_SERVER}`);
  }
  const bare = url.pathname === '/' || /^\/ica\/rest\/?$/.test(url.pathname);
  if (!/^https?:$/.test(url.protocol) || !url.hostname || !bare || url.search || url.hash || url.username || url.password) {
    throw invalid(`${SERVER_FIELD} in ${path} is not a host name such as ${ICAV2_DEFAULT_SERVER}`);
  }
  return `${url.protocol}//${url.host}/ica/rest`;
}

/** Reads and parses the file; throws INVALID_INPUT for anything that is not a usable icav2 configuration file. */
export async function readIcav2Config(path: string): Promise<Icav2Config> {
  let text: string;
  let mode: number;
  try {
    const info = await fs.stat(path);
    if (info.isDirectory()) throw invalid(`${path} is a directory, not the icav2 configuration file`);
    if (!info.isFile()) throw invalid(`${path} is not a regular file`);
    if (info.size > MAX_CONFIG_BYTES) throw invalid(`${path} is larger than 1 MiB; it is not an icav2 configuration file`);
    mode = info.mode & 0o7777;
    const bytes = await fs.readFile(path);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw invalid(`${path} is not a text file; expected the icav2 configuration (YAML)`);
    }
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw invalid(`No icav2 configuration at ${path}: run \`icav2 config set\` first, or give the file's path with --config`);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'unreadable');
    throw invalid(`Cannot read ${path}: ${why}`);
  }
  if (text.includes('\u0000')) throw invalid(`${path} is not a text file; expected the icav2 configuration (YAML)`);

  const doc = parseDocument(text, { customTags: ['binary'], prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    // The line number only: the library's pretty context would quote the file, key included.
    const line = text.slice(0, firstError.pos[0]).split('\n').length;
    throw invalid(`${path} is not valid YAML${line ? ` (line ${line})` : ''}: ${firstError.message.split('\n')[0]}`);
  }
  const contents = doc.contents;
  if (!isMap(contents)) throw invalid(`${path} is not an icav2 configuration: expected "key: value" lines such as "${SERVER_FIELD}: ${ICAV2_DEFAULT_SERVER}"`);

  const serverNode: unknown = contents.get(SERVER_FIELD, true);
  let serverHost = ICAV2_DEFAULT_SERVER;
  if (serverNode !== undefined && !(isScalar(serverNode) && serverNode.value === null)) {
    const value = isScalar(serverNode) ? serverNode.value : undefined;
    if (typeof value !== 'string' || !value.trim()) {
      throw invalid(`${SERVER_FIELD} in ${path} is not a host name such as ${ICAV2_DEFAULT_SERVER}`);
    }
    serverHost = value.trim();
  }
  const icaUrl = icaUrlFromServer(serverHost, path);

  const config: Icav2Config = { path, text, mode, serverHost, icaUrl };
  const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === KEY_FIELD);
  const key = readKey(pair, path);
  if ('apiKey' in key) config.apiKey = key.apiKey;
  else config.keyProblem = key.problem;
  if (pair && !contents.flow) {
    const lines = entryLines(text, pair);
    if (lines) config.keyLines = lines;
  }
  return config;
}

/** The key of the x-api-key entry, or why there is none to use. Never puts the value in a message. */
function readKey(pair: Pair | undefined, path: string): { apiKey: string } | { problem: string } {
  const node = pair?.value;
  if (!pair || node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ''))) {
    return { problem: `${path} holds no ${KEY_LABEL}: store one with \`icav2 config set\`, or add the key with \`tessera profile add\`` };
  }
  if (!isScalar(node)) return { problem: `The ${KEY_LABEL} in ${path} is not a single value` };
  let key: string;
  if (node.tag === 'tag:yaml.org,2002:binary') {
    // The library decodes base64 leniently (it skips stray characters): check the text itself.
    const b64 = String(node.source ?? '').replace(/\s+/g, '');
    if (b64 === '') return { problem: `${path} holds no ${KEY_LABEL}: store one with \`icav2 config set\`, or add the key with \`tessera profile add\`` };
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return { problem: `The ${KEY_LABEL} in ${path} is marked !!binary but is not base64` };
    try {
      key = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
    } catch {
      return { problem: `The ${KEY_LABEL} in ${path} is marked !!binary but does not decode to text` };
    }
  } else if (typeof node.value === 'string') {
    key = node.value;
  } else if (node.type === 'PLAIN' && typeof node.source === 'string') {
    // A key of digits only would read as a number: its text is the key.
    key = node.source;
  } else {
    return { problem: `The ${KEY_LABEL} in ${path} is not text` };
  }
  if (/\s/.test(key)) return { problem: `The ${KEY_LABEL} in ${path} contains whitespace; an API key is one word` };
  if (!/^[\x21-\x7e]+$/.test(key)) return { problem: `The ${KEY_LABEL} in ${path} contains characters an API key never has` };
  if (key.length < 8 || key.length > 4096) return { problem: `The ${KEY_LABEL} in ${path} does not look like an API key (wrong length)` };
  return { apiKey: key };
}

/** The whole lines the entry occupies (key, value, a trailing comment on its last line), if it starts its own line. */
function entryLines(text: string, pair: Pair): { start: number; end: number } | undefined {
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  const valueRange = isScalar(pair.value) ? pair.value.range : undefined;
  if (!keyRange || !valueRange) return undefined;
  const start = text.lastIndexOf('\n', keyRange[0] - 1) + 1;
  if (text.slice(start, keyRange[0]).trim() !== '') return undefined;
  const valueEnd = valueRange[1];
  let end: number;
  if (valueEnd > 0 && text[valueEnd - 1] === '\n') end = valueEnd;
  else {
    const nl = text.indexOf('\n', valueEnd);
    end = nl === -1 ? text.length : nl + 1;
  }
  return { start, end };
}

const plain = (doc: Document.Parsed) => JSON.stringify(doc.toJS({ maxAliasCount: -1 }), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

/**
 * The file's text without the x-api-key entry. Refuses (INVALID_INPUT) when the entry
 * cannot be cut out as whole lines, or when what is left would mean anything else than
 * the same settings without the key (an alias to the key, a flow mapping).
 */
export function scrubbedText(config: Icav2Config): string {
  const refuse = () => invalid(`Cannot remove the ${KEY_LABEL} from ${config.path} without changing anything else; remove that line by hand`);
  if (!config.keyLines) throw refuse();
  const next = config.text.slice(0, config.keyLines.start) + config.text.slice(config.keyLines.end);
  const before = parseDocument(config.text, { customTags: ['binary'] });
  const after = parseDocument(next, { customTags: ['binary'] });
  if (after.errors.length > 0 || !isMap(after.contents) && next.trim() !== '') throw refuse();
  if (isMap(before.contents)) before.contents.delete(KEY_FIELD);
  let same: boolean;
  try {
    const left = after.contents === null ? '{}' : plain(after);
    same = left === (isMap(before.contents) && before.contents.items.length === 0 ? '{}' : plain(before));
  } catch {
    // An alias left pointing at the removed entry.
    same = false;
  }
  if (!same) throw refuse();
  return next;
}

/** Writes the scrubbed text in place of the file (same mode), if the file is still what was read. */
export async function writeScrubbed(config: Icav2Config, text: string): Promise<void> {
  const target = await fs.realpath(config.path);
  const now = await fs.readFile(target, 'utf8').catch(() => undefined);
  if (now !== config.text) throw invalid(`${config.path} changed while Tessera was importing from it; it was left as it is`);
  await atomicWriteFile(target, text, config.mode);
}

export function factsOf(config: Icav2Config): Icav2ConfigFacts {
  return {
    path: config.path,
    found: true,
    serverHost: config.serverHost,
    icaUrl: config.icaUrl,
    hasKey: config.apiKey !== undefined,
    ...(config.keyProblem ? { problem: config.keyProblem } : {}),
  };
}

export interface Icav2ImporterDeps {
  /** The home directory whose .icav2/config.yaml is the default. */
  home: () => string;
  profiles: Pick<ProfileService, 'create'>;
  logger?: Logger;
}

export interface Icav2Importer {
  find(options?: unknown): Promise<Icav2ConfigFacts>;
  import(options: unknown): Promise<Icav2ImportResult>;
}

const inputSchemas = () => import('../../src-shared/schemas.js');

export function createIcav2Importer(deps: Icav2ImporterDeps): Icav2Importer {
  const pathOf = (path: string | undefined) => path ?? defaultIcav2ConfigPath(deps.home());

  return {
    async find(raw) {
      const { path: given } = parseInput((await inputSchemas()).Icav2LocateSchema, raw ?? {}, 'Invalid options');
      const path = pathOf(given);
      try {
        return factsOf(await readIcav2Config(path));
      } catch (error) {
        const missing = await fs.lstat(path).then(() => false, () => true);
        if (missing) return { path, found: false, serverHost: null, icaUrl: null, hasKey: false };
        return { path, found: true, serverHost: null, icaUrl: null, hasKey: false, problem: (error as Error).message };
      }
    },
    async import(raw) {
      const options = parseInput((await inputSchemas()).Icav2ImportOptionsSchema, raw, 'Invalid import options');
      const config = await readIcav2Config(pathOf(options.path));
      if (config.apiKey === undefined) throw invalid(config.keyProblem ?? `${config.path} holds no usable ${KEY_LABEL}`);
      // Everything that can refuse is checked before the key is sent anywhere.
      const scrubbed = options.scrub ? scrubbedText(config) : undefined;
      const created = await deps.profiles.create(
        {
          name: options.name,
          region: options.region,
          icaUrl: options.icaUrl ?? config.icaUrl,
          credential: { kind: 'api-key', apiKey: config.apiKey },
          verify: true,
          includeIdentifiers: options.includeIdentifiers ?? false,
          ...(options.domain !== undefined ? { domain: options.domain } : {}),
          ...(options.tssUrl !== undefined ? { tssUrl: options.tssUrl } : {}),
          ...(options.workgroup !== undefined ? { workgroup: options.workgroup } : {}),
        },
        // The file must still be the one read before the profile exists.
        async () => {
          if (scrubbed === undefined) return;
          const now = await fs.readFile(config.path, 'utf8').catch(() => undefined);
          if (now !== config.text) throw invalid(`${config.path} changed while Tessera was importing from it; nothing was stored`);
        },
      );
      if (scrubbed !== undefined) {
        try {
          await writeScrubbed(config, scrubbed);
        } catch (error) {
          const why = error instanceof TesseraError ? error.message : `${(error as NodeJS.ErrnoException).code ?? 'write failed'}`;
          throw new TesseraError('INVALID_INPUT', `Profile "${created.profile.name}" was created, but the ${KEY_LABEL} could not be removed from ${config.path} (${why}); remove that line by hand`);
        }
      }
      deps.logger?.info('imported from icav2', { profile: created.profile.name, scrubbed: scrubbed !== undefined });
      return {
        profile: created.profile,
        path: config.path,
        domainFrom: created.domainFrom,
        ...(created.claims?.tenantId ? { tenantId: created.claims.tenantId } : {}),
        scrubbed: scrubbed !== undefined,
      };
    },
  };
}
