/**
 * The fast path of `tessera token <name> [--format <format>]`: served from the token
 * cache (the core's cachedTokenText) before commander, the CLI's composition of the core
 * or zod are loaded. It prints only when it can serve the call exactly as the program
 * would (the same text, the same stderr line, exit code 0); for anything else it prints
 * nothing and returns, and the program (program.ts) runs: other options or
 * arguments, a name that looks like a key (the program's argv check decides), a data
 * directory the program would tighten first, a token that is not cached fresh enough,
 * and every error, which the program then reports in its own words.
 */
import { writeSync } from 'node:fs';
import { EXIT_CODES } from '../src-shared/errors.js';
import { CLI_FORMAT_IDS, type CliFormat } from '../src-shared/token-formats.js';
import { defaultDataDir, loadCachedToken, looksLikeKeyArgument, openDataDirMode } from '../src-core/index.js';
import { terminalSafe } from './format.js';
import { printToken } from './token-output.js';
import type { FastPathHandoff } from './context.js';

const isCliFormat = (value: string | undefined): value is CliFormat => CLI_FORMAT_IDS.some((id) => id === value);

/** `token <name>` with at most `--format <format>` (or `--format=<format>`, the last one counting, as in commander); null for anything else. */
export function plainTokenRequest(argv: readonly string[]): { name: string; format: CliFormat } | null {
  if (argv[0] !== 'token') return null;
  let name: string | undefined;
  let format: CliFormat = 'jwt';
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      if (name !== undefined) return null;
      name = arg;
      continue;
    }
    const value = arg === '--format' ? argv[(i += 1)] : arg.startsWith('--format=') ? arg.slice('--format='.length) : undefined;
    if (!isCliFormat(value)) return null;
    format = value;
  }
  if (name === undefined || looksLikeKeyArgument(name)) return null;
  return { name, format };
}

/**
 * Writes `text` to stdout (1) or stderr (2) at once. The fast path is the only writer in
 * its process, and creating Node's stdout or stderr stream loads its net and stream
 * modules, milliseconds of every call. A reader that went away (EPIPE) gets nothing more
 * and the command ends with 0, as in the program; what a descriptor does not take now (a
 * non-blocking pipe that is full) goes through the stream.
 */
async function writeNow(fd: 1 | 2, text: string): Promise<void> {
  let rest = Buffer.from(terminalSafe(text), 'utf8');
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(EXIT_CODES.ok);
    const stream = fd === 1 ? process.stdout : process.stderr;
    await new Promise<void>((resolve) => stream.write(rest, () => resolve()));
  }
}

/** Serves the call and exits (code 0), or returns having printed nothing. */
export async function serveCachedToken(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<FastPathHandoff> {
  const request = plainTokenRequest(argv);
  if (!request) return {};
  let served;
  try {
    const dataDir = defaultDataDir(env);
    if (openDataDirMode(dataDir) !== null) return {};
    const cached = await loadCachedToken();
    try {
      served = await cached.cachedTokenText({ dataDir, env, ...request });
    } catch (error) {
      const keychainFailure = cached.keychainFailure(error);
      return keychainFailure ? { keychainFailure } : {};
    }
  } catch {
    return {};
  }
  if (!served) return {};
  await printToken({ out: (text) => writeNow(1, text), err: (text) => writeNow(2, text) }, request.name, served);
  // Nothing is left in a buffer: every byte was written, or its stream has called back.
  process.exit(EXIT_CODES.ok);
}
