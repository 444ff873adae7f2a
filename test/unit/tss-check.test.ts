/**
 * The hand-written case-page and case checks (src-core/tss/check.ts) against the zod
 * schemas they stand in for: on the simulator's realistic cases and on thousands of
 * hostile variants of them (fast-check), both give the same verdict, and when both
 * accept, the check's answer (the input itself) equals zod's copy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from '../../src-shared/zod.js';
import { checkCase, checkCasePage } from '../../src-core/tss/check.js';
import { TssCasePageSchema, TssCaseSchema } from '../../src-core/tss/schemas.js';
import { buildTenant, materialize, searchView } from '../../sim/data.js';

const tenant = buildTenant(
  {
    domain: 'check-lab',
    name: 'Check Lab',
    displayPrefix: 'CHK',
    cases: 400,
    users: [{ email: 'a@example.org', firstName: 'A', lastName: 'B' }],
    workgroups: 1,
    keys: 1,
  },
  11,
  new Map(),
  Date.UTC(2026, 0, 1),
);
/** Search views (no identifiers) and full cases (names, MRNs, birth dates), as JSON text would carry them. */
const CASES: unknown[] = tenant.cases.map((c, i) => JSON.parse(JSON.stringify(i % 2 ? materialize(tenant, c, true) : searchView(tenant, c))));

function pageOf(content: unknown[], number = 0): Record<string, unknown> {
  return { content, totalElements: 400, totalPages: 1, number, size: 1000, numberOfElements: content.length, first: true, last: true, empty: content.length === 0, sort: { sorted: false }, pageable: { pageNumber: number } };
}

/** One input, judged by both; each gets its own copy because the check may trim ids in place. */
function agree(input: unknown, check: (v: unknown) => unknown, schema: z.core.$ZodType): boolean {
  const forCheck = structuredClone(input);
  const checked = check(forCheck);
  const parsed = z.safeParse(schema, input);
  // Only a disagreement pays for expect's message.
  if (!parsed.success && checked === undefined) return false;
  expect(checked !== undefined, `check ${checked === undefined ? 'refused' : 'accepted'} what zod ${parsed.success ? 'accepts' : `refuses (${parsed.error?.issues[0]?.message} at ${parsed.error?.issues[0]?.path.join('.')})`}`).toBe(parsed.success);
  if (checked !== undefined) {
    expect(checked).toBe(forCheck);
    expect(checked).toStrictEqual(parsed.data);
  }
  return parsed.success;
}

/** Every key a schema names, so that mutations also add fields the sample lacks. */
const SCHEMA_KEYS = [
  'id', 'displayId', 'status', 'subState', 'activationState', 'testDefinition', 'name', 'type', 'tags', 'value',
  'createdDate', 'updatedDate', 'startDate', 'dueDate', 'completedDate', 'createdBy', 'updatedBy', 'externalCaseId',
  'caseSubjects', 'relationshipToProband', 'subject', 'samples', 'firstName', 'lastName', 'mrn', 'dateOfBirth', 'gender',
  'externalSampleId', 'externalSampleName', 'sampleType', 'dateReceived', 'dateCollected',
  'content', 'totalElements', 'totalPages', 'number', 'size', 'numberOfElements', 'first', 'last', 'empty',
  '__proto__', 'unknownField',
];

const DATES = [
  '2024-02-31', '2024-02-29T00:00:00Z', '2023-02-29', '2024-01-01T24:00:00Z', '2024-01-01T23:59:60Z', '2024-13-01',
  '2024-00-10', '2024-01-01 10:00:00+0100', '2024-01-01T10:00:00.123456789+01:00', '2024-01-01T10:00+05', ' 2024-01-01 ',
  '0999-12-31', '9999-12-31T23:59:59-01:00', '2024-01-01T00:00:00.000Z', '2024-02-30T00:00:00.000Z', 'last Tuesday', '2024-1-1',
];
const x = (n: number, pad = '') => `${pad}${'x'.repeat(n)}${pad}`;
const STRINGS = ['', ' ', ' \t\n', x(1), x(128), x(129), x(256), x(257), x(256, ' '), x(255, '\u00a0'), '\ufeffid', ...DATES];
const NUMBERS = [0, -0, 1, -1, 0.5, -0.5, 1e21, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), Number.NaN, Infinity, -Infinity, Number.MAX_VALUE];

