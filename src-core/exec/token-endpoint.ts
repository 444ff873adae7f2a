/**
 * The token endpoint of `tessera exec --serve` and `tessera shell`: a loopback server
 * whose one route, `GET /token`, answers `{"token", "expiresAt"}` with at least the
 * minimum lifetime left (from the cache, or minted from the key when needed), so a job
 * that runs longer than one token's lifetime keeps working. The child learns where it
 * is and how to authenticate from two variables; nobody else gets them.
 */
import type { RevealedToken } from '../../src-shared/schemas.js';
import { toErrorInfo } from '../errors.js';
import { startLoopbackServer } from '../loopback/server.js';
import type { Logger } from '../ports.js';

export const TOKEN_PATH = '/token';

export interface TokenEndpoint {
  /** `TESSERA_TOKEN_URL` and `TESSERA_TOKEN_AUTH` (the exact Authorization header value) for the child. */
  readonly env: { TESSERA_TOKEN_URL: string; TESSERA_TOKEN_AUTH: string };
  readonly port: number;
  close(): Promise<void>;
}

export async function startTokenEndpoint(deps: { token: () => Promise<RevealedToken>; logger?: Logger }): Promise<TokenEndpoint> {
  const server = await startLoopbackServer({
    label: 'token endpoint',
    ...(deps.logger ? { logger: deps.logger } : {}),
    routes: {
      [TOKEN_PATH]: async () => {
        try {
          const { token, status } = await deps.token();
          return { status: 200, json: { token, expiresAt: status.expiresAt } };
        } catch (error) {
          // The child sees why (messages never hold a secret) and can retry later.
          const info = toErrorInfo(error);
          deps.logger?.warn('token endpoint: no token', { code: info.code });
          return { status: 503, json: { error: info } };
        }
      },
    },
  });
  return {
    env: { TESSERA_TOKEN_URL: server.urlOf(TOKEN_PATH), TESSERA_TOKEN_AUTH: server.authorization },
    port: server.port,
    close: () => server.close(),
  };
}

