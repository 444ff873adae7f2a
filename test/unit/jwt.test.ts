import { describe, expect, it } from 'vitest';
import { decodeClaims, decodeTenantId } from '../../src-core/tokens/jwt.js';
import { measureSkewMs } from '../../src-core/ica/client.js';
import { localExpiry } from '../../src-core/tokens/record.js';
import { makeJwt } from '../helpers/jwt.js';

describe('decodeClaims', () => {
  it('reads exp, iat, nbf, sub, aud, tns, gty and the tenant id from tid', async () => {
    const tid = Buffer.from('account-7:tenant-abc-123').toString('base64');
    const token = await makeJwt({ exp: 2_000_000_000, iat: 1_999_996_400, nbf: 1_999_996_400, sub: 'user-1', aud: ['ica'], tid, tns: 'lab', gty: 'api_key' });
    expect(decodeClaims(token)).toEqual({
      exp: 2_000_000_000,
      iat: 1_999_996_400,
      nbf: 1_999_996_400,
      sub: 'user-1',
      aud: ['ica'],
      tenantId: 'tenant-abc-123',
      tns: 'lab',
      gty: 'api_key',
    });
  });

  it('tolerates a tid that is not what we expect', () => {
    expect(decodeTenantId(undefined)).toBeUndefined();
    expect(decodeTenantId(Buffer.from('no-colon').toString('base64'))).toBeUndefined();
    expect(decodeTenantId('!!!')).toBeUndefined();
    expect(decodeTenantId(Buffer.from('a:b:c-1').toString('base64url'))).toBe('c-1');
  });

  it('a token that is not a JWT, or has no exp, is MALFORMED_RESPONSE', async () => {
    expect(() => decodeClaims('not-a-jwt')).toThrow(expect.objectContaining({ code: 'MALFORMED_RESPONSE' }));
    expect(() => decodeClaims('a.b.c')).toThrow(expect.objectContaining({ code: 'MALFORMED_RESPONSE' }));
    const noExp = await makeJwt({ sub: 'x' });
    expect(() => decodeClaims(noExp)).toThrow(expect.objectContaining({ code: 'MALFORMED_RESPONSE', message: expect.stringContaining('exp') }));
  });
});

describe('the shape a token must have', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ alg: 'RS256', typ: 'JWT' });
  const claims = b64({ exp: 2_000_000_000 });

  it('accepts three base64url segments (the signature may be empty: alg none is the platform\'s business)', () => {
    expect(decodeClaims(`${header}.${claims}.c2ln-_`).exp).toBe(2_000_000_000);
    expect(decodeClaims(`${header}.${claims}.`).exp).toBe(2_000_000_000);
  });

  it.each([
    ['shell syntax after the signature', `${header}.${claims}.sig;touch\${IFS}/tmp/x;#`],
    ['a space', `${header}.${claims}.sig x`],
    ['a newline', `${header}.${claims}.sig\nexport X=1`],
    ['a quote', `${header}.${claims}.sig'`],
    ['base64 padding', `${header}.${claims}.sig==`],
    ['four segments', `${header}.${claims}.sig.more`],
    ['two segments', `${header}.${claims}`],
    ['an empty header', `.${claims}.sig`],
    ['an empty payload', `${header}..sig`],
    ['more than 16 KiB', `${header}.${claims}.${'a'.repeat(16 * 1024)}`],
  ])('refuses %s as MALFORMED_RESPONSE', (_, token) => {
    expect(() => decodeClaims(token, 'ICA (https://ica.example)')).toThrow(
      expect.objectContaining({ code: 'MALFORMED_RESPONSE', message: 'ICA (https://ica.example) returned a token that is not a well-formed JWT' }),
    );
  });

  it('refuses an exp that is not a positive whole number of seconds, or lies more than a year ahead', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const withExp = (exp: unknown) => `${header}.${b64({ exp })}.sig`;
    for (const exp of [1e13, -5, 0, 1_800_000_000.5, '1800000000']) {
      expect(() => decodeClaims(withExp(exp), 'ICA', now), String(exp)).toThrow(expect.objectContaining({ code: 'MALFORMED_RESPONSE' }));
    }
    expect(() => decodeClaims(withExp(now / 1000 + 400 * 86_400), 'ICA', now)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_RESPONSE', message: 'ICA returned a JWT with an implausible expiry (exp)' }),
    );
    expect(decodeClaims(withExp(now / 1000 + 3600), 'ICA', now).exp).toBe(now / 1000 + 3600);
  });
});

describe('skew math', () => {
  it('skew is server minus local, from the middle of the Date second and of the round trip', () => {
    // Sent at 1000, received at 1200 (local); the server stamped second 601_000 (i.e. 601.0-601.999 s).
    expect(measureSkewMs(601_000, 1000, 1200)).toBe(601_000 + 500 - 1100);
    expect(measureSkewMs(undefined, 1000, 1200)).toBe(0);
  });

  it('local expiry is exp minus skew: a server ahead of us makes our expiry earlier', () => {
    expect(localExpiry(10_000, 600_000)).toBe(10_000_000 - 600_000);
    expect(localExpiry(10_000, -600_000)).toBe(10_000_000 + 600_000);
  });
});
