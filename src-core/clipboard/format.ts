/** The shapes a token can be copied in; the same ones the CLI prints. */
import type { TokenFormat } from '../../src-shared/schemas.js';
import { shellQuote } from '../shell/quote.js';

export interface FormatTarget {
  domain: string;
  tssUrl: string;
  workgroup?: string;
}

export function formatToken(format: TokenFormat, jwt: string, target: FormatTarget): string {
  switch (format) {
    case 'jwt':
      return jwt;
    case 'header':
      return `Authorization: Bearer ${jwt}`;
    case 'env':
      return `export ICAV2_ACCESS_TOKEN=${shellQuote(jwt)}`;
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
