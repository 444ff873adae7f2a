/**
 * The "Use it in…" snippets quote every profile value for the shell: whatever a team
 * file or a server put in a workgroup or URL arrives as one argument and never runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnippets, icav2ServerHost } from '../../src-shared/snippets.js';

const marker = join(mkdtempSync(join(tmpdir(), 'tessera-snippet-')), 'ran');
const hostile = `wg'; touch ${marker}; echo '$(touch ${marker})`;

describe('buildSnippets', () => {
  it('passes hostile values as single arguments, runs nothing, and holds no token', () => {
    const snippets = buildSnippets({ name: 'lab', domain: 'demo-lab', icaUrl: 'https://ica.example.org:8443/ica/rest', tssUrl: `https://x.example.org/a'b`, workgroup: hostile });
    const tss = snippets.find((s) => s.id === 'curl-tss')!;
    // Stand-ins: `tessera token` prints a fixed word, `curl` prints its arguments one per line.
    const r = spawnSync('bash', ['-c', `tessera() { echo TOKEN; }\ncurl() { printf '%s\\n' "$@"; }\n${tss.text}`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['-sS', '-H', 'Authorization: Bearer TOKEN', '-H', 'X-ILMN-Domain: demo-lab', '-H', `X-ILMN-Workgroup: ${hostile}`, `https://x.example.org/a'b/crs/api/v2/cases/search?pageNumber=0&pageSize=20`, '']);
    expect(existsSync(marker)).toBe(false);
    for (const s of snippets) expect(s.text).not.toMatch(/eyJ|x-api-key/i);
  });

  it('gives icav2 the host with a non-default port, no scheme or path', () => {
    expect(icav2ServerHost('https://ica.illumina.com/ica/rest')).toBe('ica.illumina.com');
    expect(icav2ServerHost('https://ica.example.org:8443/ica/rest')).toBe('ica.example.org:8443');
    const icav2 = buildSnippets({ name: 'lab', domain: 'd', icaUrl: 'https://ica.illumina.com/ica/rest', tssUrl: 'https://t' }).find((s) => s.id === 'icav2')!;
    expect(icav2.text).toBe('export ICAV2_SERVER_URL=ica.illumina.com\nexport ICAV2_ACCESS_TOKEN="$(tessera token lab)"\nicav2 projects list');
  });
});
