/**
 * ICA token endpoints (the public ICA REST API, sim/reference has its OpenAPI document):
 * `POST {base}/api/tokens` with `X-API-Key` or Basic (+ `?tenant=`), and
 * `POST {base}/api/tokens:refresh` with a Bearer JWT. No request body; the v3 Accept
 * header is mandatory (without it ICA answers 400 ICA_API_004).
 */
import * as z from '../../src-shared/zod.js';
import type { TokenClaims } from '../../src-shared/schemas.js';
import type { Http, RequestSpec } from '../http/request.js';
import { HttpStatusError } from '../http/errors.js';
import { decodeClaims } from '../tokens/jwt.js';

export const ICA_MEDIA_TYPE = 'application/vnd.illumina.v3+json';

const TokenBodySchema = z.object({ token: z.string().check(z.minLength(1)) });
/** A token answer is `{"token": <at most MAX_JWT_LENGTH>}` or a short Problem: 64 KiB is plenty. */
const TOKEN_MAX_BODY_BYTES = 64 * 1024;

export interface MintedToken {
  token: string;
  claims: TokenClaims;
  /**
   * Server clock minus local clock, in ms, from the response's `Date` header (0 when
   * absent). `Date` has one-second resolution and was stamped somewhere between our send
   * and receive, so we compare its middle (+500 ms) with the middle of the round trip.
   */
  skewMs: number;
  /** Local time the response arrived. */
  receivedAt: number;
}

interface MintOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface IcaClient {
  mintWithApiKey(base: string, apiKey: string, options?: MintOptions): Promise<MintedToken>;
  mintWithBasic(base: string, email: string, password: string, tenant?: string, options?: MintOptions): Promise<MintedToken>;
  refresh(base: string, jwt: string, options?: MintOptions): Promise<MintedToken>;
}

export function measureSkewMs(serverDate: number | undefined, sentAt: number, receivedAt: number): number {
  if (serverDate === undefined) return 0;
  return Math.round(serverDate + 500 - (sentAt + receivedAt) / 2);
}

function endpointUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * A 400 or 404 from a token endpoint is not the platform failing: the request or the
 * configured ICA URL is wrong (a 404 almost always means an ICA URL without /ica/rest,
 * or another host), so it gets its own code and a message that names the endpoint.
 */
function endpointError(error: unknown, url: string): unknown {
  if (!(error instanceof HttpStatusError) || (error.status !== 400 && error.status !== 404)) return error;
  const init = { status: error.status, endpoint: error.endpoint, ...(error.problem ? { problem: error.problem } : {}) };
  if (error.status === 400) return new HttpStatusError('BAD_REQUEST', error.message, init);
  const where = new URL(url);
  return new HttpStatusError('BAD_REQUEST', `No ICA token endpoint at ${where.origin}${where.pathname} (404 Not Found)`, init);
}

export function createIcaClient(http: Http): IcaClient {
  async function post(spec: Omit<RequestSpec<{ token: string }>, 'method' | 'schema' | 'accept'> & { url: string }): Promise<MintedToken> {
    let result;
    try {
      result = await http({
        ...spec,
        method: 'POST',
        accept: [ICA_MEDIA_TYPE, 'application/json'],
        schema: TokenBodySchema,
        okStatuses: [200, 201],
        // Minting twice is harmless (one spare token), so a dropped connection or a 502 may be retried.
        idempotent: true,
        maxBodyBytes: TOKEN_MAX_BODY_BYTES,
      });
    } catch (error) {
      throw endpointError(error, spec.url);
    }
    // The token's shape and expiry are checked here, before anything stores or prints it.
    const claims = decodeClaims(result.body.token, `ICA (${result.url.origin})`, result.receivedAt);
    return {
      token: result.body.token,
      claims,
      skewMs: measureSkewMs(result.serverDate, result.sentAt, result.receivedAt),
      receivedAt: result.receivedAt,
    };
  }

  return {
    mintWithApiKey(base, apiKey, options = {}) {
      return post({
        url: endpointUrl(base, '/api/tokens'),
        headers: { 'X-API-Key': apiKey, Accept: ICA_MEDIA_TYPE },
        ...options,
      });
    },
    mintWithBasic(base, email, password, tenant, options = {}) {
      const basic = Buffer.from(`${email}:${password}`, 'utf8').toString('base64');
      return post({
        url: endpointUrl(base, '/api/tokens'),
        ...(tenant ? { query: { tenant } } : {}),
        headers: { Authorization: `Basic ${basic}`, Accept: ICA_MEDIA_TYPE },
        secrets: [password],
        ...options,
      });
    },
    async refresh(base, jwt, options = {}) {
      try {
        return await post({
          url: endpointUrl(base, '/api/tokens:refresh'),
          headers: { Authorization: `Bearer ${jwt}`, Accept: ICA_MEDIA_TYPE },
          ...options,
        });
      } catch (error) {
        // A key-minted JWT cannot be refreshed. ICA's exact answer is not documented (400 or
        // 403 with a problem that says so); recognise it by its wording and use the dedicated code.
        if (
          error instanceof HttpStatusError &&
          (error.status === 400 || error.status === 403) &&
          /refresh/i.test(`${error.problem?.title ?? ''} ${error.problem?.detail ?? ''}`)
        ) {
          throw new HttpStatusError('REFRESH_NOT_SUPPORTED', error.message, {
            status: error.status,
            endpoint: error.endpoint,
            ...(error.problem ? { problem: error.problem } : {}),
          });
        }
        throw error;
      }
    },
  };
}
