/**
 * Test environment shared by every suite: a per-run root (set by scripts/test.mjs)
 * under which each test gets its own data directory, and a ledger of every secret a
 * test used or the simulator issued, which the final secret scan looks for.
 */
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let fallbackRoot: string | undefined;

/** The run's root directory: TESSERA_TEST_ROOT under `npm test`, a temporary one otherwise. */
export function testRoot(): string {
  const fromEnv = process.env.TESSERA_TEST_ROOT;
  if (fromEnv) return fromEnv;
  fallbackRoot ??= mkdtempSync(join(tmpdir(), 'tessera-test-root-'));
  return fallbackRoot;
}

/** A fresh data directory (TESSERA_HOME) for one test, inside the run's root so the scan sees it. */
export function newDataDir(label = 'data'): string {
  const base = join(testRoot(), 'data');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${label.replace(/\W+/g, '-')}-`));
}

/** Where logs written by tests go (the scan reads them too). */
export function logsDir(): string {
  const dir = join(testRoot(), 'logs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const LEDGER_NAME = 'secrets.ledger';

/** Records a secret (API key, password, JWT) so the final scan can prove it never hit disk or logs. */
export function recordSecret(secret: string): void {
  if (!secret) return;
  appendFileSync(join(testRoot(), LEDGER_NAME), `${secret}\n`, { mode: 0o600 });
}
