/**
 * `tessera profile add|list|remove|rotate|export|import`. Credentials come from stdin, a key file or
 * a no-echo prompt, never from argv (see io.ts); the core validates everything else.
 */
import { Option, type Command } from 'commander';
import type { CredentialInput, ProfileView } from '../../src-shared/schemas.js';
import { REGIONS } from '../../src-shared/regions.js';
import { domainProblem, profileNameProblem, workgroupProblem } from '../../src-shared/rules.js';
import { TesseraError, atomicWriteFile, lookupProfile, registerSecret } from '../../src-core/index.js';
import type { CliContext, Registrar } from '../context.js';
import { readFile, stat } from 'node:fs/promises';
import { promptHidden, readKeyFile, readSecretFromStdin } from '../io.js';
import { age, table } from '../format.js';
import { ruleOption } from '../options.js';

interface CredentialOptions {
  apiKeyStdin?: boolean;
  apiKeyFile?: string;
  username?: string;
  passwordStdin?: boolean;
}

/** Where a credential can come from; `profile rotate` keeps the profile's user name, so it takes no --username. */
const sourcesHint = (withUsername: boolean): string =>
  withUsername
    ? 'Give the key with --api-key-stdin or --api-key-file <path> (or, for a password login, --username <email> --password-stdin).'
    : 'Give the new key with --api-key-stdin or --api-key-file <path> (or, for a password profile, the new password with --password-stdin).';

/**
 * Picks the one credential source the options name. With none, an interactive
 * terminal is asked for the API key without echo; a script gets a usage error.
 */
async function readCredential(ctx: CliContext, profile: string, opts: CredentialOptions, rotation?: { username: string | undefined }): Promise<CredentialInput> {
  // Rotation knows the user name already and takes no --username.
  const knownUsername = rotation?.username;
  const SOURCES_HINT = sourcesHint(rotation === undefined);
  const chosen = [opts.apiKeyStdin, opts.apiKeyFile !== undefined, opts.passwordStdin].filter(Boolean).length;
  if (chosen > 1) throw new TesseraError('INVALID_INPUT', `Choose one credential source. ${SOURCES_HINT}`);
  if (opts.username !== undefined && (opts.apiKeyStdin || opts.apiKeyFile !== undefined)) {
    throw new TesseraError('INVALID_INPUT', '--username goes with --password-stdin, not with an API key.');
  }
  if (opts.apiKeyFile !== undefined) {
    return { kind: 'api-key', apiKey: await readKeyFile(opts.apiKeyFile, ctx.err) };
  }
  if (opts.apiKeyStdin) {
    return { kind: 'api-key', apiKey: await readSecretFromStdin('API key', `API key for ${profile}`) };
  }
  const username = opts.username ?? (opts.passwordStdin ? knownUsername : undefined);
  if (opts.passwordStdin || opts.username !== undefined) {
    if (!username) throw new TesseraError('INVALID_INPUT', '--password-stdin needs --username <email> (the e-mail you log in with).');
    if (!opts.passwordStdin && !process.stdin.isTTY) {
      throw new TesseraError('INVALID_INPUT', '--username needs --password-stdin (passwords are never accepted as arguments).');
    }
    return { kind: 'basic', username, password: await readSecretFromStdin('password', `Password for ${username}`) };
  }
  if (process.stdin.isTTY) {
    return { kind: 'api-key', apiKey: await readSecretFromStdin('API key', `API key for ${profile}`) };
  }
  throw new TesseraError('INVALID_INPUT', `No credential given. ${SOURCES_HINT}`);
}

function credentialOptions(command: Command, withBasic: boolean): Command {
  command
    .option('--api-key-stdin', 'read the API key from stdin (a terminal is prompted without echo)')
    .option('--api-key-file <path>', 'read the API key from the .txt file that "Download API Key" saves');
  if (withBasic) {
    command
      .option('--username <email>', 'log in with e-mail and password instead of an API key (not for SSO tenants)')
      .option('--password-stdin', 'read the password from stdin (a terminal is prompted without echo)');
  } else {
    command.option('--password-stdin', 'for a password profile: read the new password from stdin');
  }
  return command;
}

function describe(p: ProfileView): string {
  const region = REGIONS[p.region]?.label ?? p.region;
  const cred = p.needsKey
    ? `${p.credentialKind === 'api-key' ? 'API key' : `password login ${p.username ?? ''}`}: key needed`
    : p.credentialKind === 'api-key'
      ? `API key …${p.key.fingerprint}`
      : `password login ${p.username ?? ''} (…${p.key.fingerprint})`.trim();
  const wg = p.workgroup ? `, workgroup ${p.workgroup}` : '';
  return `"${p.name}": tenant ${p.domain}, region ${p.region} (${region})${wg}, ${cred}`;
}

