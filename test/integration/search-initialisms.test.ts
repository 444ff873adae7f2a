/**
 * "TSO 500" finds TruSight Oncology 500 cases: a search term that is the initialism of a
 * test definition's name finds that test's cases, through the core (the app's search)
 * and the CLI, against a cache synced from the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKeyProfile, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore, type CacheCore, type Sim } from '../fixtures/cache/core.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets } from './cli-harness.js';

let sim: Sim;
let setup: CacheCore;

beforeAll(async () => {
  sim = await startTestSim({ cases: 600, seed: 12 });
  setup = makeCacheCore();
  await addKeyProfile(setup.core, sim);
  await setup.core.sync('lab');
}, 120_000);
afterAll(async () => {
  await setup.core.dispose();
  await sim.close();
});

const serverIds = (pred: (testName: string) => boolean) =>
  sim.data
    .cases()
    .filter((c) => pred(c.testDefinition.name))
    .map((c) => c.id)
    .sort();

async function allIds(text: string): Promise<string[]> {
  const r = await setup.core.searchCases('lab', { text, limit: 1000 });
  return r.items.map((c) => c.id).sort();
}

describe('initialisms in search', () => {
  it('"TSO 500" finds the TruSight Oncology 500 cases (the ctDNA test included), nothing else', async () => {
    const expected = serverIds((n) => n.startsWith('TruSight Oncology 500'));
    expect(expected.length).toBeGreaterThan(0);
    expect(await allIds('TSO 500')).toEqual(expected);
  });

  it('"tso comprehensive" finds only TruSight Oncology Comprehensive; "TSO" all three TSO tests', async () => {
    expect(await allIds('tso comprehensive')).toEqual(serverIds((n) => n === 'TruSight Oncology Comprehensive'));
    expect(await allIds('TSO')).toEqual(serverIds((n) => n.startsWith('TruSight Oncology')));
  });

  it('the CLI finds them too: the README example', async () => {
    await ensureCliBuilt();
    const cli = Cli.fresh('initialisms');
    expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` })).code).toBe(0);
    expect((await cli.run(['sync', 'lab'], { timeoutMs: 60_000 })).code).toBe(0);
    const r = await cli.run(['cases', 'lab', '--search', 'TSO 500', '--json', '--limit', '1000', '--offline']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((c) => c.id).sort();
    expect(ids).toEqual(serverIds((n) => n.startsWith('TruSight Oncology 500')));
    assertNoSecrets(cli.outputs, simSecrets(sim));
  }, 120_000);
});
