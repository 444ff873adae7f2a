/**
 * `npm run sim -- --port 8790 --cases 5000`: the simulator standalone, for demos and
 * manual testing. The demo API key goes to a 0600 file, never to the terminal, so it
 * does not end up in scrollback or shell logs.
 */
import { Command, InvalidArgumentError } from 'commander';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from './index.js';

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

const program = new Command()
  .name('tessera-sim')
  .description('Local Illumina platform simulator (ICA tokens, TSS tests, cases and audit log)')
  .option('--port <port>', 'port to listen on (0 = random)', integer(0), 8790)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--cases <n>', 'cases in the demo tenant', integer(0), 500)
  .option('--seed <n>', 'seed for all generated data', integer(0), 1)
  .option('--token-lifetime <seconds>', 'JWT lifetime', integer(1), 3600)
  .option('--clock-skew <seconds>', 'server clock minus real clock', (v: string) => Number(v), 0)
  .option('--key-dir <dir>', 'where to write the demo API key file', join(tmpdir(), 'tessera-sim'))
  .option('--data-end <date>', 'the day the generated history ends (YYYY-MM-DD); default today')
  .parse();

const opts = program.opts<{ port: number; host: string; cases: number; seed: number; tokenLifetime: number; clockSkew: number; keyDir: string; dataEnd?: string }>();

const started = performance.now();
const sim = await startSim({
  port: opts.port,
  host: opts.host,
  cases: opts.cases,
  seed: opts.seed,
  tokenLifetimeSeconds: opts.tokenLifetime,
  clockSkewSeconds: opts.clockSkew,
  ...(opts.dataEnd ? { dataEnd: opts.dataEnd } : {}),
});

mkdirSync(opts.keyDir, { recursive: true, mode: 0o700 });
const keyFile = join(opts.keyDir, 'demo-api-key.txt');
writeFileSync(keyFile, `${sim.demo.apiKey}\n`, { mode: 0o600 });
// writeFileSync keeps an existing file's mode: make sure a leftover file is private too.
chmodSync(keyFile, 0o600);

const lines = [
  `Tessera platform simulator listening on ${sim.url} (${opts.cases} cases, seed ${opts.seed}, ready in ${Math.round(performance.now() - started)} ms)`,
  '',
  `  demo tenant domain   ${sim.demo.domain}`,
  `  partner tenant       ${sim.demo.partner.domain} (isolation)`,
  `  region hint          us (the simulator serves every region; pass its URLs as overrides)`,
  `  ICA base URL         ${sim.icaBaseUrl}`,
  `  TSS base URL         ${sim.tssBaseUrl}`,
  `  demo API key file    ${keyFile} (mode 0600)`,
  `  workgroup            ${sim.demo.workgroup}`,
  '',
  'Add a profile for it:',
  `  tessera profile add demo --domain ${sim.demo.domain} --region us --ica-url ${sim.icaBaseUrl} --tss-url ${sim.tssBaseUrl} --api-key-file ${keyFile}`,
  '',
  'Press Ctrl-C to stop.',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\n${signal}: closing the simulator\n`);
  await sim.close();
  process.exit(0);
}
// The key file is only for this run: it goes when the simulator does, however it ends.
process.on('exit', () => rmSync(keyFile, { force: true }));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
