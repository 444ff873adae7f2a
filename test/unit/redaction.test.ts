/**
 * One redaction for every place a secret could leak from: the file logger (as both
 * faces create it), HTTP error details and keychain errors. Each test sends a failure
 * that carries a secret through one path and looks for the secret in what comes out.
 * The secrets are registered the way the running app registers them: by the profile
 * repository that reads or stores them, not by the test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StoredProfile } from '../../src-core/config/types.js';
import { openConfigStore } from '../../src-core/config/store.js';
import { createEventBus } from '../../src-core/events.js';
import { parseProblem, statusError } from '../../src-core/http/errors.js';
import { createFileLogger } from '../../src-core/log.js';
import { createProfileRepository } from '../../src-core/profiles/repository.js';
import { REDACTED, redact, registerSecret } from '../../src-core/redact.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { keychainError } from '../../src-core/secrets/keychain.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

/** A password with no shape a pattern could recognise: only knowing the value masks it. */
const PASSWORD = 'hunter2pass';
const API_KEY = `Rk${process.pid}q7LmN8vPz4RtY7wBsXc2Vb5Nm1`;
recordSecret(PASSWORD);
recordSecret(API_KEY);

function profile(id: string, credentialKind: StoredProfile['credentialKind']): StoredProfile {
  const at = '2025-03-01T10:00:00Z';
  return {
    id,
    name: `lab-${id}`,
    domain: 'lab',
    region: 'us',
    credentialKind,
    includeIdentifiers: false,
    createdAt: at,
    updatedAt: at,
    key: { fingerprint: 'abcd', storedAt: at },
    ...(credentialKind === 'basic' ? { username: 'me@lab.org' } : {}),
  };
}

/** The repository reads the password from the secret store (a mint) and stores a new key: both become known. */
async function credentialsHandledByTheCore(): Promise<void> {
  const basic = profile('p-basic', 'basic');
  const secrets = createMemoryStore({ [accounts.credential(basic)]: PASSWORD });
  const repo = createProfileRepository({ config: openConfigStore(newDataDir('redaction-config')), secrets, events: createEventBus() });
  const read = await repo.readCredential(basic);
  expect(read.kind === 'basic' && read.password === PASSWORD, 'the stored password was read').toBe(true);
  await repo.insert(profile('p-key', 'api-key'), API_KEY);
}

describe('the file logger', () => {
  it.each(['cli', 'desktop'])('as the %s face creates it, masks a credential the core read, even one no pattern matches', async (face) => {
    await credentialsHandledByTheCore();
    // The faces' own call: no redactor handed in.
    const log = createFileLogger({ dataDir: newDataDir(`redaction-log-${face}`), level: 'debug', base: { face } });
    log.error(`mint failed: the server said ${PASSWORD} and ${API_KEY} were wrong`, {
      profile: 'lab',
      attempt: { detail: `login me@lab.org:${PASSWORD}`, echoed: [API_KEY] },
      error: new Error(`upstream quoted ${PASSWORD}`, { cause: new Error(`and the key ${API_KEY}`) }),
    });
    const text = readFileSync(log.file, 'utf8');
    expect(text.includes(PASSWORD), 'the password is in the log').toBe(false);
    expect(text.includes(API_KEY), 'the API key is in the log').toBe(false);
    const record = JSON.parse(text) as Record<string, unknown>;
    expect(record).toMatchObject({ face, profile: 'lab', msg: `mint failed: the server said ${REDACTED} and ${REDACTED} were wrong` });
    expect(record.attempt).toEqual({ detail: `login me@lab.org:${REDACTED}`, echoed: [REDACTED] });
  });
});

