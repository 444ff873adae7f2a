import { describe, expect, it } from 'vitest';
import { gistOf, toUiError } from '../../src-renderer/lib/errors.js';
import { describeCountdown, formatAge, formatCountdown, formatDateTime, formatWhen, humanize, monthsBetween } from '../../src-renderer/lib/format.js';
import { extractApiKey, keyWarnings, readKeyFile } from '../../src-renderer/lib/keys.js';
import { profile } from './fake-bridge.js';

describe('errors', () => {
  it('maps a typed code to its message and action', () => {
    const e = toUiError({ code: 'CREDENTIALS_REJECTED', message: 'The platform refused the key ending in ab12.' });
    expect(e.code).toBe('CREDENTIALS_REJECTED');
    expect(e.message).toBe('The platform refused the key ending in ab12.');
    expect(e.action).toMatch(/Manage API Keys/);
  });
  it('strips the Electron invoke prefix', () => {
    expect(toUiError({ code: 'NETWORK', message: "Error invoking remote method 'tessera:sync': Error: Connection refused" }).message).toBe('Connection refused');
  });
  it('never shows the text of an unknown error', () => {
    const e = toUiError(new Error('ENOENT /home/me/secret-path'));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).not.toContain('secret-path');
  });
});

describe('format', () => {
  it('formats countdowns', () => {
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(61 * 60_000 + 2000)).toBe('1:01:02');
    expect(formatCountdown(-1)).toBe('expired');
    expect(describeCountdown(5 * 60_000 + 10)).toBe('5 minutes left');
  });
  it('counts calendar months', () => {
    expect(monthsBetween('2024-01-15T00:00:00Z', new Date('2024-12-14T00:00:00Z'))).toBe(10);
    expect(monthsBetween('2024-01-15T00:00:00Z', new Date('2024-12-15T12:00:00Z'))).toBe(11);
    expect(formatAge('2020-01-01T00:00:00Z', new Date('2024-06-01T00:00:00Z'))).toBe('4 years');
  });
  it('writes a time of day the same way alone and with a date', () => {
    const at = new Date();
    at.setHours(13, 0, 0, 0);
    const alone = formatWhen(at, at.getTime());
    expect(formatDateTime(at).endsWith(alone)).toBe(true);
  });

  it('humanizes enum values and keeps ordinary words', () => {
    expect(humanize('READY_FOR_REVIEW')).toBe('Ready for review');
    expect(humanize('In Progress')).toBe('In Progress');
    expect(humanize('QC_WARNING')).toBe('QC warning');
    expect(humanize('RARE_DISEASE')).toBe('Rare disease');
    expect(humanize('GERMLINE')).toBe('Germline');
    expect(humanize('CTDNA')).toBe('ctDNA');
  });
});

describe('keys', () => {
  it('warns from 11 months and on rejection', () => {
    const now = new Date('2025-12-01T00:00:00Z');
    expect(keyWarnings(profile('a', { key: { fingerprint: 'x', storedAt: '2025-02-01T00:00:00Z' } }), now)).toEqual([]);
    expect(keyWarnings(profile('a', { key: { fingerprint: 'x', storedAt: '2025-01-01T00:00:00Z' } }), now).map((w) => w.kind)).toEqual(['old']);
    expect(keyWarnings(profile('a', { key: { fingerprint: 'x', storedAt: '2025-11-01T00:00:00Z', rejectedAt: '2025-11-30T00:00:00Z' } }), now).map((w) => w.kind)).toEqual(['rejected']);
  });
  it('does not nag about a password’s age', () => {
    const now = new Date('2025-12-01T00:00:00Z');
    expect(keyWarnings(profile('a', { credentialKind: 'basic', key: { fingerprint: 'x', storedAt: '2020-01-01T00:00:00Z' } }), now)).toEqual([]);
  });
  it('extracts a key from a bare value or a labelled .txt file', () => {
    expect(extractApiKey('  abcDEF123456  \n')).toBe('abcDEF123456');
    expect(extractApiKey('Name: my key\nAPI Key: abcDEF123456\n')).toBe('abcDEF123456');
    expect(extractApiKey('My laptop key\n\nabcDEF1234567890\n')).toBe('abcDEF1234567890');
    expect(extractApiKey('\n\n')).toBe('');
  });
  it('reads a dropped file and refuses large ones', async () => {
    expect(await readKeyFile(new File(['key-value-123456\n'], 'k.txt'))).toBe('key-value-123456');
    await expect(readKeyFile(new File(['x'.repeat(70_000)], 'big.txt'))).rejects.toThrow(/too large/);
  });
});

describe('gistOf', () => {
  it('keeps the first sentence without detail and drops advice the action already gives', () => {
    const message =
      'ICA rejected the API key ending in Kh1y of profile "demo" (POST http://127.0.0.1:1/ica/rest/api/tokens returned 401 Unauthorized). Regenerate it under Manage API Keys in the Illumina web UI, then replace the key.';
    const action = 'The platform refused this key. Regenerate it under Manage API Keys in the Illumina web UI, then replace it in Tessera.';
    expect(gistOf(message, action)).toBe('ICA rejected the API key ending in Kh1y of profile "demo".');
    expect(gistOf('Regenerate it under Manage API Keys now.', action)).toBe('');
  });
});
