/**
 * ICA projects (public OpenAPI document, operations getProjects and getProject):
 * `GET /ica/rest/api/projects?search=&pageOffset=&pageSize=&pageToken=&includeHiddenProjects=&region=`
 * answers a ProjectPagedList, `GET /ica/rest/api/projects/{projectId}` one Project.
 * Authentication: `Authorization: Bearer <jwt>` issued by this simulator, or `X-API-Key`.
 * Each tenant has a few seeded projects; another tenant's project is a 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptsIcaV3, tenantOfJwt } from './ica.js';
import { ICA_MEDIA_TYPE, header, sendJson, sendProblem } from './http.js';
import { Rng, mixSeed } from './prng.js';
import { findKey, type SimState } from './state.js';
import type { TenantState } from './data.js';

export const PROJECTS_PATH = '/ica/rest/api/projects';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export interface SimRegion {
  id: string;
  timeCreated: string;
  timeModified: string;
  ownerId: string;
  tenantId: string;
  code: string;
  cityName: string;
  country: { id: string; timeCreated: string; timeModified: string; ownerId: string; tenantId: string; code: string; name: string; region: string };
}

export interface SimProject {
  id: string;
  timeCreated: string;
  timeModified: string;
  ownerId: string;
  tenantId: string;
  tenantName: string;
  urn: string;
  name: string;
  active: boolean;
  shortDescription: string;
  region: SimRegion;
  billingMode: 'PROJECT' | 'TENANT';
  dataSharingEnabled: boolean;
  tags: { technicalTags: string[]; userTags: string[] };
  analysisPriority: 'LOW' | 'MEDIUM' | 'HIGH';
}

/**
 * Seeded names. Two in demo-lab differ only in case (an exact name still picks one; a
 * name matching both only when case is ignored is ambiguous), one is hidden, and
 * partner-lab reuses a demo-lab name (tenant isolation).
 */
const PROJECT_NAMES: Record<string, Array<{ name: string; region: number; hidden?: boolean }>> = {
  'demo-lab': [
    { name: 'Oncology Validation', region: 0 },
    { name: 'Rare Disease WGS', region: 0 },
    { name: 'rare disease wgs', region: 1 },
    { name: 'Pipeline Development', region: 1 },
    { name: 'Archive 2023', region: 0, hidden: true },
  ],
  'partner-lab': [
    { name: 'Partner Shared', region: 2 },
    { name: 'Oncology Validation', region: 2 },
  ],
};

const REGIONS = [
  { code: 'US', city: 'Virginia', country: 'US', countryName: 'United States', area: 'North America' },
  { code: 'EU', city: 'Frankfurt', country: 'DE', countryName: 'Germany', area: 'Europe' },
  { code: 'GB', city: 'London', country: 'GB', countryName: 'United Kingdom', area: 'Europe' },
];

const seeded = new WeakMap<TenantState, SimProject[]>();

/** The tenant's projects, derived from its seed (a stream of their own, so no other seeded data moves). */
export function projectsOf(tenant: TenantState): SimProject[] {
  let projects = seeded.get(tenant);
  if (projects) return projects;
  const rng = new Rng(mixSeed(tenant.seed, 0x9a0e));
  const iso = (offsetDays: number) => new Date(tenant.dataEnd - offsetDays * 86_400_000).toISOString();
  const owner = tenant.users[0]?.id ?? rng.uuid();
  const regions: SimRegion[] = REGIONS.map((r) => ({
    id: rng.uuid(),
    timeCreated: iso(900),
    timeModified: iso(900),
    ownerId: owner,
    tenantId: tenant.tenantId,
    code: r.code,
    cityName: r.city,
    country: { id: rng.uuid(), timeCreated: iso(900), timeModified: iso(900), ownerId: owner, tenantId: tenant.tenantId, code: r.country, name: r.countryName, region: r.area },
  }));
  projects = (PROJECT_NAMES[tenant.domain] ?? [{ name: `${tenant.name} Project`, region: 0 }]).map((spec, i) => {
    const id = rng.uuid();
    return {
      id,
      timeCreated: iso(600 - i * 30),
      timeModified: iso(100 - i * 10),
      ownerId: owner,
      tenantId: tenant.tenantId,
      tenantName: tenant.name,
      urn: `urn:ilmn:ica:project:${id}#${spec.name.replace(/\s+/g, '_')}`,
      name: spec.name,
      active: !spec.hidden,
      shortDescription: `${spec.name} (simulated)`,
      region: regions[spec.region] ?? regions[0]!,
      billingMode: 'TENANT',
      dataSharingEnabled: false,
      tags: { technicalTags: [], userTags: [] },
      analysisPriority: 'MEDIUM',
    };
  });
  seeded.set(tenant, projects);
  return projects;
}

