/**
 * Byte-level search for many secrets in many files, for the final secret scan.
 *
 * A test run records hundreds of secrets (every API key, password and JWT the
 * simulator issued) and leaves tens of megabytes of data directories and logs, so
 * one `indexOf` per secret per file would be slow. Instead every pattern is indexed
 * by a rolling hash of its first K bytes (Rabin-Karp with one window length); each
 * file is read once and only hash hits are compared byte for byte. Binary files
 * (SQLite, the vault) are scanned like text.
 */
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join, relative } from 'node:path';

export type SecretKind = 'JWT' | 'JWT signature' | 'API key or password';

export interface Pattern {
  bytes: Buffer;
  kind: SecretKind;
  /** Line of the ledger the secret came from (so a person can look it up there; we never print it). */
  ledgerLine: number;
  encoding: 'utf8' | 'utf16le' | 'url-encoded' | 'base64';
}

export interface Finding {
  file: string;
  kind: SecretKind;
  ledgerLine: number;
  encoding: Pattern['encoding'];
  offset: number;
}

const JWT_RE = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)$/;

/** Shorter secrets would match by chance in binary files; they are reported, not scanned. */
export const MIN_SECRET_LENGTH = 8;

export interface Ledger {
  patterns: Pattern[];
  secrets: number;
  tooShort: number;
}

/** Turns the ledger's lines into byte patterns: each secret verbatim and in the encodings a leak would likely use. */
export function patternsFromLedger(text: string): Ledger {
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  let secrets = 0;
  let tooShort = 0;
  const add = (value: string, kind: SecretKind, ledgerLine: number, encoding: Pattern['encoding'], bytes: Buffer): void => {
    const key = `${encoding}:${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    patterns.push({ bytes, kind, ledgerLine, encoding });
  };
  text.split('\n').forEach((raw, index) => {
    const secret = raw.replace(/\r$/, '');
    if (!secret) return;
    secrets += 1;
    if (secret.length < MIN_SECRET_LENGTH) {
      tooShort += 1;
      return;
    }
    const line = index + 1;
    const jwt = JWT_RE.exec(secret);
    const kind: SecretKind = jwt ? 'JWT' : 'API key or password';
    add(secret, kind, line, 'utf8', Buffer.from(secret, 'utf8'));
    add(secret, kind, line, 'utf16le', Buffer.from(secret, 'utf16le'));
    const urlEncoded = encodeURIComponent(secret);
    if (urlEncoded !== secret) add(urlEncoded, kind, line, 'url-encoded', Buffer.from(urlEncoded, 'utf8'));
    if (!jwt) add(secret, kind, line, 'base64', Buffer.from(Buffer.from(secret, 'utf8').toString('base64'), 'utf8'));
    // A JWT split across lines, truncated or re-encoded still leaks its signature: look for that alone too.
    const signature = jwt?.[1];
    if (signature && signature.length >= MIN_SECRET_LENGTH) add(signature, 'JWT signature', line, 'utf8', Buffer.from(signature, 'utf8'));
  });
  return { patterns, secrets, tooShort };
}

const BASE = 257;
const FILTER_SIZE = 1 << 22;
const FILTER_MASK = FILTER_SIZE - 1;

function windowHash(buf: Uint8Array, start: number, k: number): number {
  let h = 0;
  for (let i = start; i < start + k; i++) h = (Math.imul(h, BASE) + (buf[i] as number)) >>> 0;
  return h;
}

export class Scanner {
  private readonly k: number;
  private readonly byHash = new Map<number, Pattern[]>();
  private readonly outFactor: number;
  /** One byte per hash bucket: a cheap "maybe" before the Map lookup, which dominates otherwise. */
  private readonly filter = new Uint8Array(FILTER_SIZE);

  constructor(patterns: Pattern[]) {
    this.k = Math.max(1, Math.min(16, ...patterns.map((p) => p.bytes.length)));
    for (const p of patterns) {
      const h = windowHash(p.bytes, 0, this.k);
      this.filter[h & FILTER_MASK] = 1;
      const list = this.byHash.get(h);
      if (list) list.push(p);
      else this.byHash.set(h, [p]);
    }
    // BASE^(k-1) mod 2^32, to drop the byte leaving the window.
    let f = 1;
    for (let i = 1; i < this.k; i++) f = Math.imul(f, BASE) >>> 0;
    this.outFactor = f;
  }

  /** Every pattern occurrence in `buf` (one finding per pattern per buffer). */
  scanBuffer(buf: Uint8Array, file: string): Finding[] {
    const k = this.k;
    const findings: Finding[] = [];
    if (buf.length < k || this.byHash.size === 0) return findings;
    const reported = new Set<Pattern>();
    const filter = this.filter;
    let h = windowHash(buf, 0, k);
    for (let i = 0; ; i++) {
      const candidates = filter[h & FILTER_MASK] === 1 ? this.byHash.get(h) : undefined;
      if (candidates) {
        for (const p of candidates) {
          if (reported.has(p) || i + p.bytes.length > buf.length) continue;
          if (Buffer.from(buf.buffer, buf.byteOffset + i, p.bytes.length).equals(p.bytes)) {
            reported.add(p);
            findings.push({ file, kind: p.kind, ledgerLine: p.ledgerLine, encoding: p.encoding, offset: i });
          }
        }
      }
      if (i + k >= buf.length) break;
      h = (Math.imul((h - Math.imul(buf[i] as number, this.outFactor)) >>> 0, BASE) + (buf[i + k] as number)) >>> 0;
    }
    return findings;
  }
}

/** Every regular file under `root` (symlinks are not followed), except those `skip` names. */
export function listFiles(root: string, skip: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(root);
  return out;
}

export interface ScanReport {
  files: number;
  bytes: number;
  findings: Finding[];
  unreadable: string[];
}

export function scanTree(root: string, patterns: Pattern[], skip: (path: string) => boolean): ScanReport {
  const scanner = new Scanner(patterns);
  const report: ScanReport = { files: 0, bytes: 0, findings: [], unreadable: [] };
  for (const path of listFiles(root, skip)) {
    let buf: Buffer;
    try {
      if (!lstatSync(path).isFile()) continue;
      buf = readFileSync(path);
    } catch {
      // Removed while we walked (a lock file, a temp file): record it, it was not scanned.
      report.unreadable.push(relative(root, path));
      continue;
    }
    report.files += 1;
    report.bytes += buf.length;
    report.findings.push(...scanner.scanBuffer(buf, relative(root, path)));
  }
  return report;
}

/** A finding as a line a person can act on: the file and what kind of secret, never the secret. */
export function describeFinding(f: Finding): string {
  return `${f.file}: ${f.kind} (ledger line ${f.ledgerLine}, ${f.encoding}, at byte ${f.offset})`;
}
