/**
 * The token cache and the mint lock across real processes: several `tessera token`-like
 * processes started together on one data dir cause one mint, and all get its token.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { addKeyProfile, makeCore, startTestSim } from '../helpers/tessera.js';

let sim: Sim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.close();
});

function child(dataDir: string): Promise<{ source?: string; expiresAt?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/token-child.ts')], {
      env: { ...process.env, TESSERA_HOME: dataDir, CHILD_PROFILE: 'lab' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += String(d)));
    proc.stderr.on('data', (d) => (err += String(d)));
    proc.on('error', reject);
    proc.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
      } catch {
        reject(new Error(`child printed no result: ${err.slice(0, 500)}`));
      }
    });
  });
}

describe('across processes', () => {
  it('five processes started together on one data dir mint once and share the token', { timeout: 60_000 }, async () => {
    const { core, dataDir } = makeCore();
    await addKeyProfile(core, sim);
    await core.dispose();
    const before = sim.mintCount();
    const results = await Promise.all(Array.from({ length: 5 }, () => child(dataDir)));
    expect(results.every((r) => r.error === undefined)).toBe(true);
    expect(sim.mintCount() - before).toBe(1);
    expect(results.filter((r) => r.source === 'minted')).toHaveLength(1);
    expect(new Set(results.map((r) => r.expiresAt)).size).toBe(1);

    // And the app (this process) reuses what the CLI minted.
    const app = makeCore({ dataDir });
    expect((await app.core.ensureToken('lab')).source).toBe('cache');
    expect(sim.mintCount() - before).toBe(1);
    await app.core.dispose();
  });
});
