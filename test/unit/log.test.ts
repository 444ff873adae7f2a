import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLogger, logFilePath, nullLogger } from '../../src-core/log.js';
import { REDACTED, createRedactor, redactPatterns as redactString, redactValue } from '../../src-core/redact.js';
import { TesseraError } from '../../src-core/errors.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url('{"sub":"u-1","exp":4102444800,"tns":"lab"}')}.${b64url('signature-bytes-here-0123456789')}`;
const apiKey = 'k9Xq2LmN8vPz4RtY7wBs';
const password = 'Correct-Horse-Battery-9';
recordSecret(jwt);
recordSecret(apiKey);
recordSecret(password);

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('redaction', () => {
  it('masks JWTs and ApiKey/Bearer/Basic credentials inside strings', () => {
    expect(redactString(`token ${jwt} issued`)).toBe(`token ${REDACTED} issued`);
    expect(redactString(`Authorization: Bearer ${jwt}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString(`Authorization: ApiKey ${apiKey}`)).toBe(`Authorization: ApiKey ${REDACTED}`);
    expect(redactString(`X-Auth-Token: apikey ${apiKey}`)).toBe(`X-Auth-Token: apikey ${REDACTED}`);
    expect(redactString(`basic ${b64url(`me@lab.org:${password}`)}`)).toBe(`basic ${REDACTED}`);
    expect(redactString(`X-API-Key: ${apiKey}`)).toBe(`X-API-Key: ${REDACTED}`);
    expect(redactString(`https://h/x?apikey=${apiKey}&page=2`)).toBe(`https://h/x?apikey=${REDACTED}&page=2`);
    expect(redactString(`http://user:${password}@proxy.lab:3128`)).toBe(`http://user:${REDACTED}@proxy.lab:3128`);
  });

  it('leaves ordinary text, hosts and ids alone', () => {
    const text = 'GET https://lab.euw2.trusight.illumina.com/crs/api/v2/cases/search?pageNumber=0 took 120 ms (case 3fa85f64-5717-4562-b3fc-2c963f66afa6)';
    expect(redactString(text)).toBe(text);
  });

  it('masks credential-named fields at any depth, including in arrays, maps and errors', () => {
    const out = redactValue({
      profile: 'core-lab',
      apiKey,
      headers: { Authorization: `Bearer ${jwt}`, 'x-api-key': apiKey, accept: 'application/json' },
      nested: [{ password }, { clientSecret: 'abc' }, { token: { value: jwt } }],
      map: new Map([['refreshToken', jwt]]),
      error: new TesseraError('CREDENTIALS_REJECTED', `rejected key ${apiKey.slice(0, 2)}`),
      count: 3,
      missingKey: undefined,
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain(password);
    expect(out.profile).toBe('core-lab');
    expect(out.apiKey).toBe(REDACTED);
    expect(out.headers).toEqual({ Authorization: REDACTED, 'x-api-key': REDACTED, accept: 'application/json' });
    expect(out.map).toEqual({ refreshToken: REDACTED });
    expect((out.error as Record<string, unknown>).code).toBe('CREDENTIALS_REJECTED');
    expect(out.count).toBe(3);
  });

  it('survives circular structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactValue(a)).toEqual({ name: 'a', self: '[circular]' });
  });

  it('createRedactor masks the exact secret values it is given, longest first', () => {
    const known = new Set([apiKey, `${apiKey}-extended`]);
    const redact = createRedactor(() => known);
    expect(redact(`saw ${apiKey}-extended and ${apiKey}`)).toBe(`saw ${REDACTED} and ${REDACTED}`);
    known.add(password);
    expect(redact(`p=${password}`)).toBe(`p=${REDACTED}`); // reads the current set each time
    expect(createRedactor(() => ['', 'ab'])('ab cd')).toBe('ab cd'); // too short to mask meaningfully
  });
});

describe('file logger', () => {
  it('writes JSON lines under <dataDir>/logs with no secret in the file', () => {
    const dir = newDataDir('log');
    const known = [password];
    const log = createFileLogger({ dataDir: dir, level: 'debug', redactor: createRedactor(() => known), base: { face: 'test' } });
    expect(log.file).toBe(logFilePath(dir));
    log.info('minted', { profile: 'core-lab', token: jwt, expiresAt: '2030-01-01T00:00:00Z' });
    log.debug('request', { headers: { Authorization: `ApiKey ${apiKey}` }, url: 'https://ica.illumina.com/ica/rest/api/tokens' });
    log.warn(`free text with Bearer ${jwt} and a password ${password}`);
    log.error('failed', { error: new Error(`upstream said ${password} was wrong; key X-API-Key: ${apiKey}`) });
    log.info('quoted', { note: `"${password}"` });

    const text = readFileSync(log.file, 'utf8');
    for (const secret of [jwt, apiKey, password]) expect(text).not.toContain(secret);
    const records = lines(log.file);
    expect(records).toHaveLength(5);
    expect(records[0]).toMatchObject({ level: 'info', msg: 'minted', profile: 'core-lab', token: REDACTED, face: 'test', expiresAt: '2030-01-01T00:00:00Z' });
    expect(typeof records[0]!.t).toBe('string');
    expect(records[1]).toMatchObject({ url: 'https://ica.illumina.com/ica/rest/api/tokens' });
    if (process.platform !== 'win32') {
      expect(statSync(log.file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
    }
  });

  it('honours the level', () => {
    const log = createFileLogger({ dataDir: newDataDir('log-level'), level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines(log.file).map((r) => r.msg)).toEqual(['w', 'e']);
  });

  it('rotates at the size limit and keeps three old files', () => {
    const dir = newDataDir('log-rotate');
    const log = createFileLogger({ dataDir: dir, maxBytes: 2000 });
    for (let i = 0; i < 200; i += 1) log.info('line', { i, pad: 'x'.repeat(80) });
    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files).toEqual(['tessera.log', 'tessera.log.1', 'tessera.log.2', 'tessera.log.3']);
    for (const f of files) expect(statSync(join(dir, 'logs', f)).size).toBeLessThanOrEqual(2000);
    // The newest line is in the live file, and the rotated ones are older, in order.
    const live = lines(log.file);
    expect(live.at(-1)).toMatchObject({ i: 199 });
    const first1 = lines(`${log.file}.1`)[0]!.i as number;
    const first2 = lines(`${log.file}.2`)[0]!.i as number;
    expect(first2).toBeLessThan(first1);
  });

  it('never throws, even when the log directory cannot be created', () => {
    const dir = newDataDir('log-broken');
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a directory is expected');
    const log = createFileLogger({ dataDir: join(blocker, 'below') });
    expect(() => log.error('still fine')).not.toThrow();
  });

  it('nullLogger does nothing', () => {
    expect(() => nullLogger.info('x', { token: jwt })).not.toThrow();
  });
});
