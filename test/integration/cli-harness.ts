/**
 * Runs the built `tessera` CLI as a child process against the simulator, the way a
 * user does: `node bin/tessera …` with secrets on stdin, a private TESSERA_HOME, and
 * the real Secret Service of the test's D-Bus session.
 *
 * Secrets must never reach a test log either, so assertions about them go through
 * `assertNoSecrets` / `sameSecret`, whose failure messages name the secret's kind,
 * not its value.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../../src-core/config/lock.js';
import { startSim, type Sim, type SimOptions } from '../../sim/index.js';
import { newDataDir, recordSecret } from '../helpers/env.js';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const BIN = join(ROOT, 'bin', 'tessera');
const BUNDLE = join(ROOT, 'out', 'cli', 'tessera.mjs');
/** esbuild's metafile of the CLI build: which sources each chunk of out/cli holds. */
export const BUNDLE_META = join(ROOT, 'out', 'cli', 'meta.json');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds out/cli when missing or older than its sources; one build at a time across test files. */
export async function ensureCliBuilt(): Promise<void> {
  const stale = (): boolean => {
    if (!existsSync(BUNDLE) || !existsSync(BUNDLE_META)) return true;
    const sources = Math.max(...['src-cli', 'src-core', 'src-shared'].map((d) => newestMtime(join(ROOT, d))), statSync(join(ROOT, 'package.json')).mtimeMs);
    return statSync(BUNDLE).mtimeMs < sources;
  };
  if (!stale()) return;
  await withFileLock(join(ROOT, 'out', '.cli-build.lock'), async () => {
    if (!stale()) return;
    const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`CLI build failed:\n${r.stderr}`);
  }, { timeoutMs: 120_000 });
}

/** The simulator with every secret it issues recorded for the final scan. */
export function startRecordingSim(options: SimOptions = {}): Promise<Sim> {
  return startSim({ ...options, onSecretIssued: recordSecret });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, then closed. Without it stdin is empty (closed at once). */
  input?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Environment of the test process without anything that would steer the CLI elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('TESSERA_') && key !== 'TESSERA_TEST_ROOT') delete env[key];
    if (/^(https?|all|no)_proxy$/i.test(key)) delete env[key];
  }
  return env;
}

/** A CLI bound to one data directory; every output it produces is kept for `assertNoSecrets`. */
export class Cli {
  readonly outputs: string[] = [];
  constructor(
    readonly home: string,
    readonly env: Record<string, string | undefined> = {},
  ) {}

  static fresh(label: string, env: Record<string, string | undefined> = {}): Cli {
    return new Cli(newDataDir(label), env);
  }

  private childEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...baseEnv(), TESSERA_HOME: this.home };
    for (const [k, v] of Object.entries({ ...this.env, ...extra })) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  /** Starts `node bin/tessera …` and returns the child (for signal tests). */
  spawn(args: string[], options: RunOptions = {}): ChildProcess {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: this.childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin?.end(options.input ?? '');
    return child;
  }

  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const child = this.spawn(args, options);
    return collect(child, options.timeoutMs ?? 20_000).then((r) => {
      this.outputs.push(r.stdout, r.stderr);
      return r;
    });
  }
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tessera did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

/** Every secret the simulator issued to the demo tenants, with a label for messages. */
export function simSecrets(sim: Sim): Array<[label: string, value: string]> {
  const out: Array<[string, string]> = [];
  for (const t of sim.tenants) {
    t.apiKeys.forEach((k, i) => out.push([`API key #${i + 1} of ${t.domain}`, k]));
    t.users.forEach((u) => u.password && out.push([`password of ${u.email}`, u.password]));
  }
  return out;
}

/** Fails naming the kind of secret and where, never printing it. */
export function assertNoSecrets(texts: string[], secrets: Array<[string, string]>, where = 'CLI output'): void {
  for (const [label, value] of secrets) {
    if (value && texts.some((t) => t.includes(value))) throw new Error(`${label} appeared in ${where}`);
  }
}

/** Compares two secrets without letting a failing assertion print them. */
export function sameSecret(a: string, b: string): boolean {
  return a.length > 0 && a === b;
}

export function readConfig(home: string): { profiles: Array<{ id: string; name: string; key: { rejectedAt?: string } }> } {
  return JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
}

/**
 * Whether the Secret Service holds an entry, asked through libsecret's own tool
 * (independent of @napi-rs/keyring). stdout is discarded: `lookup` prints the secret.
 */
export function keychainHas(account: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'Tessera', 'username', account], { stdio: ['ignore', 'ignore', 'pipe'], env });
  return r.status === 0;
}

/** A JWT's payload, decoded (claims are not secret; the signature is). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

export function profileFlags(sim: Sim, extra: string[] = []): string[] {
  return ['--domain', sim.demo.domain, '--region', 'us', '--ica-url', sim.icaBaseUrl, '--tss-url', sim.tssBaseUrl, ...extra];
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), answering each prompt as it
 * appears. Returns everything the terminal showed, which is what a person would see, so
 * a test can prove that typed secrets were not echoed.
 */
export function runInTerminal(
  cli: Cli,
  args: string[],
  /** An answer given as pieces is typed piece by piece, a moment apart, so the program reads them separately. */
  answers: Array<[prompt: string, answer: string | string[]]>,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; screen: string }> {
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const childEnv: NodeJS.ProcessEnv = { ...baseEnv(), TESSERA_HOME: cli.home };
  for (const [k, v] of Object.entries({ ...cli.env, ...env })) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  const onData = (d: Buffer): void => {
    screen += d.toString();
    const pending = answers[next];
    if (pending && screen.includes(pending[0])) {
      next += 1;
      const pieces = typeof pending[1] === 'string' ? [pending[1]] : pending[1];
      void (async () => {
        for (const [i, piece] of pieces.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, 50));
          child.stdin?.write(i === pieces.length - 1 ? `${piece}\r` : piece);
        }
      })();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer within 20 s; the terminal showed:\n${screen}`));
    }, 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      cli.outputs.push(screen);
      resolveRun({ code, screen });
    });
  });
}

export interface CliSuite {
  /** The file's simulator, started before its first test. */
  readonly sim: Sim;
  /** A CLI with a fresh data directory; its output is scanned for secrets after the test. */
  newCli(label: string, env?: Record<string, string | undefined>): Cli;
}

/**
 * The frame every CLI test file shares, in one place: the CLI built, one recording
 * simulator for the file, and after each test the output of every CLI it made scanned
 * for the simulator's secrets (and `secrets()`), so no test can forget the scan.
 * `env()` is added to every CLI's environment (a private keyring, say). A file adds its
 * own hooks for whatever else it needs; these run first.
 */
export function cliSuite(options: { env?: () => Record<string, string | undefined>; secrets?: () => Array<[string, string]> } = {}): CliSuite {
  let sim: Sim | undefined;
  const clis: Cli[] = [];
  beforeAll(async () => {
    await ensureCliBuilt();
    sim = await startRecordingSim();
  });
  afterEach(() => {
    for (const cli of clis.splice(0)) assertNoSecrets(cli.outputs, [...simSecrets(sim!), ...(options.secrets?.() ?? [])]);
  });
  afterAll(async () => {
    await sim?.close();
  });
  return {
    get sim() {
      if (!sim) throw new Error('the simulator starts before the first test');
      return sim;
    },
    newCli(label, env = {}) {
      const cli = Cli.fresh(label, { ...options.env?.(), ...env });
      clis.push(cli);
      return cli;
    },
  };
}
