/**
 * `tessera doctor`: which secret backend works, and if none does, why and what to
 * do. Exits 0 when every check passes, 5 when the secret store is the problem (the
 * same code a failing `tessera token` would give), 1 for anything else.
 */
import type { DoctorCheck, DoctorReport } from '../../src-shared/schemas.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { TesseraError, loadOrphans } from '../../src-core/index.js';
import type { Registrar } from '../context.js';

/** The doctor's verdict on secrets ('secrets'), and the backend choice itself ('secret-backend'). */
const SECRET_VERDICTS = new Set(['secrets', 'secret-backend']);

export function doctorExitCode(report: DoctorReport): number {
  if (report.ok) return EXIT_CODES.ok;
  return report.checks.some((c) => !c.ok && SECRET_VERDICTS.has(c.name)) ? EXIT_CODES.secrets : EXIT_CODES.failure;
}

export function renderDoctor(report: DoctorReport): string {
  const lines = [`Tessera doctor: ${report.ok ? 'all checks passed' : 'problems found'}`, `  data directory: ${report.dataDir}`, `  secret backend: ${report.secretBackend}`, ''];
  const line = (c: DoctorCheck): string[] => {
    // A backend that is not selected only matters as the alternative when the selected one fails;
    // other failures that do not fail the report are warnings.
    const unselected = c.selected === false;
    if (unselected && report.ok) {
      // The unused backend: what is wrong with it, but not its advice, which may be to choose the backend in use.
      const what = (/^.*?[.!?](?=\s|$)/.exec(c.detail)?.[0] ?? c.detail).replace(/^\(not selected\) /, '');
      return [`  [n/a]  ${c.name}: ${what.replace(/\.$/, '')} (not used: secrets are in ${report.secretBackend === 'file' ? 'the encrypted file vault' : 'the OS keychain'})`];
    }
    const mark = c.ok ? '[ok]  ' : unselected ? '[n/a] ' : report.ok ? '[warn]' : '[FAIL]';
    const out = [`  ${mark} ${c.name}: ${c.detail}`];
    if (!c.ok && c.hint) out.push(`         fix: ${c.hint}`);
    return out;
  };
  for (const check of report.checks) lines.push(...line(check));
  return `${lines.join('\n')}\n`;
}

export const registerDoctor: Registrar = (program, ctx) => {
  program
    .command('doctor')
    .description('check the data directory, the secret backend (keychain or file vault) and the profiles')
    .option('--json', 'print the report as JSON')
    .option('--remove-orphans', 'then remove keychain (or vault) entries of profiles config.json no longer has; asks first')
    .option('--yes', 'with --remove-orphans: remove without asking (scripts)')
    .action(async (opts: { json?: boolean; removeOrphans?: boolean; yes?: boolean }) => {
      // Not through ctx.core(): the doctor has to work when the core cannot be composed.
      const { cliDoctor } = await import('../compose.js');
      const report = await cliDoctor(ctx.env);
      await ctx.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctor(report));
      ctx.setExitCode(doctorExitCode(report));
      if (opts.removeOrphans) await removeOrphans(ctx, opts.yes === true);
    });
};

async function removeOrphans(ctx: Parameters<Registrar>[1], yes: boolean): Promise<void> {
  const [{ cliOrphans }, { orphanProfiles }, { confirm }] = await Promise.all([import('../compose.js'), loadOrphans(), import('../io.js')]);
  const found = await cliOrphans(ctx.env);
  const where = found.backend === 'keychain' ? 'the OS keychain' : 'the file vault';
  if (found.orphans === null) {
    throw new TesseraError('CONFIG_CORRUPT', 'config.json cannot be read, so orphaned entries cannot be told; run `tessera profile list` to set it aside, then try again.');
  }
  const orphans = found.orphans;
  if (orphans.length === 0) {
    await ctx.out(`No orphaned entries in ${where}.\n`);
    return;
  }
  const what = `${orphans.length} ${orphans.length === 1 ? 'entry' : 'entries'} of profile(s) ${orphanProfiles(orphans).join(', ')} from ${where}`;
  if (!yes) {
    if (!process.stdin.isTTY) {
      throw new TesseraError('INVALID_INPUT', `Removing ${what} needs a confirmation: run it in a terminal, or add --yes.`);
    }
    // The keychain is shared by every data directory of this user.
    const shared = found.backend === 'keychain' ? ' Entries of another data directory (TESSERA_HOME) look the same.' : '';
    if (!(await confirm(`Remove ${what}?${shared} [y/N] `))) {
      await ctx.out('Nothing removed.\n');
      return;
    }
  }
  const removed = await found.remove(orphans);
  await ctx.out(`Removed ${removed} orphaned ${removed === 1 ? 'entry' : 'entries'} from ${where}.\n`);
}
