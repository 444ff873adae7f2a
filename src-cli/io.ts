/**
 * Reading secrets (API keys, passwords, the vault passphrase) from stdin, a key file
 * or a no-echo prompt, and keeping them out of everything the CLI prints.
 *
 * Secrets never come from argv: argv is visible to every user through `ps` and ends
 * up in shell history. Every secret read here is registered with the core's redaction
 * (`registerSecret`), which then masks it in every error, debug line and log record.
 */
import { readFile, stat } from 'node:fs/promises';
import { TesseraError, registerSecret } from '../src-core/index.js';
import { hiddenLine } from './hidden-line.js';

const MAX_SECRET_BYTES = 64 * 1024;

/**
 * Text from a file or a pipe in the encodings Windows editors save: UTF-8 (with or
 * without a byte-order mark) and UTF-16 LE/BE (Notepad's "Unicode", with a BOM; without
 * one, told by its zero bytes). Characters a key cannot hold are left for the key rule
 * to refuse (src-shared/rules.ts), which names the problem, never the key.
 */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return swapBytes(buf.subarray(2)).toString('utf16le');
  if (buf.length >= 2 && buf.length % 2 === 0 && buf.includes(0)) {
    // ASCII text in UTF-16 without a BOM: every other byte is zero.
    if (buf[1] === 0 && buf[0] !== 0) return buf.toString('utf16le');
    if (buf[0] === 0 && buf[1] !== 0) return swapBytes(buf).toString('utf16le');
  }
  return buf.toString('utf8');
}

function swapBytes(buf: Buffer): Buffer {
  const out = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
  return out.swap16();
}

/** Reads all of stdin (piped), bounded, decoded by `decodeText`. */
async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_SECRET_BYTES) throw new TesseraError('INVALID_INPUT', 'stdin holds more than 64 KiB; expected a single key or password.');
    chunks.push(buf);
  }
  return decodeText(Buffer.concat(chunks));
}

/** Splits on line breaks, ignoring blank lines, to tell one-line input from several lines. */
function nonEmptyLines(text: string): string[] {
  return text.split(/\r?\n|\r/).filter((l) => l.trim().length > 0);
}

export type SecretKind = 'API key' | 'password' | 'vault passphrase';

/**
 * A secret from stdin: piped input is read to the end; an interactive terminal gets a
 * prompt without echo. API keys are trimmed; passwords lose only their final line
 * break, since leading or trailing spaces can belong to a password.
 */
export async function readSecretFromStdin(kind: SecretKind, promptLabel: string): Promise<string> {
  let raw: string;
  if (process.stdin.isTTY) {
    raw = await promptHidden(`${promptLabel}: `);
  } else {
    raw = await readAllStdin();
  }
  const value = kind === 'API key' ? raw.trim() : raw.replace(/\r?\n$/, '');
  if (!value.trim()) throw new TesseraError('INVALID_INPUT', `No ${kind} on stdin. Pipe it in, for example: tessera … < key.txt`);
  if (nonEmptyLines(value).length > 1 || /[\r\n]/.test(value.trim())) {
    throw new TesseraError('INVALID_INPUT', `stdin holds several lines; expected exactly one ${kind}.`);
  }
  registerSecret(value);
  return value;
}

/**
 * The .txt file from "Download API Key": one key, surrounding whitespace trimmed.
 * Empty and multi-line files are refused (a wrong file is likelier than a key with
 * line breaks). Warns when other users can read the file, since it holds a live key.
 */
export async function readKeyFile(path: string, warn: (text: string) => Promise<void>): Promise<string> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new TesseraError('INVALID_INPUT', `The key file ${path} is not a regular file.`);
    if (info.size > MAX_SECRET_BYTES) throw new TesseraError('INVALID_INPUT', `The key file ${path} is larger than 64 KiB; expected the .txt file from "Download API Key".`);
    if (process.platform !== 'win32' && (info.mode & 0o044) !== 0) {
      await warn(
        `tessera: warning: ${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}). ` +
          `Delete it once the key is stored, or restrict it with: chmod 600 ${path}\n`,
      );
    }
    text = decodeText(await readFile(path));
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new TesseraError('INVALID_INPUT', `Cannot read the key file ${path}: ${why}.`);
  }
  const key = text.trim();
  if (!key) throw new TesseraError('INVALID_INPUT', `The key file ${path} is empty; expected the .txt file from "Download API Key".`);
  const lines = nonEmptyLines(key).length;
  if (lines > 1) {
    throw new TesseraError('INVALID_INPUT', `The key file ${path} has ${lines} lines; it must hold exactly one API key (the .txt file from "Download API Key").`);
  }
  registerSecret(key);
  return key;
}

/** Asks a yes/no question on the terminal (stderr); only "y" or "yes" is a yes. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new TesseraError('INVALID_INPUT', 'Cannot ask: stdin is not a terminal.');
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Prompts on the terminal without echoing what is typed. Reads raw keystrokes so the
 * secret never appears on screen; handles backspace, Ctrl-C (cancel) and Ctrl-D.
 */
export function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return Promise.reject(new TesseraError('INVALID_INPUT', 'Cannot prompt: stdin is not a terminal.'));
  return new Promise((resolve, reject) => {
    const line = hiddenLine();
    const wasRaw = input.isRaw;
    // Echo off before the prompt shows: an answer sent as soon as the prompt appears
    // (a paste, an `expect` script) would otherwise be echoed by the terminal.
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    process.stderr.write(prompt);
    const finish = (error?: TesseraError): void => {
      input.setRawMode(wasRaw);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(line.value);
    };
    const onData = (chunk: string): void => {
      const state = line.feed(chunk);
      if (state === 'done') finish();
      else if (state === 'cancelled') finish(new TesseraError('CANCELLED', 'Cancelled.'));
    };
    input.on('data', onData);
  });
}

/**
 * Asks for a value that is not secret (a profile name, a region) on the terminal, with
 * echo. Returns the trimmed answer ('' when the person just pressed Enter).
 */
export async function promptLine(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new TesseraError('INVALID_INPUT', 'Cannot prompt: stdin is not a terminal.');
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = rl.question(prompt);
    // Ctrl-C at the question ends the command as a cancellation, not a crash.
    const cancelled = new Promise<never>((_, reject) => rl.once('SIGINT', () => reject(new TesseraError('CANCELLED', 'Cancelled.'))));
    return (await Promise.race([answer, cancelled])).trim();
  } finally {
    rl.close();
  }
}
