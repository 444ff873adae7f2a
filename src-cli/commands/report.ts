/**
 * Case reports from the shell:
 *
 *   tessera report <name> <displayId|id> [--json] [--pdf <file> [--type <report type>] [--force]]
 *
 * The summary (report types, status, edit status, reported variants) goes to stdout;
 * `--json` prints the report as the server sent it. `--pdf` writes one report type's
 * PDF where the person asked, never over an existing file without `--force`, readable
 * by the owner only, with a reminder on stderr that the file holds patient data
 * unencrypted. Offline, the cached report is shown with its age, like `tessera case`.
 */
import { closeSync, constants, fchmodSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import type { CaseReport } from '../../src-shared/schemas.js';
import { TesseraError } from '../../src-core/index.js';
import type { CliContext, Registrar } from '../context.js';
import { table } from '../format.js';
import { notice } from './cache.js';

function renderReport(r: CaseReport): string {
  if (!r.available) {
    const why = r.unavailableReason === 'inactive' ? 'the case is inactive' : r.unavailableReason === '403' ? 'the server refused it (403)' : 'the server has none (404)';
    return `Case ${r.displayId} has no report to show: ${why}.\n`;
  }
  const lines: string[] = [`Case            ${r.displayId}`];
  const versions = [r.versions.truSightSoftwareSuite && `TSS ${r.versions.truSightSoftwareSuite}`, r.versions.dragen && `DRAGEN ${r.versions.dragen}`].filter(Boolean).join(', ');
  if (versions) lines.push(`Software        ${versions}`);
  let out = `${lines.join('\n')}\n`;
  for (const t of r.reportTypes) {
    const status = [t.status, t.subState].filter(Boolean).join(' / ');
    out += `\n${t.reportType ?? t.name ?? t.reportTypeId ?? 'Report'}\n`;
    out += `  Status        ${status || 'unknown'}\n`;
    out += `  Edit status   ${t.editStatus ?? 'original'}\n`;
    if (t.variants.length === 0) {
      out += '  No reported variants.\n';
      continue;
    }
    const rows = t.variants.map((v) => [
      v.gene ?? '',
      v.chromosome && v.start !== undefined ? `${v.chromosome}:${v.start}` : (v.chromosome ?? ''),
      [v.refAllele, v.altAllele].filter(Boolean).join('>'),
      v.transcript ?? '',
      v.hgvsc ?? '',
      v.hgvsp ?? '',
      v.consequences.join(','),
    ]);
    out += table(['GENE', 'POSITION', 'CHANGE', 'TRANSCRIPT', 'HGVS.C', 'HGVS.P', 'CONSEQUENCE'], rows)
      .split('\n')
      .map((l) => (l ? `  ${l}` : l))
      .join('\n');
  }
  return out;
}

/** Writes the PDF with owner-only permissions; an existing file only with `force` (then its mode is tightened too). */
function writePdf(path: string, bytes: Uint8Array, force: boolean): void {
  let fd: number;
  try {
    fd = openSync(path, force ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new TesseraError('INVALID_INPUT', `${path} already exists; choose another file or add --force to overwrite it.`);
    }
    throw new TesseraError('INVALID_INPUT', `Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, { cause: error });
  }
  try {
    fchmodSync(fd, 0o600);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}

export const registerReport: Registrar = (program: Command, ctx: CliContext) => {
  program
    .command('report')
    .description("show a case's report (from the server when online, else from the offline cache), or save its PDF")
    .argument('<name>', 'profile name')
    .argument('<id>', 'display id (e.g. CASE-000123) or case id')
    .option('--json', 'print the whole report as JSON')
    .option('--pdf <file>', "save the report's PDF to this file (patient data, unencrypted)")
    .option('--type <report type>', 'with --pdf: which report type (name or id; default the first)')
    .option('--force', 'with --pdf: overwrite an existing file')
    .action(async (name: string, id: string, opts: { json?: boolean; pdf?: string; type?: string; force?: boolean }) => {
      const core = await ctx.core();
      if (opts.pdf) {
        let type = opts.type;
        if (!type) {
          const report = await core.getReport(name, id);
          type = report.data.reportTypes.find((t) => t.reportTypeId)?.reportTypeId;
          if (!report.data.available || !type) throw new TesseraError('NOT_FOUND', `Case ${report.data.displayId} has no report PDF to save.`);
        }
        const pdf = await core.getReportPdf(name, id, type);
        await notice(ctx, name, pdf, false, true);
        writePdf(opts.pdf, pdf.data.bytes, opts.force === true);
        await ctx.err(`tessera: ${opts.pdf} holds patient data, unencrypted (readable by you only); delete it when you no longer need it.\n`);
        return;
      }
      const result = await core.getReport(name, id);
      await notice(ctx, name, result, false, true);
      if (opts.json) {
        await ctx.out(`${JSON.stringify(result.data.available ? result.data.raw : { caseId: result.data.caseId, displayId: result.data.displayId, available: false, reason: result.data.unavailableReason }, null, 2)}\n`);
        return;
      }
      await ctx.out(renderReport(result.data));
    });
};
