/** The simulator's generated data: scale, determinism, shape, and its independence from the client code. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index.js';

describe('simulator data', () => {
  it('generates 200,000 cases quickly and serves the last page (timing logged, not asserted)', async () => {
    const started = performance.now();
    const sim = await startSim({ cases: 200_000 });
    const generatedMs = performance.now() - started;
    try {
      const pageStarted = performance.now();
      const res = await fetch(`${sim.tssBaseUrl}/crs/api/v2/cases/search?pageSize=1000&pageNumber=199`, {
        headers: { Authorization: `ApiKey ${sim.demo.apiKey}`, 'X-ILMN-Domain': sim.demo.domain },
      });
      const page = (await res.json()) as { totalElements: number; content: Array<{ displayId: string }>; last: boolean };
      const pageMs = performance.now() - pageStarted;
      console.log(
        `[sim] 200,000 cases: startSim ${generatedMs.toFixed(0)} ms, last 1000-case page ${pageMs.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
      );
      expect(page.totalElements).toBe(200_000);
      expect(page.content).toHaveLength(1000);
      expect(page.last).toBe(true);
      expect(page.content.at(-1)?.displayId).toBe('CASE-200000');
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('gives every case a unique id and displayId and consistent dates', async () => {
    const sim = await startSim({ cases: 3000, seed: 3 });
    try {
      const cases = sim.data.cases();
      expect(new Set(cases.map((c) => c.id)).size).toBe(3000);
      expect(new Set(cases.map((c) => c.displayId)).size).toBe(3000);
      for (const c of cases) {
        expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(Date.parse(c.updatedDate)).toBeGreaterThanOrEqual(Date.parse(c.createdDate));
        expect(Date.parse(c.dueDate)).toBeGreaterThan(Date.parse(c.createdDate));
        expect(c.completedDate === null).toBe(c.status !== 'Complete');
        expect(c.caseSubjects.length).toBe(c.pedigreeSize);
        for (const s of c.caseSubjects) {
          expect(s.subject.mrn).toMatch(/^MRN-\d{7}$/);
          expect(s.samples.length).toBeGreaterThan(0);
        }
      }
    } finally {
      await sim.close();
    }
  });

  it('differs between seeds and repeats for one seed', async () => {
    const [a, b, c] = await Promise.all([startSim({ cases: 20, seed: 1 }), startSim({ cases: 20, seed: 1 }), startSim({ cases: 20, seed: 2 })]);
    try {
      expect(a.data.cases()).toEqual(b.data.cases());
      expect(a.data.testDefinitions()).toEqual(b.data.testDefinitions());
      expect(a.demo.apiKey).toBe(b.demo.apiKey);
      expect(c.data.cases()[0]?.id).not.toBe(a.data.cases()[0]?.id);
      expect(c.demo.apiKey).not.toBe(a.demo.apiKey);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('imports nothing from the client code (src-*)', () => {
    const dir = new URL('../../sim/', import.meta.url).pathname;
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/from\s+['"][^'"]*src-(shared|core|main|renderer|cli)/);
      expect(text, f).not.toMatch(/import\(\s*['"][^'"]*src-/);
    }
  });
});