describe('HTTP error details', () => {
  const endpoint = 'POST https://ica.example/ica/rest/api/tokens';

  it('mask the request header values the server echoes back', () => {
    const problem = parseProblem(JSON.stringify({ title: 'Unauthorized', detail: `X-API-Key ${API_KEY} is not valid` }));
    const error = statusError({ status: 401, endpoint, ...(problem ? { problem } : {}), secrets: [API_KEY] });
    expect(error.code).toBe('CREDENTIALS_REJECTED');
    expect(error.message.includes(API_KEY), 'the API key is in the message').toBe(false);
    expect(error.message).toContain(`Unauthorized — X-API-Key ${REDACTED} is not valid`);
  });

  it('mask a credential the core handled even when the request did not carry it', async () => {
    await credentialsHandledByTheCore();
    const problem = parseProblem(JSON.stringify({ code: 'BAD_REQUEST', message: `login me@lab.org:${PASSWORD} is not permitted here` }));
    const error = statusError({ status: 400, endpoint: 'GET https://tss.example/tms/api/v1/testDefinitions', ...(problem ? { problem } : {}), secrets: [] });
    expect(error.message.includes(PASSWORD), 'the password is in the message').toBe(false);
    expect(error.message).toContain(`login me@lab.org:${REDACTED} is not permitted here`);
  });

  it('mask credential-shaped text nobody registered, and stay short and on one line', () => {
    const stranger = `Zx9${process.pid}Qw8Er7Ty6Ui5Op4As3Df2`;
    recordSecret(stranger);
    const problem = parseProblem(JSON.stringify({ detail: `header X-Auth-Token: ${stranger}\nwas refused\u0007 ${'x'.repeat(400)}` }));
    const error = statusError({ status: 403, endpoint, ...(problem ? { problem } : {}), secrets: [] });
    expect(error.message.includes(stranger), 'the unregistered key is in the message').toBe(false);
    expect(error.message).toContain(`X-Auth-Token: ${REDACTED} was refused`);
    expect(error.message.includes('\n') || error.message.includes('\u0007'), 'a line break or control character is left').toBe(false);
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('keychain errors', () => {
  it('never quote the value being stored', () => {
    const value = `store-me-${process.pid}-0123456789`;
    recordSecret(value);
    const error = keychainError(new Error(`failed to store ${value}`), 'store a secret', value);
    expect(error.message.includes(value), 'the value is in the message').toBe(false);
  });

  it('never quote a credential the core handled, when a read fails with it in the native message', async () => {
    await credentialsHandledByTheCore();
    const error = keychainError(new Error(`Secret Service: item 'password ${PASSWORD}' could not be decoded`), 'read a secret');
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message.includes(PASSWORD), 'the password is in the message').toBe(false);
    expect(error.message).toContain(`item 'password ${REDACTED}' could not be decoded`);
  });

  it('keep the stored value out of the log too, where the native error survives as the cause', () => {
    const value = `cause-${process.pid}-abcdefghij`;
    recordSecret(value);
    const error = keychainError(new Error(`failed to store ${value}`), 'store a secret', value);
    const log = createFileLogger({ dataDir: newDataDir('redaction-keychain-log'), base: { face: 'cli' } });
    log.error('keychain write failed', { error });
    expect(readFileSync(log.file, 'utf8').includes(value), 'the value is in the log').toBe(false);
  });
});

describe('the registry', () => {
  it('keeps only the most recent values (bounded memory), re-registering renews one', () => {
    const values = Array.from({ length: 300 }, (_, i) => `bounded-${process.pid}-${i}-value`);
    registerSecret(values[0]);
    for (const v of values.slice(1)) {
      registerSecret(v);
      if (v === values[100]) registerSecret(values[0]); // used again: stays among the recent ones
    }
    expect(redact(values[0]!)).toBe(REDACTED);
    expect(redact(values[1]!)).toBe(values[1]); // the oldest ones are forgotten
    expect(redact(values[299]!)).toBe(REDACTED);
    expect(redact(`x ${values[250]} y`)).toBe(`x ${REDACTED} y`);
  });

  it('masks a secret that contains another one whole, and ignores values too short to tell from text', () => {
    registerSecret('abc');
    registerSecret(`${PASSWORD}-extended`);
    registerSecret(PASSWORD);
    expect(redact(`abc ${PASSWORD}-extended ${PASSWORD}`)).toBe(`abc ${REDACTED} ${REDACTED}`);
  });

  it('applies the key shape rule to words, not to path segments', () => {
    const keyShaped = `Ab1${'x'.repeat(10)}Cd2${'y'.repeat(10)}`;
    expect(redact(`key ${keyShaped} refused`)).toBe(`key ${REDACTED} refused`);
    expect(redact(`/home/me/${keyShaped}/config.json`)).toBe(`/home/me/${keyShaped}/config.json`);
    expect(redact('Provide an API key (X-API-Key) or Basic credentials. A Bearer token is required.')).toBe(
      'Provide an API key (X-API-Key) or Basic credentials. A Bearer token is required.',
    );
  });
});
