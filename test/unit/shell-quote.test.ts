/**
 * Every line Tessera prints or copies for a shell (`--format env`, the copied export
 * line and curl command) survives `eval` in a real bash and a real POSIX sh: the values
 * arrive exactly, and nothing in them runs, whatever a server or a profile put in them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatToken as copyFormat } from '../../src-core/clipboard/format.js';
import { shellQuote } from '../../src-core/shell/quote.js';

const marker = join(mkdtempSync(join(tmpdir(), 'tessera-quote-')), 'ran');
const HOSTILE = [
  `a.b.c;touch\${IFS}${marker};#`,
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `it's`,
  `'; touch ${marker}; '`,
  `x\ntouch ${marker}`,
  `*`,
  `~root`,
  `=ls`,
  `a b\tc`,
  `"$HOME"`,
  `\\`,
  '',
];

/** Evaluates `script` in `shell` and returns what `printf %s` printed for each variable. */
function evalIn(shell: 'bash' | 'sh', line: string, print: string): string {
  const r = spawnSync(shell, ['-c', `${line}\n${print}`], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('shellQuote', () => {
  it.each(['bash', 'sh'] as const)('round-trips any value through %s, running nothing', (shell) => {
    for (const value of HOSTILE) {
      expect(evalIn(shell, `v=${shellQuote(value)}`, 'printf %s "$v"'), JSON.stringify(value)).toBe(value);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('leaves a JWT and a URL-safe word bare, so the usual output does not change', () => {
    expect(shellQuote('eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln-_')).toBe('eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln-_');
    expect(shellQuote('a b')).toBe(`'a b'`);
  });
});

describe('token formats for a shell', () => {
  // One formatter serves the CLI's --format and the copy menu.
  const target = { domain: 'demo-lab', tssUrl: 'https://demo-lab.trusight.illumina.com/', expiresAt: '2030-01-01T00:00:00.000Z', source: 'minted' as const };

  it.each(['bash', 'sh'] as const)('the env line of the CLI and of the copy menu set exactly the token in %s', (shell) => {
    for (const token of HOSTILE) {
      for (const line of [copyFormat('env', token, target)]) {
        expect(evalIn(shell, line, 'printf %s "$ICAV2_ACCESS_TOKEN"'), JSON.stringify(token)).toBe(token);
      }
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('the curl command passes every header and the URL as one argument each, running nothing', () => {
    // (An empty value would mean no workgroup header and a URL without its trailing slash.)
    for (const value of HOSTILE.filter((v) => v !== '')) {
      const line = copyFormat('curl', value, { ...target, domain: value, tssUrl: `https://tss.example/${value}`, workgroup: value });
      // A stand-in `curl` that prints its arguments one per line, NUL-separated.
      const out = evalIn('bash', 'curl() { printf "%s\\0" "$@"; }', line);
      expect(out.split('\0').slice(0, -1)).toEqual([
        '-sS',
        '-H',
        `Authorization: Bearer ${value}`,
        '-H',
        `X-ILMN-Domain: ${value}`,
        '-H',
        `X-ILMN-Workgroup: ${value}`,
        `https://tss.example/${value}/crs/api/v2/cases/search?pageNumber=0&pageSize=20`,
      ]);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
