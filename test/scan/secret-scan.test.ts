/**
 * The last suite of `npm test`: no API key, password or JWT that any test used or the
 * simulator issued may appear in the run's data directories (TESSERA_HOME of every
 * test), logs (every suite's output, tee'd by scripts/test.mjs) or reports.
 *
 * Honesty rules:
 * - Without TESSERA_TEST_ROOT there is nothing to scan, so the suite FAILS (in CI and
 *   locally alike) and says how to run it: through `npm test`, or over a kept root
 *   with `TESSERA_KEEP_TEST_ROOT=1 npm test` then
 *   `TESSERA_TEST_ROOT=<root> vitest run --project scan`.
 * - A missing or empty ledger fails too: a scan for nothing proves nothing.
 * - A canary test plants a secret in a scratch directory first, proving the scanner
 *   finds what it looks for in this very run.
 * Findings name the file and the kind of secret (and its ledger line), never the secret.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFinding, patternsFromLedger, scanTree } from './scanner.js';

const LEDGER = 'secrets.ledger';
const root = process.env.TESSERA_TEST_ROOT;

describe('secret scan', () => {
  it('finds a planted secret in every encoding it looks for (canary)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-scan-canary-'));
    try {
      const key = `CanaryKey${Date.now()}x7Q2pL9z`;
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXNlZ21lbnQtZm9yLXRoZS1jYW5hcnk';
      const signature = jwt.split('.')[2] as string;
      writeFileSync(join(dir, 'plain.log'), `prefix ${key} suffix\n`);
      writeFileSync(join(dir, 'wide.bin'), Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(key, 'utf16le'), Buffer.from([0])]));
      writeFileSync(join(dir, 'sig-only.txt'), `truncated token …${signature}\n`);
      writeFileSync(join(dir, 'b64.txt'), `Authorization: ${Buffer.from(key).toString('base64')}\n`);
      writeFileSync(join(dir, 'clean.txt'), 'nothing to see here\n');
      const { patterns } = patternsFromLedger(`${key}\n${jwt}\n`);
      const report = scanTree(dir, patterns, () => false);
      const hits = report.findings.map((f) => `${f.file}:${f.kind}:${f.encoding}`).sort();
      expect(hits).toEqual(['b64.txt:API key or password:base64', 'plain.log:API key or password:utf8', 'sig-only.txt:JWT signature:utf8', 'wide.bin:API key or password:utf16le']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds no recorded secret under the test root', () => {
    if (!root) {
      throw new Error(
        'TESSERA_TEST_ROOT is not set, so there is nothing to scan: run the scan through `npm test` (it runs last), ' +
          'or keep a run with TESSERA_KEEP_TEST_ROOT=1 npm test and scan it with TESSERA_TEST_ROOT=<root> vitest run --project scan.',
      );
    }
    const ledgerPath = join(root, LEDGER);
    if (!existsSync(ledgerPath)) {
      throw new Error(`No secrets ledger at ${ledgerPath}: no test recorded a secret, so this scan would prove nothing.`);
    }
    const ledger = patternsFromLedger(readFileSync(ledgerPath, 'utf8'));
    if (ledger.patterns.length === 0) {
      throw new Error(`The secrets ledger ${ledgerPath} is empty: no test recorded a secret, so this scan would prove nothing.`);
    }
    const report = scanTree(root, ledger.patterns, (path) => path === ledgerPath);
    const summary =
      `scanned ${report.files} files (${(report.bytes / 1_048_576).toFixed(1)} MiB) under ${root} for ${ledger.secrets} recorded secrets` +
      (ledger.tooShort ? ` (${ledger.tooShort} shorter than 8 characters not scanned)` : '') +
      (report.unreadable.length ? `; ${report.unreadable.length} files vanished while scanning` : '');
    console.log(`secret scan: ${summary}`);
    expect(report.files, 'the test root holds no files at all').toBeGreaterThan(0);
    if (report.findings.length > 0) {
      throw new Error(`Secrets found in ${report.findings.length} place(s):\n${report.findings.map(describeFinding).join('\n')}`);
    }
    // A full run leaves hundreds of MiB (100k-case caches): about 25 MiB/s, so allow minutes.
  }, 600_000);
});