const backendLabel = (b: string): string => (b === 'file' ? 'the encrypted file vault' : b === 'keychain' ? 'the OS keychain' : `the ${b} store`);

/** The core's lookup rule over the profile list (exact name, else one case-insensitive match). */
async function findProfile(ctx: CliContext, name: string): Promise<ProfileView> {
  return lookupProfile(await (await ctx.core()).listProfiles(), name);
}

export const registerProfile: Registrar = (program, ctx) => {
  const profile = program.command('profile').description('add, list, remove profiles and rotate their keys');

  credentialOptions(
    profile
      .command('add')
      .description('store a tenant profile and its API key (or password) in the keychain')
      .argument('<name>', 'a short name for the profile, e.g. lab-us', ruleOption(profileNameProblem))
      .requiredOption('--domain <tenant>', 'tenant domain, as in <domain>.login.illumina.com', ruleOption(domainProblem, (v) => v.trim().toLowerCase()))
      .requiredOption('--region <region>', 'us, euw2 (london), cac1 (canada), aps2 (australia), euc1 (eu)')
      .option('--workgroup <id>', 'TSS workgroup id (a UUID) sent as X-ILMN-Workgroup', ruleOption(workgroupProblem))
      .option('--ica-url <url>', 'ICA REST base URL (default https://ica.illumina.com/ica/rest)')
      .option('--tss-url <url>', 'TSS base URL (default derived from the domain and region)')
      .option('--include-identifiers', 'let the offline cache fetch patient identifiers (PHI)')
      .addOption(new Option('--no-verify', 'store without minting a test token first')),
    true,
  ).action(async (name: string, opts: CredentialOptions & { domain: string; region: string; workgroup?: string; icaUrl?: string; tssUrl?: string; includeIdentifiers?: boolean; verify: boolean }) => {
    const credential = await readCredential(ctx, name, opts);
    const core = await ctx.core();
    const view = await core.addProfile({
      name,
      domain: opts.domain,
      region: opts.region,
      ...(opts.workgroup !== undefined && { workgroup: opts.workgroup }),
      ...(opts.icaUrl !== undefined && { icaUrl: opts.icaUrl }),
      ...(opts.tssUrl !== undefined && { tssUrl: opts.tssUrl }),
      includeIdentifiers: opts.includeIdentifiers === true,
      credential,
      verify: opts.verify,
    });
    const backend = await ctx.secretBackend();
    await ctx.out(`Added profile ${describe(view)}.\n`);
    await ctx.out(`${view.credentialKind === 'api-key' ? 'The key' : 'The password'} is stored in ${backendLabel(backend)}${opts.verify ? ', and the platform accepted it' : ' (not verified: --no-verify)'}.\n`);
    for (const warning of view.warnings ?? []) await ctx.err(`tessera: warning: ${warning}\n`);
  });

  profile
    .command('list')
    .description('list profiles (never their keys: only the last 4 characters and the age)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const profiles = await (await ctx.core()).listProfiles();
      if (opts.json) {
        await ctx.out(`${JSON.stringify(profiles, null, 2)}\n`);
        return;
      }
      if (profiles.length === 0) {
        await ctx.err('No profiles yet. Add one with: tessera profile add <name> --domain <tenant> --region <region> --api-key-file <path>\n');
        return;
      }
      const rows = profiles.map((p) => {
        if (p.needsKey) return [p.name, p.domain, p.region, p.workgroup ?? '-', p.credentialKind, '-', '-', `key needed: tessera profile rotate ${p.name}`];
        const stored = `${p.key.storedAt.slice(0, 10)} (${age(p.key.storedAt)})`;
        // The platform's guidance is to rotate keys yearly.
        const flags = [p.key.rejectedAt ? 'REJECTED' : '', Date.now() - Date.parse(p.key.storedAt) > 365 * 86_400_000 ? 'rotate: over a year old' : '']
          .filter(Boolean)
          .join(', ');
        return [p.name, p.domain, p.region, p.workgroup ?? '-', p.credentialKind, `…${p.key.fingerprint}`, stored, flags];
      });
      await ctx.out(table(['NAME', 'DOMAIN', 'REGION', 'WORKGROUP', 'CREDENTIAL', 'KEY', 'STORED', 'NOTES'], rows));
    });

  profile
    .command('remove')
    .description('remove a profile and delete its keychain entries (key, cached token, cache key)')
    .argument('<name>', 'profile name')
    .action(async (name: string) => {
      await (await ctx.core()).removeProfile(name);
      await ctx.out(`Removed profile "${name}" and its stored secrets.\n`);
    });

  credentialOptions(
    profile
      .command('rotate')
      .description('replace the stored key after regenerating it under Manage API Keys (checked by minting first)')
      .argument('<name>', 'profile name')
      .addOption(new Option('--no-verify', 'store the new key without minting a test token first')),
    false,
  ).action(async (name: string, opts: CredentialOptions & { verify: boolean }) => {
    const existing = await findProfile(ctx, name);
    const credential = await readCredential(ctx, existing.name, opts, { username: existing.username });
    const core = await ctx.core();
    const view = await core.replaceCredential(existing.name, credential, { verify: opts.verify });
    const noun = view.credentialKind === 'api-key' ? 'key' : 'password';
    await ctx.out(existing.needsKey ? `Added the ${noun} of profile ${describe(view)}.\n` : `Replaced the ${noun} of profile ${describe(view)}; cached tokens were discarded.\n`);
  });

  profile
    .command('export')
    .description('write profiles to a team file (JSON: tenant, region, workgroup, URLs; never a key, password or token)')
    .argument('[names...]', 'profiles to export (default: all but the demo)')
    .option('--output <file>', 'write to this file (default: stdout)')
    .action(async (names: string[], opts: { output?: string }) => {
      const file = await (await ctx.core()).exportProfiles(names);
      const text = `${JSON.stringify(file, null, 2)}\n`;
      if (opts.output === undefined) {
        await ctx.out(text);
        return;
      }
      // Nothing secret inside: a document to share, readable like one.
      await atomicWriteFile(opts.output, text, 0o644);
      await ctx.err(`Wrote ${file.profiles.length} profile${file.profiles.length === 1 ? '' : 's'} to ${opts.output} (no keys, passwords or tokens).\n`);
    });

  profile
    .command('import')
    .description('create the profiles of a team file (all or none), then ask for each key (on a terminal) or mark it "key needed"')
    .argument('<file>', 'a file written by tessera profile export')
    .action(async (path: string) => {
      const text = await readTeamFile(path);
      const core = await ctx.core();
      const created = await core.importProfiles(text);
      await ctx.out(`Imported ${created.length} profile${created.length === 1 ? '' : 's'}: ${created.map((p) => p.name).join(', ')}.\n`);
      const waiting: string[] = [];
      for (const p of created) {
        if (!process.stdin.isTTY) {
          waiting.push(p.name);
          continue;
        }
        const label = p.credentialKind === 'api-key' ? `API key for ${p.name} (Enter to skip)` : `Password for ${p.username ?? p.name} (profile ${p.name}; Enter to skip)`;
        const typed = await promptHidden(`${label}: `);
        // API keys are one word (surrounding spaces are a paste's); a password keeps its spaces.
        const secret = p.credentialKind === 'api-key' ? typed.trim() : typed;
        if (!secret.trim()) {
          waiting.push(p.name);
          continue;
        }
        registerSecret(secret);
        const credential: CredentialInput = p.credentialKind === 'api-key' ? { kind: 'api-key', apiKey: secret } : { kind: 'basic', username: p.username ?? '', password: secret };
        try {
          await core.replaceCredential(p.name, credential);
          await ctx.out(`Stored the ${p.credentialKind === 'api-key' ? 'key' : 'password'} of "${p.name}".\n`);
        } catch (error) {
          // One mistyped key leaves that profile waiting; the others still get asked.
          if (!(error instanceof TesseraError) || error.code !== 'INVALID_INPUT') throw error;
          await ctx.err(`tessera: ${error.message}\n`);
          waiting.push(p.name);
        }
      }
      if (waiting.length) {
        await ctx.out(`Key needed for ${waiting.join(', ')}: add each with tessera profile rotate <name> --api-key-file <path> (or Add key in the app).\n`);
      }
    });
};

/** A team file is small JSON; anything else is refused before the core sees it. */
async function readTeamFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new TesseraError('INVALID_INPUT', `${path} is not a regular file.`);
    if (info.size > 1024 * 1024) throw new TesseraError('INVALID_INPUT', `${path} is larger than 1 MiB; it is not a Tessera profile file.`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TesseraError('INVALID_INPUT', `Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable')}.`);
  }
}