/** Strings at and around every length limit (128, 256), padded so that only trimming brings them within. */
const BOUNDARY = [0, 1, 127, 128, 129, 255, 256, 257].flatMap((n) => ['', ' ', '\t', '\u00a0'].map((pad) => x(n, pad)));
/** Objects and arrays where the schemas want text, a tag, a subject or a list. */
const SHAPES: unknown[] = [[], {}, [1], ['t'], [null], [{}], [[]], { name: 1 }, { name: 'n' }, { value: 'v' }, { name: null, value: 'v' }, { value: 2 }, { id: 'x' }];
const CONSTANTS: unknown[] = [null, undefined, true, false, ...STRINGS, ...BOUNDARY, ...NUMBERS, ...SHAPES];

const atom = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, ...NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...BOUNDARY) },
  { weight: 2, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double()) },
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: atom },
  { weight: 1, arbitrary: fc.constantFrom(...SHAPES) },
  { weight: 1, arbitrary: fc.array(atom, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...SCHEMA_KEYS), atom, { maxKeys: 3 }) },
);

/** Every object and array inside a value, the value included. */
function nodesOf(v: unknown, out: (Record<string, unknown> | unknown[])[] = []): (Record<string, unknown> | unknown[])[] {
  if (typeof v !== 'object' || v === null) return out;
  out.push(v as Record<string, unknown>);
  for (const child of Object.values(v)) nodesOf(child, out);
  return out;
}

type Mutation = { node: number; key: number; op: 'set' | 'delete' | 'own-proto'; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  node: fc.nat(),
  key: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('set', 'set', 'set', 'delete', 'own-proto'),
  value: hostile,
});

/** Applies mutations at nodes and keys picked by index (so fast-check can shrink them). */
function mutate(root: unknown, mutations: Mutation[]): unknown {
  for (const m of mutations) {
    const nodes = nodesOf(root);
    const node = nodes[m.node % nodes.length]!;
    const own = Array.isArray(node) ? [...node.keys(), node.length].map(String) : Object.keys(node);
    const keys = Array.isArray(node) || m.key % 2 === 0 ? own : SCHEMA_KEYS;
    const key = keys[Math.floor(m.key / 2) % keys.length] ?? '0';
    const target = node as Record<string, unknown>;
    // A copy: fast-check hands the same value to several mutations and replays it when shrinking.
    const value = structuredClone(m.value);
    // JSON.parse gives `{"__proto__": …}` an own property; plain assignment would set the prototype.
    // (An array from JSON has no named keys: only its items change.)
    if (m.op === 'own-proto' && !Array.isArray(node)) Object.defineProperty(target, '__proto__', { value, enumerable: true, writable: true, configurable: true });
    else if (m.op === 'delete') delete target[key];
    else if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else target[key] = value;
  }
  return root;
}

