/**
 * `tessera import icav2`: a profile from the icav2 CLI's ~/.icav2/config.yaml. The core
 * reads the file, verifies its key by minting and stores the profile (the key never
 * reaches this process's output). What the file and the key's token cannot tell (the
 * profile's name, the region, maybe the tenant) is asked on a terminal, or taken from
 * the options; a script that leaves one out gets a usage error naming the options.
 */
import type { Command } from 'commander';
import { REGION_IDS } from '../../src-shared/regions.js';
import { TesseraError } from '../../src-core/index.js';
import type { Registrar } from '../context.js';
import { promptLine } from '../io.js';

interface ImportOptions {
  config?: string;
  name?: string;
  domain?: string;
  region?: string;
  icaUrl?: string;
  tssUrl?: string;
  workgroup?: string;
  includeIdentifiers?: boolean;
  scrub?: boolean;
}

export const registerImport: Registrar = (program, ctx) => {
  const group: Command = program.command('import').description('create profiles from other tools\u2019 configuration');

  group
    .command('icav2')
    .description('create a profile from the icav2 CLI\u2019s ~/.icav2/config.yaml (its server and API key), verified by minting a token')
    .option('--config <path>', 'the icav2 configuration file (default: ~/.icav2/config.yaml)')
    .option('--name <name>', 'name of the new profile (asked on a terminal)')
    .option('--region <region>', 'TSS region: us, euw2 (london), cac1 (canada), aps2 (australia), euc1 (eu) (asked on a terminal)')
    .option('--domain <tenant>', 'tenant domain (default: the tenant the key\u2019s token names)')
    .option('--ica-url <url>', 'ICA REST base URL (default: https://<server-url>/ica/rest from the file)')
    .option('--tss-url <url>', 'TSS base URL (default derived from the domain and region)')
    .option('--workgroup <id>', 'TSS workgroup id sent as X-ILMN-Workgroup')
    .option('--include-identifiers', 'let the offline cache fetch patient identifiers (PHI)')
    .option('--scrub', 'then remove the plaintext API key (x-api-key) from the file (everything else and its mode stay)')
    .action(async (opts: ImportOptions) => {
      const core = await ctx.core();
      const facts = await core.findIcav2Config(opts.config !== undefined ? { path: opts.config } : {});
      if (!facts.found) throw new TesseraError('INVALID_INPUT', `No icav2 configuration at ${facts.path}: run \`icav2 config set\` first, or give the file's path with --config`);
      if (facts.problem) throw new TesseraError('INVALID_INPUT', facts.problem);
      await ctx.err(`Found ${facts.path}: server ${facts.serverHost ?? '?'}, with an API key.\n`);

      let { name, region, domain } = opts;
      if (process.stdin.isTTY) {
        name ??= await ask('Name for the new profile: ');
        region ??= await ask(`Region (${REGION_IDS.join(', ')}; or london, canada, australia, eu): `);
        if (domain === undefined) {
          const typed = await promptLine('Tenant domain, as in <domain>.login.illumina.com (Enter: the one the key\u2019s token names): ');
          if (typed) domain = typed;
        }
      } else {
        const missing = [name === undefined ? '--name <name>' : '', region === undefined ? '--region <region>' : ''].filter(Boolean);
        if (missing.length) throw new TesseraError('INVALID_INPUT', `Not on a terminal, so nothing can be asked: give ${missing.join(' and ')}.`);
      }

      const result = await core.importIcav2({
        name: name!,
        region: region!,
        ...(opts.config !== undefined && { path: opts.config }),
        ...(domain !== undefined && { domain }),
        ...(opts.icaUrl !== undefined && { icaUrl: opts.icaUrl }),
        ...(opts.tssUrl !== undefined && { tssUrl: opts.tssUrl }),
        ...(opts.workgroup !== undefined && { workgroup: opts.workgroup }),
        ...(opts.includeIdentifiers && { includeIdentifiers: true }),
        ...(opts.scrub && { scrub: true }),
      });
      const p = result.profile;
      const from = result.domainFrom === 'token' ? ' (named by the key\u2019s token; use --domain if your sign-in domain differs)' : '';
      const tenant = result.tenantId ? `, tenant id ${result.tenantId}` : '';
      await ctx.out(`Imported profile "${p.name}": tenant ${p.domain}${from}${tenant}, region ${p.region}, ICA ${p.icaUrl}, API key …${p.key.fingerprint}.\n`);
      await ctx.out(`The key is stored in the ${(await ctx.secretBackend()) === 'file' ? 'encrypted file vault' : 'OS keychain'}, and the platform accepted it.\n`);
      for (const warning of p.warnings ?? []) await ctx.err(`tessera: warning: ${warning}\n`);
      await ctx.out(
        result.scrubbed
          ? `Removed the API key (x-api-key) from ${result.path}; icav2 can use Tessera's tokens: tessera exec ${p.name} -- icav2 …\n`
          : `${result.path} still holds the key in plain text; run again with --scrub, or remove its x-api-key line yourself.\n`,
      );
    });
};

async function ask(prompt: string): Promise<string> {
  for (;;) {
    const answer = await promptLine(prompt);
    if (answer) return answer;
  }
}
