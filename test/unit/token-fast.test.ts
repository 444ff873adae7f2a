/**
 * Which `tessera token` calls the fast path takes (src-cli/token-fast.ts): only those it
 * can serve exactly as the commander program would, so that everything else (other
 * options, usage errors, help, key-shaped arguments) reaches the program and its checks.
 */
import { describe, expect, it } from 'vitest';
import { plainTokenRequest } from '../../src-cli/token-fast.js';

describe('the token fast path', () => {
  it('takes `token <name>` with at most --format, in either spelling and place, the last one counting as in commander', () => {
    expect(plainTokenRequest(['token', 'lab'])).toEqual({ name: 'lab', format: 'jwt' });
    expect(plainTokenRequest(['token', '--format', 'json', 'lab'])).toEqual({ name: 'lab', format: 'json' });
    expect(plainTokenRequest(['token', 'lab', '--format=curl'])).toEqual({ name: 'lab', format: 'curl' });
    expect(plainTokenRequest(['token', 'lab', '--format', 'json', '--format', 'env'])).toEqual({ name: 'lab', format: 'env' });
  });

  it('leaves every other call to the program', () => {
    const program = [
      ['profile', 'list'],
      ['token'],
      ['token', 'lab', 'extra'],
      ['token', 'lab', '--force'],
      ['token', 'lab', '--min-ttl', '600'],
      ['token', 'lab', '--format'],
      ['token', 'lab', '--format', 'xml'],
      ['token', 'lab', '--format=JSON'],
      ['token', '--help'],
      ['token', '-h', 'lab'],
      ['token', '--', 'lab'],
      // Shaped like an API key: the program's argv check decides whether it is a profile name.
      ['token', 'Zq3vK8pLm2Xw9RtY4bNc7HdJ6sFg1AeU'],
    ];
    for (const argv of program) expect(plainTokenRequest(argv), argv.join(' ')).toBeNull();
  });
});
