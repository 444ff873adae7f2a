/**
 * `npm run harness`: the Tessera UI in a browser, against the real core, the
 * simulator (demo tenant) and your OS keychain, on 127.0.0.1 only.
 *
 *   npm run harness [-- --port 8787] [--cases 5000] [--verbose]
 *
 * Data goes to TESSERA_HOME, or to a temporary directory removed on exit (its
 * keychain entries are removed too). Press Enter for a new one-time launch link.
 */
import { createInterface } from 'node:readline';
import { startHarness } from './server.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(option('port') ?? 0);
const cases = option('cases');
const verbose = process.argv.includes('--verbose');

const harness = await startHarness({
  port: Number.isFinite(port) ? port : 0,
  ...(cases ? { sim: { cases: Number(cases) } } : {}),
  ...(verbose ? { log: (line: string) => console.log(line) } : {}),
});

console.log(`Tessera harness on ${harness.origin} (data: ${harness.dataDir})`);
console.log('Open this one-time link in a browser (it signs that browser in, then stops working):');
console.log(`  ${harness.launchUrl()}`);
console.log('Press Enter for another link, Ctrl+C to stop.');

const rl = createInterface({ input: process.stdin });
rl.on('line', () => console.log(`  ${harness.launchUrl()}`));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  rl.close();
  await harness.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
