/** Dates in the spellings TSS uses, identifier redaction (an allow-list), and what the index gets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDate } from '../../src-core/tss/dates.js';
import { redactIdentifiers, searchFieldsOf, tagsOf, toCaseInput, toTestDefinition } from '../../src-core/tss/normalize.js';
import { TssCaseSchema, TssTestDefinitionSchema } from '../../src-core/tss/schemas.js';

describe('normalizeDate', () => {
  it.each([
    ['2021-10-25T14:12:06+0000', '2021-10-25T14:12:06.000Z'],
    ['2021-10-25T14:12:06+02:00', '2021-10-25T12:12:06.000Z'],
    ['2021-10-25T14:12:06.5Z', '2021-10-25T14:12:06.500Z'],
    ['2021-10-25T14:12:06.123456789Z', '2021-10-25T14:12:06.123Z'],
    ['2021-10-25T14:12', '2021-10-25T14:12:00.000Z'],
    ['2021-10-25 14:12:06', '2021-10-25T14:12:06.000Z'],
    ['2021-10-25', '2021-10-25T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
    ['2021-10-25T00:30:00-0100', '2021-10-25T01:30:00.000Z'],
  ])('%s → %s', (input, want) => {
    expect(normalizeDate(input)).toBe(want);
  });

  it.each(['', 'yesterday', '2021-13-01', '2021-02-30', '2023-02-29T00:00:00.000Z', '2021-10-25T25:00:00Z', '25/10/2021', '1634567890'])('rejects %j', (input) => {
    expect(normalizeDate(input)).toBeNull();
  });

  /** What the canonical form's fast path must answer: Date's own round trip. */
  const roundTrip = (text: string) => {
    const t = Date.parse(text);
    return !Number.isNaN(t) && new Date(t).toISOString() === text ? text : null;
  };
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const canonical = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) =>
    `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;

  it('answers for the canonical form exactly what Date’s round trip answers, on every day of boundary years', () => {
    for (const y of [0, 1, 4, 100, 400, 999, 1000, 1900, 2000, 2023, 2024, 2100, 9999]) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          for (const [h, mi, s, ms] of [[0, 0, 0, 0], [23, 59, 59, 999], [24, 0, 0, 0], [12, 60, 0, 0], [12, 0, 60, 0]] as const) {
            const text = canonical(y, mo, d, h, mi, s, ms);
            expect(normalizeDate(text), text).toBe(roundTrip(text));
          }
        }
      }
    }
  });

  it('answers for any canonical-shaped text what Date’s round trip answers', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })),
        fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 })),
        ([y, mo, d], [h, mi, s, ms]) => {
          const text = canonical(y, mo, d, h, mi, s, ms);
          expect(normalizeDate(text)).toBe(roundTrip(text));
        },
      ),
      { numRuns: 5000, seed: 0xda7e },
    );
    // Near misses of the shape take the general way, as before.
    for (const text of ['2024-01-01T00:00:00.000z', '2024-01-01t00:00:00.000Z', '2024-01-01T00:00:00,000Z', ' 2024-01-01T00:00:00.000Z']) {
      expect(normalizeDate(text), text).toBe('2024-01-01T00:00:00.000Z');
    }
    expect(normalizeDate('２024-01-01T00:00:00.000Z')).toBeNull();
  });
});

describe('identifiers', () => {
  const full = {
    id: 'c1',
    displayId: 'CASE-1',
    status: 'New',
    tags: ['urgent', { name: 'rerun' }, { value: 'x' }, 'urgent', ''],
    caseSubjects: [
      {
        id: 's1',
        relationshipToProband: 'Proband',
        subject: { id: 'p1', firstName: 'Olivia', lastName: 'Quinn', mrn: 'MRN-1234567', dateOfBirth: '1990-01-01', gender: 'Female', middleName: 'Rose', address: '1 Main St' },
        samples: [{ id: 'x', externalSampleId: 'SMP-1', externalSampleName: 'CASE1_PROBAND_BLOOD', dateReceived: null }],
      },
    ],
  };

  it('keep only id and gender of a subject unless opted in, whatever else the server sent', () => {
    const redacted = redactIdentifiers(full);
    const text = JSON.stringify(redacted);
    for (const v of ['Olivia', 'Quinn', 'MRN-1234567', '1990-01-01', 'Rose', 'Main St']) expect(text).not.toContain(v);
    expect((redacted.caseSubjects as { subject: unknown }[])[0]!.subject).toEqual({ id: 'p1', gender: 'Female' });
    expect(text).toContain('SMP-1');
    // The original is not modified.
    expect(full.caseSubjects[0]!.subject.lastName).toBe('Quinn');

    const input = toCaseInput(TssCaseSchema.parse(full), false);
    expect(JSON.stringify(input.json)).not.toContain('Quinn');
    expect(JSON.stringify(toCaseInput(TssCaseSchema.parse(full), true).json)).toContain('Quinn');
  });

  it('index names and MRN only when opted in; samples always', () => {
    expect(searchFieldsOf(full, false)).toEqual({ samples: ['SMP-1', 'CASE1_PROBAND_BLOOD'], identifiers: [] });
    expect(searchFieldsOf(full, true).identifiers).toEqual(['Olivia', 'Quinn', 'MRN-1234567']);
  });

  it('tags become distinct strings', () => {
    expect(tagsOf(full)).toEqual(['urgent', 'rerun', 'x']);
  });
});

describe('test definitions', () => {
  it('tolerate a numeric version and missing reports, and fall back to the id for a missing name', () => {
    const t = toTestDefinition(TssTestDefinitionSchema.parse({ id: 't1', version: 3, testType: 'Germline' }));
    expect(t).toMatchObject({ id: 't1', name: 't1', version: '3', type: 'Germline', reports: [] });
  });
});
