/** The shapes a token can be copied in; the same ones the CLI prints. */
import type { TokenFormat } from '../../src-shared/schemas.js';

export interface FormatTarget {
  domain: string;
  tssUrl: string;
  workgroup?: string;
}

/** Single-quoted for a POSIX shell; the JWT and our URLs never contain a quote, but a workgroup id could. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function formatToken(format: TokenFormat, jwt: string, target: FormatTarget): string {
  switch (format) {
    case 'jwt':
      return jwt;
    case 'header':
      return `Authorization: Bearer ${jwt}`;
    case 'env':
      return `export ICAV2_ACCESS_TOKEN=${jwt}`;
    case 'curl': {
      const url = `${target.tssUrl.replace(/\/+$/, '')}/crs/api/v2/cases/search?pageNumber=0&pageSize=20`;
      const parts = [
        'curl -sS',
        `-H ${shellQuote(`Authorization: Bearer ${jwt}`)}`,
        `-H ${shellQuote(`X-ILMN-Domain: ${target.domain}`)}`,
      ];
      if (target.workgroup) parts.push(`-H ${shellQuote(`X-ILMN-Workgroup: ${target.workgroup}`)}`);
      parts.push(shellQuote(url));
      return parts.join(' ');
    }
  }
}