describe('the hand-written case checks agree with the zod schemas', () => {
  it('accept every simulated case and page, answering the input itself, equal to zod’s copy', () => {
    expect(CASES.length).toBe(400);
    for (const c of CASES) expect(agree(c, checkCase, TssCaseSchema)).toBe(true);
    expect(agree(pageOf(CASES), checkCasePage, TssCasePageSchema)).toBe(true);
    expect(agree(pageOf([]), checkCasePage, TssCasePageSchema)).toBe(true);
  });

  it('trim padded ids in place and drop an own __proto__ key, as zod’s copy does', () => {
    const text = JSON.stringify(pageOf([{ ...(CASES[0] as object), id: '  c-1 ', displayId: '\tCASE-1 ' }])).replace('{"content"', '{"__proto__":{"polluted":true},"content"');
    const page = checkCasePage(JSON.parse(text));
    expect(page?.content[0]).toMatchObject({ id: 'c-1', displayId: 'CASE-1' });
    expect(Object.hasOwn(page!, '__proto__')).toBe(false);
    expect(page).toStrictEqual(z.parse(TssCasePageSchema, JSON.parse(text)));
  });

  it('give the same verdict with every field of a full case and of the page set to each hostile value, or removed', () => {
    // A case with every optional part present (a subject with identifiers, samples, tags, a
    // test), and one subject rather than a pedigree, which would only repeat the same fields.
    const full = CASES.find((c) => JSON.stringify(c).includes('"firstName"') && (c as { caseSubjects: unknown[] }).caseSubjects.length === 1) as Record<string, unknown>;
    expect(full).toBeDefined();
    // Every own key gets every constant; a key the node lacks gets a few telling ones (most
    // such keys mean nothing to that kind of object, and a full run of constants would only
    // repeat "unknown key, passes").
    const FEW: unknown[] = [null, undefined, '', ' ', 'x', x(129), x(257), 'last Tuesday', '2024-02-31', -1, 0.5, 1, true, {}, [], [1], { name: 'n' }];
    const variants = (root: unknown, each: (v: unknown) => void) => {
      const count = nodesOf(root).length;
      for (let n = 0; n < count; n++) {
        const node = nodesOf(root)[n]!;
        const own = Array.isArray(node) ? [...node.keys(), node.length].map(String) : Object.keys(node);
        const absent = Array.isArray(node) ? [] : SCHEMA_KEYS.filter((k) => !own.includes(k));
        for (const [keys, values] of [[own, CONSTANTS], [absent, FEW]] as const) {
          for (const key of keys) {
            const copy = structuredClone(root);
            delete (nodesOf(copy)[n] as Record<string, unknown>)[key];
            each(copy);
            for (const value of values) {
              const changed = structuredClone(root);
              const target = nodesOf(changed)[n] as Record<string, unknown>;
              if (key === '__proto__' || Array.isArray(target)) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
              else target[key] = value;
              each(changed);
            }
          }
        }
      }
    };
    let runs = 0;
    variants(full, (c) => {
      runs++;
      agree(c, checkCase, TssCaseSchema);
    });
    variants(pageOf([CASES[0]]), (p) => {
      runs++;
      agree(p, checkCasePage, TssCasePageSchema);
    });
    expect(runs).toBeGreaterThan(10_000);
  });

  it('give the same verdict on thousands of hostile variants of real cases', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(CASES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, mutations) => {
        const c = mutate(structuredClone(CASES[i]), mutations);
        if (!agree(c, checkCase, TssCaseSchema)) refused++;
      }),
      { numRuns: 4000, seed: 0x7e55e7a },
    );
    // The variants must mostly be refusals and still include acceptances, or they test little.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(3900);
  });

  it('give the same verdict on hostile pages (envelope and cases)', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(CASES.length - 1), { maxLength: 4 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (picks, mutations) => {
        const page = mutate(pageOf(picks.map((i) => structuredClone(CASES[i]))), mutations);
        if (!agree(page, checkCasePage, TssCasePageSchema)) refused++;
      }),
      { numRuns: 4000, seed: 0xbadface },
    );
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(3900);
  });

  it('refuse what is not an object where one belongs', () => {
    for (const v of [null, undefined, 'page', 1, [], [pageOf([])], true]) {
      expect(agree(v, checkCasePage, TssCasePageSchema)).toBe(false);
      expect(agree(v, checkCase, TssCaseSchema)).toBe(false);
    }
    expect(agree(pageOf([[CASES[0]]]), checkCasePage, TssCasePageSchema)).toBe(false);
    expect(agree({ ...pageOf([]), numberOfElements: null }, checkCasePage, TssCasePageSchema)).toBe(false);
  });
});
