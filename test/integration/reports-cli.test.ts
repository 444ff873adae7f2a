/**
 * Case reports end to end: the built CLI as a child process, the simulator over HTTP,
 * the real Secret Service. `sync --reports` (only new or changed cases, inactive and
 * missing reports noted, a 5xx failing the sync without damage), `tessera report`
 * (summary, JSON, PDF file rules), search by gene and HGVS with the match shown,
 * offline answers from the cache, and nothing readable in the data directory.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim, SimCase } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { phiOf, plaintextHits } from '../fixtures/cache/core.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets, startRecordingSim } from './cli-harness.js';

interface SimVariant {
  gene: string;
  transcript: { hgvsc: string; hgvsp: string };
}
interface SimReport {
  reportTypes: Array<{ reportType: string; reportTypeId: string; reportDetails: { editStatus: string | null; variants: SimVariant[] } }>;
}

let sim: Sim;
let cli: Cli;
let stopped = false;

const reportOf = (c: SimCase) => sim.data.report(c.id) as SimReport | null;
const variantsOf = (c: SimCase) => reportOf(c)?.reportTypes.flatMap((t) => t.reportDetails.variants) ?? [];
const reportRequests = () => sim.requests.filter((r) => r.path.endsWith('/reports/json')).length;
const pdfRequests = () => sim.requests.filter((r) => r.path.endsWith('/pdf')).length;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: 120, seed: 14 });
  cli = Cli.fresh('reports-cli');
  const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` });
  expect(r.code).toBe(0);
}, 120_000);

afterAll(async () => {
  assertNoSecrets(cli.outputs, simSecrets(sim));
  if (!stopped) await sim.close();
});

describe('case reports', () => {
  it('a 5xx in the middle of the reports fails the sync; the next sync fetches only what is missing', async () => {
    sim.faults.add({ match: { path: /\/reports\/json$/ }, times: Infinity, fault: { kind: 'status', status: 503 } });
    const failed = await cli.run(['sync', 'lab', '--reports'], { timeoutMs: 60_000 });
    sim.faults.clear();
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/503|server/i);
    // The cases are there; reports come with the next sync.
    const cases = await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1000']);
    expect(JSON.parse(cases.stdout)).toHaveLength(120);
  });

  it('sync --reports json+pdf fetches every report once, notes cases without one, and stores PDFs', async () => {
    const all = sim.data.cases();
    const withReport = all.filter((c) => reportOf(c) !== null);
    const active = all.filter((c) => c.activationState !== 'INACTIVE');
    sim.clearRequests();
    // One refused report (403) is noted for that case, not an error of the sync.
    const refused = withReport[0]!;
    sim.faults.add({ match: { path: `/crs/api/v1/cases/${refused.id}/reports/json` }, fault: { kind: 'status', status: 403 } });
    const r = await cli.run(['sync', 'lab', '--reports', 'json+pdf'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^synced lab: 120 cases, 12 test definitions, ${withReport.length - 1} reports \\(${all.length - withReport.length + 1} cases without one\\), \\d+ PDFs in`));
    expect(r.stderr).toMatch(/case reports \d+\/\d+/);
    // Inactive cases are never asked; every active case once.
    expect(reportRequests()).toBe(active.length);
    const pdfTypes = withReport.slice(1).reduce((n, c) => n + (reportOf(c)?.reportTypes.length ?? 0), 0);
    expect(pdfRequests()).toBe(pdfTypes);
  });

  it('a second sync fetches the reports of changed cases only', async () => {
    sim.clearRequests();
    const quiet = await cli.run(['sync', 'lab', '--reports', 'json+pdf'], { timeoutMs: 60_000 });
    expect(quiet.code).toBe(0);
    expect(reportRequests()).toBe(0);
    expect(pdfRequests()).toBe(0);
    const changed = sim.data.updateCases(3).filter((c) => c.activationState !== 'INACTIVE');
    sim.clearRequests();
    const again = await cli.run(['sync', 'lab', '--reports'], { timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(reportRequests()).toBe(changed.length);
  });

  it('report prints the summary with the variants; --json the report as sent', async () => {
    const c = sim.data.cases().find((x) => variantsOf(x).length > 0)!;
    const report = reportOf(c)!;
    const r = await cli.run(['report', 'lab', c.displayId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Case            ${c.displayId}`);
    for (const t of report.reportTypes) expect(r.stdout).toContain(t.reportType);
    expect(r.stdout).toMatch(/GENE\s+POSITION\s+CHANGE\s+TRANSCRIPT\s+HGVS\.C\s+HGVS\.P\s+CONSEQUENCE/);
    for (const v of variantsOf(c)) expect(r.stdout).toContain(v.transcript.hgvsc);
    expect(r.stdout).toMatch(/Edit status {3}(original|Amended|Corrected)/);
    const json = await cli.run(['report', 'lab', c.displayId, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(report);
  });

  it('cases without a report say why, with exit code 0', async () => {
    const inactive = sim.data.cases().find((x) => x.activationState === 'INACTIVE')!;
    const r = await cli.run(['report', 'lab', inactive.displayId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/has no report to show: the server refused it \(403\)/);
  });

  it('--pdf writes a PDF readable by the owner only, refuses to overwrite without --force, and reminds on stderr', async () => {
    const c = sim.data.cases().find((x) => reportOf(x) !== null)!;
    const file = join(cli.home, '..', `${c.displayId}-report.pdf`);
    const r = await cli.run(['report', 'lab', c.displayId, '--pdf', file]);
    expect(r.code).toBe(0);
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(`(Case ${c.displayId})`);
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(r.stderr).toMatch(/holds patient data, unencrypted/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');

    writeFileSync(file, 'keep me', { mode: 0o644 });
    const refused = await cli.run(['report', 'lab', c.displayId, '--pdf', file]);
    expect(refused.code).toBe(EXIT_CODES.usage);
    expect(refused.stderr).toMatch(/already exists; choose another file or add --force/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const forced = await cli.run(['report', 'lab', c.displayId, '--pdf', file, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('search finds cases by reported gene and HGVS notation and shows what matched', async () => {
    const cases = sim.data.cases();
    const gene = 'BRCA1';
    const carriers = cases.filter((c) => variantsOf(c).some((v) => v.gene === gene));
    expect(carriers.length).toBeGreaterThan(0);
    const r = await cli.run(['cases', 'lab', '--offline', '--search', gene, '--json', '--limit', '1000']);
    const found = JSON.parse(r.stdout) as Array<{ displayId: string; match?: string }>;
    expect(found.map((c) => c.displayId).sort()).toEqual(carriers.map((c) => c.displayId).sort());
    for (const f of found) expect(f.match).toMatch(/^BRCA1 c\./);

    const v = variantsOf(carriers[0]!).find((x) => x.gene === gene)!;
    const byHgvs = await cli.run(['cases', 'lab', '--offline', '--search', v.transcript.hgvsc, '--limit', '1000']);
    expect(byHgvs.code).toBe(0);
    expect(byHgvs.stdout.split('\n')[0]).toMatch(/\bMATCH$/);
    expect(byHgvs.stdout).toContain(carriers[0]!.displayId);
    expect(byHgvs.stdout).toContain(`${gene} ${v.transcript.hgvsc}`);
    const expected = cases.filter((c) => variantsOf(c).some((x) => x.transcript.hgvsc === v.transcript.hgvsc)).length;
    const rows = byHgvs.stdout.trim().split('\n').length - 1;
    expect(rows).toBe(expected);
  });

  it('the data directory holds no gene, HGVS notation or display id in plaintext, and no secret', async () => {
    const cases = sim.data.cases();
    const needles = new Set(phiOf(cases));
    for (const c of cases) {
      for (const v of variantsOf(c)) {
        needles.add(v.transcript.hgvsp);
        needles.add((v.transcript as { name?: string }).name ?? v.transcript.hgvsp);
        needles.add(`${v.gene} ${v.transcript.hgvsc}`);
        if (v.transcript.hgvsc.length >= 6) needles.add(v.transcript.hgvsc);
      }
    }
    // The PDF saved above lies outside the data directory.
    expect(plaintextHits(cli.home, [...needles])).toEqual([]);
    // The same needles do find the reports where they are plaintext (the scan can see them).
    const plain = join(cli.home, '..', 'plain-reports');
    mkdirSync(plain, { recursive: true });
    writeFileSync(join(plain, 'reports.json'), JSON.stringify(cases.map((c) => reportOf(c))));
    expect(plaintextHits(plain, [...needles]).length).toBeGreaterThan(0);
  });

  it('offline, report answers from the cache with its age; a PDF from the cache too', async () => {
    const c = sim.data.cases().find((x) => variantsOf(x).length > 0)!;
    await sim.close();
    stopped = true;
    const r = await cli.run(['report', 'lab', c.displayId], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/offline, showing data from \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(r.stdout).toContain(variantsOf(c)[0]!.transcript.hgvsc);
    const file = join(cli.home, '..', `${c.displayId}-offline.pdf`);
    const pdf = await cli.run(['report', 'lab', c.displayId, '--pdf', file], { timeoutMs: 60_000 });
    expect(pdf.code).toBe(0);
    expect(readFileSync(file).toString('latin1')).toContain(`(Case ${c.displayId})`);
  });
});
