/**
 * One tenant of the renderer benchmark in a process of its own (run by
 * scripts/bench/renderer-page.ts with tsx): the harness (the real core over the
 * contract) with a simulator of `<cases>` cases, synced into the encrypted cache. Each
 * tenant has its own process, as each app has its own core, so that work one core does
 * in the background (facet counts) never lands on the other tenant's keystrokes.
 *
 *   tsx scripts/bench/renderer-tenant.ts <cases>
 *
 * Talks in JSON lines. Stdout: first {ready, cases, syncMs, launchUrl, sample}, then
 * one answer per command. Stdin commands: `launch` (a new one-time launch link),
 * `record` (start timing searchCases calls), `stats` (the timings so far), `close`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startHarness } from '../../harness/server.js';

const cases = Number(process.argv[2]);
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-renderer-bench-'));
const searchRpc: number[] = [];
let record = false;
const harness = await startHarness({
  dataDir,
  sim: { cases, seed: 1 },
  onRpc: (method, ms) => {
    if (record && method === 'searchCases') searchRpc.push(ms);
  },
});
const send = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function close(): Promise<void> {
  await harness.close();
  rmSync(dataDir, { recursive: true, force: true });
}

try {
  await harness.core.startDemo();
  const started = performance.now();
  const result = await harness.core.sync('demo');
  const syncMs = performance.now() - started;
  const sim = harness.sim!;
  const all = sim.data.cases(sim.demo.domain);
  const one = all[Math.floor(all.length / 3)]!;
  const sample = { displayId: one.displayId, testWord: (one.testDefinition?.name ?? 'exome').split(/\s+/)[0]!.toLowerCase(), status: one.status.toLowerCase() };
  send({ ready: true, cases: result.cases, syncMs, launchUrl: harness.launchUrl(), sample });
} catch (error) {
  await close();
  throw error;
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'launch') send({ launchUrl: harness.launchUrl() });
  else if (command === 'record') {
    record = true;
    send({ recording: true });
  } else if (command === 'stats') send({ searchRpc });
  else if (command === 'close') break;
}
await close();