/** The tenant a Bearer JWT or X-API-Key belongs to; answers the Problem itself when there is none. */
export async function authenticateIca(state: SimState, req: IncomingMessage, res: ServerResponse, instance: string): Promise<TenantState | undefined> {
  const bearer = /^bearer\s+(\S+)$/i.exec(header(req, 'authorization')?.trim() ?? '');
  if (bearer?.[1]) {
    try {
      const tenant = await tenantOfJwt(state, bearer[1]);
      if (tenant) return tenant;
    } catch (err) {
      sendProblem(res, state, 401, 'Unauthorized', `Invalid token: ${(err as Error).message}`, instance);
      return undefined;
    }
    sendProblem(res, state, 401, 'Unauthorized', 'The token does not name a known tenant.', instance);
    return undefined;
  }
  const apiKey = header(req, 'x-api-key')?.trim();
  if (apiKey) {
    const found = findKey(state, apiKey);
    if (found && found.record.state === 'active') return found.tenant;
    sendProblem(res, state, found?.record.state === 'forbidden' ? 403 : 401, found?.record.state === 'forbidden' ? 'Forbidden' : 'Unauthorized', 'The API key is not valid for this request.', instance);
    return undefined;
  }
  sendProblem(res, state, 401, 'Unauthorized', 'Provide a Bearer JWT (Authorization) or an API key (X-API-Key).', instance);
  return undefined;
}

function nonNegativeInt(value: string | null): number | undefined | null {
  if (value === null || value === '') return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/**
 * What every simulated ICA data call checks first, in ICA's order: the method, the v3
 * Accept header, then the credentials. Returns the caller's tenant, or undefined when a
 * problem has been sent.
 */
export async function openIcaCall(state: SimState, req: IncomingMessage, res: ServerResponse, path: string, wanted: 'GET' | 'POST'): Promise<TenantState | undefined> {
  const method = req.method ?? 'GET';
  if (method !== wanted) {
    sendProblem(res, state, 405, 'Method Not Allowed', `${method} is not simulated on ${path}.`, path);
    return undefined;
  }
  if (!acceptsIcaV3(req)) {
    sendProblem(res, state, 400, 'ICA_API_004', `Invalid Accept Header: expected ${ICA_MEDIA_TYPE}`, path);
    return undefined;
  }
  return authenticateIca(state, req, res, path);
}

/** Returns true when the path is a projects route (answered), false to let other routes try. */
export async function routeProjects(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path !== PROJECTS_PATH && !path.startsWith(`${PROJECTS_PATH}/`)) return false;
  const rest = path.slice(PROJECTS_PATH.length + 1);
  if (rest.includes('/')) return false; // sub-resources: project data (ica-project-data.ts) or not simulated
  const tenant = await openIcaCall(state, req, res, path, 'GET');
  if (!tenant) return true;
  const projects = projectsOf(tenant);

  if (rest !== '') {
    const id = decodeURIComponent(rest);
    const project = projects.find((p) => p.id === id);
    if (!project) sendProblem(res, state, 404, 'Not Found', `No project with id ${id}.`, path, { projectId: id });
    else sendJson(res, state, 200, project, ICA_MEDIA_TYPE);
    return true;
  }

  const pageSize = nonNegativeInt(url.searchParams.get('pageSize'));
  const pageOffset = nonNegativeInt(url.searchParams.get('pageOffset'));
  const pageToken = url.searchParams.get('pageToken');
  const cursor = pageToken ? nonNegativeInt(Buffer.from(pageToken, 'base64url').toString('utf8')) : undefined;
  if (pageSize === null || pageSize === 0 || pageOffset === null || cursor === null) {
    sendProblem(res, state, 400, 'Bad Request', 'pageSize must be a positive integer; pageOffset a non-negative integer; pageToken one this server returned.', path);
    return true;
  }
  const search = url.searchParams.get('search')?.trim().toLowerCase() ?? '';
  const hidden = url.searchParams.get('includeHiddenProjects') === 'true';
  const region = url.searchParams.get('region')?.trim();
  const matching = projects.filter(
    (p) =>
      (hidden || p.active) &&
      (!region || p.region.id === region) &&
      (search === '' || p.name.toLowerCase().includes(search) || p.shortDescription.toLowerCase().includes(search)),
  );
  const size = Math.min(pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const start = cursor ?? pageOffset ?? 0;
  const items = matching.slice(start, start + size);
  const remaining = Math.max(0, matching.length - start - items.length);
  // Offset paging (the default) answers an empty nextPageToken and the total; cursor paging a token and what remains.
  const body =
    pageToken !== null || url.searchParams.has('pageToken')
      ? { items, nextPageToken: remaining > 0 ? Buffer.from(String(start + items.length)).toString('base64url') : '', remainingRecords: remaining }
      : { items, nextPageToken: '', totalItemCount: matching.length };
  sendJson(res, state, 200, body, ICA_MEDIA_TYPE);
  return true;
}
