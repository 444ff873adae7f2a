/**
 * The first use of a profile's offline cache by several processes at once: `tessera
 * sync`, `tessera cases --offline` and `tessera tests` started together on a new
 * profile must agree on one cache key, so that no process sets another's live database
 * aside as undecryptable and the sync's cases are all there afterwards. The built CLI
 * as real processes, the simulator, the real Secret Service.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets, startRecordingSim } from './cli-harness.js';

const CASES = 500;
const TRIALS = 6;
let sim: Sim;
const clis: Cli[] = [];

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: CASES, seed: 47 });
}, 120_000);

afterAll(async () => {
  assertNoSecrets(clis.flatMap((c) => c.outputs), simSecrets(sim));
  await sim.close();
});

describe('concurrent first use of a cache', () => {
  it(`sync + cases --offline + tests started together (${TRIALS} trials): every sync's cases stay, nothing is set aside`, async () => {
    const outcomes: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const cli = Cli.fresh(`key-race-${trial}`);
      clis.push(cli);
      const added = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` });
      expect(added.code).toBe(0);

      const [sync, offline, tests] = await Promise.all([
        cli.run(['sync', 'lab'], { timeoutMs: 60_000 }),
        cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1']),
        cli.run(['tests', 'lab', '--json']),
      ]);
      const listed = await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1000']);
      const cached = listed.code === 0 ? (JSON.parse(listed.stdout) as unknown[]).length : -1;
      const setAside = readdirSync(join(cli.home, 'cache')).filter((n) => n.includes('.corrupt-'));
      outcomes.push(
        `trial ${trial}: sync ${sync.code}, cases --offline ${offline.code}, tests ${tests.code}, cached ${cached}, set aside ${setAside.length}` +
          (sync.code || offline.code || tests.code ? ` (${[sync.stderr, offline.stderr, tests.stderr].join(' | ').replace(/\s+/g, ' ').slice(0, 300)})` : ''),
      );
    }
    expect(outcomes).toEqual(Array.from({ length: TRIALS }, (_, i) => `trial ${i + 1}: sync 0, cases --offline 0, tests 0, cached ${CASES}, set aside 0`));
  }, 300_000);
});
