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
