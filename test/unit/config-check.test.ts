/**
 * The hand-written check of config.json (src-core/config/check.ts) and the zod schema
 * (src-core/config/schema.ts) must agree on every file: the check accepts exactly what
 * the schema accepts and returns what the schema returns (defaults filled in, unknown
 * keys dropped, keys in the same order). Otherwise a read would accept a file the
 * schema refuses, or load zod for every sound file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../src-core/config/check.js';
import { ConfigSchema } from '../../src-core/config/schema.js';
import { REGION_IDS } from '../../src-shared/regions.js';
import { BOUNDS, GLOBAL_SHORTCUT_MAX, SYNC_REPORTS, THEMES, type Bounds } from '../../src-shared/rules.js';

/** Values of every JSON kind, some of them right for no field. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(2 ** 53),
  fc.string({ maxLength: 80 }),
  fc.constant(''),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);
/** Mostly a value the field takes, sometimes anything. */
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: junk });
const text = fc.string({ maxLength: 12 });
/** Whole numbers in and around a setting's bounds, its edges included, and fractions. */
const around = ({ min, max }: Bounds) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, min, max, max + 1) },
    { weight: 1, arbitrary: fc.double({ min: min - 1, max: max + 1, noNaN: true }) },
  );
/** Fields present or absent, and now and then one the schema does not know. */
const fields = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) => fc.record({ ...shape, unknownField: text }, { requiredKeys: [] });

const settings = fields({
  minTtlSeconds: maybe(around(BOUNDS.minTtlSeconds)),
  clipboardClearSeconds: maybe(around(BOUNDS.clipboardClearSeconds)),
  idleLockMinutes: maybe(around(BOUNDS.idleLockMinutes)),
  globalShortcut: maybe(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: GLOBAL_SHORTCUT_MAX - 1, max: GLOBAL_SHORTCUT_MAX + 1 }).map((n) => 'k'.repeat(n)) })),
  theme: maybe(fc.constantFrom(...THEMES)),
  defaultProfile: maybe(text),
  requestTimeoutSeconds: maybe(around(BOUNDS.requestTimeoutSeconds)),
  syncAuditDays: maybe(around(BOUNDS.syncAuditDays)),
  syncReports: maybe(fc.constantFrom(...SYNC_REPORTS)),
});

const profile = fc.record(
  {
    id: maybe(fc.uuid()),
    name: maybe(fc.string({ minLength: 0, maxLength: 8 })),
    domain: maybe(fc.string({ minLength: 1, maxLength: 8 })),
    region: maybe(fc.constantFrom(...REGION_IDS)),
    workgroup: maybe(text),
    credentialKind: maybe(fc.constantFrom('api-key', 'basic')),
    username: maybe(text),
    icaUrl: maybe(text),
    tssUrl: maybe(text),
    includeIdentifiers: maybe(fc.boolean()),
    createdAt: maybe(text),
    updatedAt: maybe(text),
    key: maybe(fields({ fingerprint: maybe(text), storedAt: maybe(text), rejectedAt: maybe(text) })),
    isDemo: maybe(fc.boolean()),
    needsKey: maybe(fc.boolean()),
    tssSearchVersion: maybe(fc.constantFrom('v2', 'v1')),
    unknownField: text,
  },
  // The fields the schema requires are usually there.
  { requiredKeys: ['id', 'name', 'domain', 'region', 'credentialKind', 'createdAt', 'updatedAt', 'key'] },
);

const config = fields({
  schemaVersion: maybe(fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(1.5))),
  profiles: maybe(fc.array(profile, { maxLength: 3 })),
  settings: maybe(settings),
  secretBackend: maybe(fc.constantFrom('keychain', 'file')),
});

/** As read back from the file: what JSON cannot hold is gone. */
const asRead = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

describe('the hand-written check of config.json', () => {
  it('accepts exactly what the schema accepts, and returns what the schema returns, keys in the same order', () => {
    let accepted = 0;
    fc.assert(
      fc.property(config, (generated) => {
        const raw = asRead(generated);
        const checked = checkConfig(raw);
        const parsed = ConfigSchema.safeParse(raw);
        expect(checked !== null, JSON.stringify(raw)).toBe(parsed.success);
        if (checked && parsed.success) {
          accepted += 1;
          expect(JSON.stringify(checked)).toBe(JSON.stringify(parsed.data));
        }
      }),
      { numRuns: 3000 },
    );
    // The generator reaches both verdicts often, so the agreement is tested on both sides.
    expect(accepted).toBeGreaterThan(100);
  });

  it('accepts the file Tessera writes, with the defaults filled in and nothing else', () => {
    const written = {
      schemaVersion: 1,
      profiles: [
        {
          id: '0b6c3a8e-5d1f-4b8a-9a53-7a2d6f0c4e11',
          name: 'lab',
          domain: 'acme',
          region: 'us',
          credentialKind: 'api-key',
          includeIdentifiers: false,
          createdAt: '2026-01-02T03:04:05.000Z',
          updatedAt: '2026-01-02T03:04:05.000Z',
          key: { fingerprint: 'wxyz', storedAt: '2026-01-02T03:04:05.000Z' },
        },
      ],
      settings: { minTtlSeconds: 600 },
    };
    const checked = checkConfig(asRead(written));
    expect(checked).toEqual(ConfigSchema.parse(written));
    expect(checked?.settings.minTtlSeconds).toBe(600);
    expect(checked?.settings.requestTimeoutSeconds).toBe(30);
  });
});
