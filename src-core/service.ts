import type { TesseraApi, TesseraEvent } from '../src-shared/contract.js';
import type { RevealedToken, TokenOptions, TokenStatus } from '../src-shared/schemas.js';
import type { TokenFormat } from '../src-shared/token-formats.js';

/**
 * The one service every face uses, returned by `createTessera(ports)`.
 * It implements the contract plus what only trusted faces (main, CLI) need.
 */
export interface TesseraCore extends TesseraApi {
  /** Push events (token state, sync progress, profile changes); returns an unsubscribe function. */
  onEvent(listener: (event: TesseraEvent) => void): () => void;
  /** A fresh token for the CLI and main's tray: same policy as revealToken. */
  token(name: string, options?: TokenOptions): Promise<RevealedToken>;
  /** The same token as text in a format (`tessera token --format`): the formatter the clipboard copies use. */
  tokenText(name: string, format: TokenFormat, options?: TokenOptions): Promise<{ profile: string; text: string; status: TokenStatus }>;
  /** Environment for `tessera exec`: ICAV2_ACCESS_TOKEN, ICAV2_SERVER_URL, TSS base URL, domain, workgroup. */
  execEnvironment(name: string, options?: TokenOptions): Promise<Record<string, string>>;
  /** Forgets in-memory tokens, closes caches, cancels timers. */
  dispose(): Promise<void>;
}
