/** The simulated TSS case reports over real HTTP: content, availability by status and activation, PDFs, changes, faults. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim, type SimCase } from '../../sim/index.js';
import { tss, tssJson } from './sim-helpers.js';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ cases: 300, seed: 9, dataEnd: '2025-06-01' });
});
afterAll(async () => {
  await sim.close();
});

const jsonPath = (c: SimCase) => `/crs/api/v1/cases/${c.id}/reports/json`;
const pdfPath = (c: SimCase, typeId: string) => `/drs/v1/draftreport/case/${c.id}/reports/${typeId}/pdf`;

interface Report {
  reportTypes: Array<{ id: string; reportType: string; reportTypeId: string; reportDetails: { status: string; editStatus: string | null; variants: Array<Record<string, unknown>> } }>;
  truSightSoftwareSuiteVersion: string;
  dragenVersion: string;
  dataSourceVersions: unknown[];
}

async function report(c: SimCase): Promise<Report> {
  return JSON.parse((await tssJson<{ jsonContent: string }>(sim, jsonPath(c))).jsonContent) as Report;
}

/** Structure checks of a PDF: header, objects at the offsets the xref table names, trailer, startxref. */
function checkPdf(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  expect(text.startsWith('%PDF-1.')).toBe(true);
  expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref)) ?? [];
  expect(Number(first)).toBe(0);
  const entries = text.slice(startxref).split('\n').slice(2, 2 + Number(count));
  entries.slice(1).forEach((e, i) => {
    const offset = Number(e.slice(0, 10));
    expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
  expect(text).toMatch(/trailer\n<< \/Size \d+ \/Root 1 0 R >>/);
  const length = Number(/\/Length (\d+) >>\nstream\n/.exec(text)?.[1]);
  const start = text.indexOf('stream\n') + 'stream\n'.length;
  expect(text.slice(start + length, start + length + '\nendstream'.length)).toBe('\nendstream');
  return text;
}

describe('TSS case reports', () => {
  it('answers a report for Complete and In Progress cases, as a JSON string, with realistic variants', async () => {
    const cases = sim.data.cases().filter((c) => c.status === 'Complete' || c.status === 'In Progress');
    let variants = 0;
    for (const c of cases.slice(0, 40)) {
      const r = await report(c);
      expect(r.reportTypes.length).toBeGreaterThan(0);
      expect(r.truSightSoftwareSuiteVersion).toMatch(/^\d+\.\d+\.\d+$/);
      for (const t of r.reportTypes) {
        expect(sim.data.testDefinitions().some((d) => d.reports.some((x) => x.id === t.reportTypeId && x.name === t.reportType))).toBe(true);
        for (const v of t.reportDetails.variants) {
          variants++;
          expect(v).toMatchObject({ gene: expect.stringMatching(/^[A-Z0-9]+$/), chromosome: expect.stringMatching(/^chr/) });
          expect((v.transcript as { hgvsc: string }).hgvsc).toMatch(/^c\.\d+/);
          expect((v.transcript as { hgvsp: string }).hgvsp).toMatch(/^p\.\(/);
          expect((v.transcript as { name: string }).name).toMatch(/^NM_\d+\.\d+$/);
        }
      }
      expect(r).toEqual(sim.data.report(c.id));
    }
    expect(variants).toBeGreaterThan(10);
  });

  it('answers 404 for cases without a report yet, 403 for inactive cases, 404 for unknown cases and report types', async () => {
    const all = sim.data.cases();
    const fresh = all.find((c) => c.status === 'New' || c.status === 'Draft')!;
    const inactive = all.find((c) => c.activationState === 'INACTIVE')!;
    const complete = all.find((c) => c.status === 'Complete')!;
    expect((await tss(sim, jsonPath(fresh))).status).toBe(404);
    expect((await tss(sim, jsonPath(inactive))).status).toBe(403);
    const typeId = sim.data.testDefinitions()[0]!.reports[0]!.id;
    expect((await tss(sim, pdfPath(fresh, typeId))).status).toBe(404);
    expect((await tss(sim, pdfPath(inactive, typeId))).status).toBe(403);
    expect((await tss(sim, '/crs/api/v1/cases/no-such-case/reports/json')).status).toBe(404);
    expect((await tss(sim, pdfPath(complete, 'no-such-type'))).status).toBe(404);
    expect((await tss(sim, jsonPath(complete), { Authorization: 'ApiKey wrong' })).status).toBe(401);
  });

  it('serves a small valid PDF per report type naming the case and the report type', async () => {
    const c = sim.data.cases().find((x) => x.status === 'Complete')!;
    const r = await report(c);
    for (const t of r.reportTypes) {
      const res = await tss(sim, pdfPath(c, t.reportTypeId));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const text = checkPdf(Buffer.from(await res.arrayBuffer()));
      expect(text).toContain(`(Case ${c.displayId})`);
      expect(text).toContain(`(TruSight Software Suite - ${t.reportType})`);
    }
  });

  it('is deterministic for a seed, and changes its report when the case changes', async () => {
    const other = await startSim({ cases: 300, seed: 9, dataEnd: '2025-06-01' });
    try {
      const c = sim.data.cases().find((x) => x.status === 'Complete')!;
      expect(other.data.report(c.id)).toEqual(sim.data.report(c.id));
    } finally {
      await other.close();
    }
    const c = sim.data.cases().find((x) => x.status === 'Complete')!;
    const before = await report(c);
    const edited = sim.data.editCase(c.id, { status: 'Complete' });
    expect(edited.id).toBe(c.id);
    const after = await report(c);
    expect(after.reportTypes[0]!.reportDetails.editStatus).toBe('Amended');
    expect(after).not.toEqual(before);
  });

  it('fault injection applies to both endpoints; a rewrite fault leaves a PDF byte for byte', async () => {
    const c = sim.data.cases().find((x) => x.status === 'Complete')!;
    sim.faults.add({ match: { path: /\/reports\/json$/ }, fault: { kind: 'status', status: 503 } });
    expect((await tss(sim, jsonPath(c))).status).toBe(503);
    expect((await tss(sim, jsonPath(c))).status).toBe(200);
    const typeId = (await report(c)).reportTypes[0]!.reportTypeId;
    const plain = Buffer.from(await (await tss(sim, pdfPath(c, typeId))).arrayBuffer());
    sim.faults.add({ match: { path: /\/pdf$/ }, fault: { kind: 'rewrite', transform: (j) => j } });
    const rewritten = Buffer.from(await (await tss(sim, pdfPath(c, typeId))).arrayBuffer());
    expect(rewritten.equals(plain)).toBe(true);
    sim.faults.add({ match: { path: /\/pdf$/ }, fault: { kind: 'reset' } });
    await expect(tss(sim, pdfPath(c, typeId))).rejects.toThrow();
  });
});
