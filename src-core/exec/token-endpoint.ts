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

/**
 * The endpoints a core has open, one per child process: `serve` starts one for a
 * profile (which must exist), `closeAll` ends those still open when the core is disposed.
 */
export function createTokenEndpoints(deps: { find: (name: string) => Promise<unknown>; logger?: Logger }) {
  const open = new Set<TokenEndpoint>();
  return {
    /** An endpoint serving `token()` (the token policy for profile `name`) to one child process. */
    async serve(name: string, token: () => Promise<RevealedToken>): Promise<TokenEndpoint> {
      await deps.find(name);
      const endpoint = await startTokenEndpoint({ token, ...(deps.logger ? { logger: deps.logger } : {}) });
      open.add(endpoint);
      return {
        ...endpoint,
        close: async () => {
          open.delete(endpoint);
          await endpoint.close();
        },
      };
    },
    async closeAll(): Promise<void> {
      const all = [...open];
      open.clear();
      await Promise.all(all.map((e) => e.close()));
    },
  };
}
