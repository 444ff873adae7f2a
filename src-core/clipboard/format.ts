/**
 * The one formatter for every token format (src-shared/token-formats.ts): the clipboard
 * copies and `tessera token --format` both print through it. Everything a shell may
 * evaluate is quoted (src-shared/shell-quote.ts).
 */
import type { TokenFormat } from '../../src-shared/token-formats.js';
import { shellQuote } from '../shell/quote.js';

export interface FormatContext {
  domain: string;
  tssUrl: string;
  workgroup?: string;
  /** When the token expires (ISO, local clock). */
  expiresAt: string;
  /** Where the token came from in this call. */
  source: 'cache' | 'minted' | 'refreshed';
}

export function formatToken(format: TokenFormat, jwt: string, context: FormatContext): string {
  switch (format) {
    case 'jwt':
      return jwt;
    case 'header':
      return `Authorization: Bearer ${jwt}`;
    case 'env':
      return `export ICAV2_ACCESS_TOKEN=${shellQuote(jwt)}`;
    case 'curl': {
      const url = `${context.tssUrl.replace(/\/+$/, '')}/crs/api/v2/cases/search?pageNumber=0&pageSize=20`;
      const parts = [
        'curl -sS',
        `-H ${shellQuote(`Authorization: Bearer ${jwt}`)}`,
        `-H ${shellQuote(`X-ILMN-Domain: ${context.domain}`)}`,
      ];
      if (context.workgroup) parts.push(`-H ${shellQuote(`X-ILMN-Workgroup: ${context.workgroup}`)}`);
      parts.push(shellQuote(url));
      return parts.join(' ');
    }
    case 'json':
      // A token extended through `:refresh` is new to the caller too, so it reports as "minted".
      return JSON.stringify({ token: jwt, expiresAt: context.expiresAt, source: context.source === 'cache' ? 'cache' : 'minted' });
  }
}
