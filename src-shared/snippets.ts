/**
 * "Use it in…": ready-to-copy commands that take a fresh token from `tessera token` at
 * the moment they run, for icav2, Python and curl (ICA and TSS). Built from the
 * profile's real URLs, domain and workgroup, every value shell-quoted; none holds a
 * secret, so the app shows them and copies them as they are.
 */
import { shellQuote } from './shell-quote.js';

export const SNIPPET_IDS = ['icav2', 'python', 'curl-ica', 'curl-tss'] as const;
export type SnippetId = (typeof SNIPPET_IDS)[number];

export interface Snippet {
  id: SnippetId;
  label: string;
  /** One line on what the snippet sets up. */
  description: string;
  text: string;
}

/** What a snippet needs of a profile (a ProfileView has it). */
export interface SnippetTarget {
  name: string;
  domain: string;
  icaUrl: string;
  tssUrl: string;
  workgroup?: string;
}

const ICA_ACCEPT = 'application/vnd.illumina.v3+json';

/** icav2's `server-url`: the host (with a port only when one is given), no scheme or path. */
export function icav2ServerHost(icaUrl: string): string {
  try {
    return new URL(icaUrl).host;
  } catch {
    return icaUrl;
  }
}

export function buildSnippets(p: SnippetTarget): Snippet[] {
  const token = `"$(tessera token ${shellQuote(p.name)})"`;
  const ica = p.icaUrl.replace(/\/+$/, '');
  const tss = p.tssUrl.replace(/\/+$/, '');
  const header = (h: string) => `-H ${shellQuote(h)}`;
  const tssHeaders = [header(`X-ILMN-Domain: ${p.domain}`), ...(p.workgroup ? [header(`X-ILMN-Workgroup: ${p.workgroup}`)] : [])];
  return [
    {
      id: 'icav2',
      label: 'icav2',
      description: 'The icav2 CLI reads its server and a ready token from the environment.',
      text: [
        `export ICAV2_SERVER_URL=${shellQuote(icav2ServerHost(ica))}`,
        `export ICAV2_ACCESS_TOKEN=${token}`,
        'icav2 projects list',
      ].join('\n'),
    },
    {
      id: 'python',
      label: 'Python',
      description: 'Python tools built on the ICA API (libica, wrapica) read ICAV2_BASE_URL and ICAV2_ACCESS_TOKEN.',
      text: [
        `export ICAV2_BASE_URL=${shellQuote(ica)}`,
        `export ICAV2_ACCESS_TOKEN=${token}`,
        "python3 - <<'PY'",
        'import os, urllib.request',
        "req = urllib.request.Request(os.environ['ICAV2_BASE_URL'] + '/api/projects', headers={",
        "    'Authorization': 'Bearer ' + os.environ['ICAV2_ACCESS_TOKEN'],",
        `    'Accept': '${ICA_ACCEPT}'})`,
        'print(urllib.request.urlopen(req).read().decode())',
        'PY',
      ].join('\n'),
    },
    {
      id: 'curl-ica',
      label: 'curl (ICA)',
      description: 'One ICA API call with a fresh token.',
      text: ['curl -sS', `-H "Authorization: Bearer $(tessera token ${shellQuote(p.name)})"`, header(`Accept: ${ICA_ACCEPT}`), shellQuote(`${ica}/api/projects`)].join(' '),
    },
    {
      id: 'curl-tss',
      label: 'curl (TSS)',
      description: "One TSS call with a fresh token and the profile's tenant headers.",
      text: ['curl -sS', `-H "Authorization: Bearer $(tessera token ${shellQuote(p.name)})"`, ...tssHeaders, shellQuote(`${tss}/crs/api/v2/cases/search?pageNumber=0&pageSize=20`)].join(' '),
    },
  ];
}
