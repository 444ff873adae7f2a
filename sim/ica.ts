/** ICA token endpoints: mint with an API key or Basic credentials, refresh Basic-minted JWTs. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeTid, encodeTid, signToken, verifyToken } from './jwt.js';
import { ICA_MEDIA_TYPE, header, sendJson, sendProblem } from './http.js';
import { findKey, nowSeconds, userById, type SimState } from './state.js';
import type { SimUserRecord, TenantState } from './data.js';

export function acceptsIcaV3(req: IncomingMessage): boolean {
  const accept = header(req, 'accept');
  if (!accept) return false;
  return accept.split(',').some((part) => part.split(';')[0]?.trim().toLowerCase() === ICA_MEDIA_TYPE);
}

async function issue(state: SimState, res: ServerResponse, tenant: TenantState, user: SimUserRecord, gty: 'api_key' | 'password', minExp?: number): Promise<void> {
  const now = nowSeconds(state);
  // A refreshed token must outlive the one it replaces, even within the same second.
  const lifetime = minExp !== undefined ? Math.max(state.tokenLifetimeSeconds, minExp - now + 1) : state.tokenLifetimeSeconds;
  const token = await signToken(
    { sub: user.id, tid: encodeTid(tenant.accountId, tenant.tenantId), tns: tenant.namespace, gty, email: user.email },
    state.issuer,
    now,
    lifetime,
  );
  state.onSecretIssued(token);
  sendJson(res, state, 200, { token }, ICA_MEDIA_TYPE);
}

function parseBasic(value: string): { email: string; password: string } | undefined {
  const m = /^basic\s+(\S+)$/i.exec(value.trim());
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { email: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export async function handleMint(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const instance = url.pathname;
  if (!acceptsIcaV3(req)) {
    sendProblem(res, state, 400, 'ICA_API_004', `Invalid Accept Header: expected ${ICA_MEDIA_TYPE}`, instance);
    return;
  }
  const apiKey = header(req, 'x-api-key');
  if (apiKey !== undefined) {
    const found = findKey(state, apiKey.trim());
    if (!found || found.record.state === 'revoked') {
      sendProblem(res, state, 401, 'Unauthorized', 'The API key is not valid or has been revoked.', instance);
      return;
    }
    if (found.record.state === 'forbidden') {
      sendProblem(res, state, 403, 'Forbidden', 'The API key is not allowed to access this tenant.', instance);
      return;
    }
    const user = userById(found.tenant, found.record.userId);
    if (!user) {
      sendProblem(res, state, 401, 'Unauthorized', 'The API key has no owner.', instance);
      return;
    }
    state.mints++;
    await issue(state, res, found.tenant, user, 'api_key');
    return;
  }
  const authorization = header(req, 'authorization');
  const basic = authorization ? parseBasic(authorization) : undefined;
  if (!basic) {
    sendProblem(res, state, 401, 'Unauthorized', 'Provide an API key (X-API-Key) or Basic credentials.', instance);
    return;
  }
  const memberships = state.tenants.filter((t) => t.users.some((u) => u.email.toLowerCase() === basic.email.toLowerCase()));
  const user = memberships[0]?.users.find((u) => u.email.toLowerCase() === basic.email.toLowerCase());
  if (!user || user.password === undefined || user.password !== basic.password) {
    sendProblem(res, state, 401, 'Unauthorized', 'Invalid username or password.', instance);
    return;
  }
  const tenantParam = url.searchParams.get('tenant');
  let tenant: TenantState | undefined;
  if (tenantParam) {
    const wanted = tenantParam.trim().toLowerCase();
    tenant = memberships.find((t) => t.domain === wanted || t.name.toLowerCase() === wanted || t.tenantId === wanted);
    if (!tenant) {
      sendProblem(res, state, 401, 'Unauthorized', `The user is not a member of tenant ${tenantParam}.`, instance, { tenant: tenantParam });
      return;
    }
  } else if (memberships.length > 1) {
    sendProblem(res, state, 400, 'Tenant required', 'The user belongs to several tenants: provide the tenant query parameter.', instance, {
      tenant: memberships.map((t) => t.domain).join(','),
    });
    return;
  } else {
    tenant = memberships[0];
  }
  if (!tenant) {
    sendProblem(res, state, 401, 'Unauthorized', 'Invalid username or password.', instance);
    return;
  }
  state.mints++;
  await issue(state, res, tenant, user, 'password');
}

export async function handleRefresh(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const instance = url.pathname;
  if (!acceptsIcaV3(req)) {
    sendProblem(res, state, 400, 'ICA_API_004', `Invalid Accept Header: expected ${ICA_MEDIA_TYPE}`, instance);
    return;
  }
  const m = /^bearer\s+(\S+)$/i.exec(header(req, 'authorization')?.trim() ?? '');
  if (!m?.[1]) {
    sendProblem(res, state, 401, 'Unauthorized', 'A Bearer JWT is required to refresh.', instance);
    return;
  }
  let payload;
  try {
    payload = await verifyToken(m[1], nowSeconds(state));
  } catch (err) {
    sendProblem(res, state, 401, 'Unauthorized', `The JWT cannot be refreshed: ${(err as Error).message}`, instance);
    return;
  }
  if (payload.gty === 'api_key') {
    sendProblem(res, state, 403, 'Refresh not allowed', 'A JWT created with an API key cannot be refreshed: create a new one with the API key.', instance);
    return;
  }
  const tenantId = decodeTid(payload.tid);
  const tenant = state.tenants.find((t) => t.tenantId === tenantId);
  const user = tenant && typeof payload.sub === 'string' ? userById(tenant, payload.sub) : undefined;
  if (!tenant || !user) {
    sendProblem(res, state, 401, 'Unauthorized', 'The JWT does not name a known tenant and user.', instance);
    return;
  }
  state.refreshes++;
  await issue(state, res, tenant, user, 'password', payload.exp);
}

/** Finds the tenant a Bearer JWT was issued for; used by the TSS routes. */
export async function tenantOfJwt(state: SimState, token: string): Promise<TenantState | undefined> {
  const payload = await verifyToken(token, nowSeconds(state));
  const tenantId = decodeTid(payload.tid);
  return state.tenants.find((t) => t.tenantId === tenantId);
}

