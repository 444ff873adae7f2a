/**
 * Adds or updates one `[profile <name>]` section of the AWS config file (`~/.aws/config`,
 * or `AWS_CONFIG_FILE`), for `tessera aws-config`:
 *
 * - Every byte outside that section stays as it was (comments, other sections, line
 *   endings, a missing final newline). Inside it, the keys Tessera owns
 *   (`credential_process`, `region`) are replaced where they stand and added after the
 *   section's last setting when missing; the person's other keys (`output`, …) stay.
 * - A profile that already gets credentials another way (SSO, a role, static keys here or
 *   in the shared credentials file, which the AWS tools would prefer) is not taken over.
 * - The file is replaced atomically (config/atomic.ts) keeping its mode; a new file is
 *   0600 in a 0700 directory. Nothing secret is ever written: credential_process runs
 *   Tessera, which reads the keys from the secret store.
 */
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { atomicWriteFile } from '../config/atomic.js';
import { TesseraError } from '../errors.js';

/** `variable`'s path (with `~` expanded, relative to the working directory) or ~/.aws/<file>, as the AWS tools resolve it. */
function awsFile(env: NodeJS.ProcessEnv, variable: 'AWS_CONFIG_FILE' | 'AWS_SHARED_CREDENTIALS_FILE', file: string): string {
  const home = env.HOME && env.HOME !== '' ? env.HOME : homedir();
  const configured = env[variable];
  if (configured && configured.trim() !== '') {
    const expanded = configured.startsWith('~/') || configured === '~' ? join(home, configured.slice(1)) : configured;
    return isAbsolute(expanded) ? expanded : resolve(expanded);
  }
  return join(home, '.aws', file);
}

/** The AWS config file: AWS_CONFIG_FILE or ~/.aws/config. */
export const awsConfigPath = (env: NodeJS.ProcessEnv): string => awsFile(env, 'AWS_CONFIG_FILE', 'config');

/** The AWS shared credentials file: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials. */
export const awsCredentialsPath = (env: NodeJS.ProcessEnv): string => awsFile(env, 'AWS_SHARED_CREDENTIALS_FILE', 'credentials');

const SECTION = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const KEY = /^([A-Za-z0-9_.-]+)\s*=/;

/** The section header's name as the AWS CLI reads it: `profile x` → x; `default` → default. */
function profileOf(header: string): string | undefined {
  const m = /^profile\s+(.+)$/.exec(header);
  if (m?.[1]) return m[1].trim();
  return header === 'default' ? 'default' : undefined;
}

/**
 * The new text of a config file with `settings` in the section of profile `name`.
 * `settings` keys are written in the given order; values must not hold a newline.
 */
export function upsertProfileSection(text: string, name: string, settings: ReadonlyArray<readonly [string, string]>): string {
  for (const [key, value] of settings) {
    if (/[\r\n]/.test(value) || !KEY.test(`${key}=`)) throw new TesseraError('INTERNAL', `Refusing to write the AWS config key ${key}: it would break the file.`);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // Split keeping each line's own terminator, so unchanged lines are copied byte for byte.
  const lines = text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
  const header = name === 'default' ? '[default]' : `[profile ${name}]`;
  const start = lines.findIndex((line) => {
    const m = SECTION.exec(line.replace(/\r?\n$/, ''));
    return m?.[1] !== undefined && profileOf(m[1]) === name;
  });
  if (start < 0) {
    const section = [header, ...settings.map(([k, v]) => `${k} = ${v}`)].join(eol) + eol;
    if (text === '') return section;
    const ended = text.endsWith('\n') ? text : text + eol;
    return `${ended}${eol}${section}`;
  }
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (SECTION.test(lines[i]!.replace(/\r?\n$/, ''))) {
      end = i;
      break;
    }
  }
  const body = lines.slice(start + 1, end);
  const pending = new Map(settings);
  const updated = body.map((line) => {
    // Only top-level keys (a nested `s3 =` block's indented lines are left alone).
    const key = KEY.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    const terminator = /\r?\n$/.exec(line)?.[0] ?? '';
    return `${key} = ${value}${terminator}`;
  });
  if (pending.size > 0) {
    // After the last non-blank line of the section, so blank lines before the next section stay where they are.
    let at = updated.length;
    while (at > 0 && updated[at - 1]!.trim() === '') at--;
    if (at > 0 && !/\n$/.test(updated[at - 1]!)) updated[at - 1] += eol;
    if (at === 0 && !/\n$/.test(lines[start]!)) lines[start] += eol;
    const added = [...pending].map(([k, v]) => `${k} = ${v}${eol}`);
    updated.splice(at, 0, ...added);
  }
  return [...lines.slice(0, start + 1), ...updated, ...lines.slice(end)].join('');
}

/** Keys by which a profile already gets credentials some other way (they would win over, or fight with, credential_process). */
const OTHER_CREDENTIALS = /^(aws_access_key_id|aws_secret_access_key|aws_session_token|role_arn|source_profile|credential_source|web_identity_token_file|sso_[a-z_]+)$/;

/** The lines of profile `name`'s section (empty when there is none). `credentialsFile`: sections are `[name]` there. */
function sectionLines(text: string, name: string, credentialsFile: boolean): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    const m = SECTION.exec(line);
    if (m?.[1] !== undefined) {
      inside = credentialsFile ? m[1] === name : profileOf(m[1]) === name;
      continue;
    }
    if (inside) out.push(line);
  }
  return out;
}

/**
 * Why profile `name` must not be turned into a Tessera profile, or null: its section in
 * the config file gets credentials another way, or the shared credentials file has keys
 * for it (those take precedence over credential_process in the AWS tools).
 */
export function conflictOf(configText: string, credentialsText: string, name: string): string | null {
  const keys = sectionLines(configText, name, false)
    .map((l) => KEY.exec(l)?.[1])
    .filter((k): k is string => k !== undefined && OTHER_CREDENTIALS.test(k));
  if (keys.length > 0) return `the AWS profile "${name}" already gets credentials another way (${[...new Set(keys)].join(', ')})`;
  if (sectionLines(credentialsText, name, true).some((l) => KEY.test(l))) return `the AWS shared credentials file has keys for "${name}", and the AWS tools would use those instead`;
  return null;
}

async function readIfPresent(path: string): Promise<string> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/** Refuses (INVALID_INPUT) to take over an AWS profile that has credentials of its own. */
export async function assertAwsProfileFree(configPath: string, credentialsPath: string, name: string): Promise<void> {
  const conflict = conflictOf(await readIfPresent(configPath), await readIfPresent(credentialsPath), name);
  if (conflict) throw new TesseraError('INVALID_INPUT', `Not changing ${configPath}: ${conflict}. Choose another --name.`);
}

/** Reads the file (empty when missing), applies the section, writes it back atomically keeping its mode. */
export async function writeAwsProfile(path: string, name: string, settings: ReadonlyArray<readonly [string, string]>): Promise<{ created: boolean }> {
  let text = '';
  let mode = 0o600;
  let created = true;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw new TesseraError('INVALID_INPUT', `The AWS config path ${path} is not a file.`);
    if (stat.size > 4 * 1024 * 1024) throw new TesseraError('INVALID_INPUT', `The AWS config file ${path} is larger than 4 MiB; refusing to rewrite it.`);
    text = await fs.readFile(path, 'utf8');
    mode = stat.mode & 0o7777;
    created = false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof TesseraError) throw error;
      throw new TesseraError('INVALID_INPUT', `Cannot read the AWS config file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
  }
  const next = upsertProfileSection(text, name, settings);
  if (next !== text) await atomicWriteFile(path, next, mode);
  return { created };
}
