/** TSS routes: one server for every tenant, chosen by the X-ILMN-Domain header. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { auditEventsFor, filterFacts, materialize, searchView, type CaseCore, type TenantState } from './data.js';
import { header, send, sendJson, sendTssError } from './http.js';
import { caseReport, reportAccess, reportPdf } from './reports.js';
import { tenantOfJwt } from './ica.js';
import { findKey, tenantByDomain, type SimState } from './state.js';

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 20;

/** Authenticates a TSS call; answers the error itself and returns undefined when it fails. */
async function authenticate(state: SimState, req: IncomingMessage, res: ServerResponse, needsAuthorizationHeader: boolean): Promise<TenantState | undefined> {
  const domain = header(req, 'x-ilmn-domain');
  if (!domain) {
    sendTssError(res, state, 400, 'MISSING_DOMAIN', 'The X-ILMN-Domain header is required.');
    return undefined;
  }
  const tenant = tenantByDomain(state, domain);
  if (!tenant) {
    sendTssError(res, state, 404, 'TENANT_NOT_FOUND', `No tenant with domain ${domain}.`);
    return undefined;
  }
  const authorization = header(req, 'authorization')?.trim();
  // Public clients send the key in both headers; the audit-log service reads only Authorization.
  const credential = authorization || (needsAuthorizationHeader ? undefined : header(req, 'x-auth-token')?.trim());
  if (!credential) {
    sendTssError(res, state, 401, 'UNAUTHORIZED', needsAuthorizationHeader ? 'The Authorization header is required.' : 'An API key or Bearer token is required.');
    return undefined;
  }
  const m = /^(apikey|bearer)\s+(\S+)$/i.exec(credential);
  if (!m?.[1] || !m[2]) {
    sendTssError(res, state, 401, 'UNAUTHORIZED', 'Unsupported authorization scheme.');
    return undefined;
  }
  if (m[1].toLowerCase() === 'bearer') {
    let jwtTenant: TenantState | undefined;
    try {
      jwtTenant = await tenantOfJwt(state, m[2]);
    } catch (err) {
      sendTssError(res, state, 401, 'UNAUTHORIZED', `Invalid token: ${(err as Error).message}`);
      return undefined;
    }
    if (jwtTenant !== tenant) {
      sendTssError(res, state, 401, 'UNAUTHORIZED', 'The token was not issued for this tenant.');
      return undefined;
    }
  } else {
    const found = findKey(state, m[2]);
    if (!found || found.record.state === 'revoked' || found.tenant !== tenant) {
      sendTssError(res, state, 401, 'UNAUTHORIZED', 'Invalid API key for this tenant.');
      return undefined;
    }
    if (found.record.state === 'forbidden') {
      sendTssError(res, state, 403, 'FORBIDDEN', 'The API key lacks the API Access role.');
      return undefined;
    }
  }
  const workgroup = header(req, 'x-ilmn-workgroup')?.trim();
  if (workgroup && !tenant.workgroups.includes(workgroup)) {
    sendTssError(res, state, 403, 'FORBIDDEN_WORKGROUP', `Not a member of workgroup ${workgroup}.`);
    return undefined;
  }
  return tenant;
}

function all(url: URL, name: string): string[] {
  return url.searchParams.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function one(url: URL, name: string): string | undefined {
  const v = url.searchParams.get(name);
  return v === null || v.trim() === '' ? undefined : v.trim();
}

interface Paging {
  pageNumber: number;
  pageSize: number;
}

function parsePaging(state: SimState, url: URL, res: ServerResponse): Paging | undefined {
  const rawNumber = one(url, 'pageNumber') ?? '0';
  const rawSize = one(url, 'pageSize') ?? String(DEFAULT_PAGE_SIZE);
  const pageNumber = Number(rawNumber);
  const pageSize = Number(rawSize);
  if (!Number.isInteger(pageNumber) || pageNumber < 0) {
    sendTssError(res, state, 400, 'INVALID_PARAMETER', 'pageNumber must be a non-negative integer.', [{ field: 'pageNumber', value: rawNumber }]);
    return undefined;
  }
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    sendTssError(res, state, 400, 'INVALID_PARAMETER', 'pageSize must be a positive integer.', [{ field: 'pageSize', value: rawSize }]);
    return undefined;
  }
  return { pageNumber, pageSize: Math.min(pageSize, MAX_PAGE_SIZE) };
}

/** A Spring Data page, as the TSS services return it. */
function pageEnvelope<T>(items: T[], total: number, paging: Paging, sortProperty: string): Record<string, unknown> {
  const totalPages = total === 0 ? 0 : Math.ceil(total / paging.pageSize);
  const sort = { empty: false, sorted: true, unsorted: false };
  return {
    content: items,
    pageable: {
      sort,
      offset: paging.pageNumber * paging.pageSize,
      pageNumber: paging.pageNumber,
      pageSize: paging.pageSize,
      paged: true,
      unpaged: false,
    },
    totalElements: total,
    totalPages,
    last: paging.pageNumber >= totalPages - 1,
    size: paging.pageSize,
    number: paging.pageNumber,
    sort: { ...sort, orders: [{ property: sortProperty, direction: 'ASC' }] },
    numberOfElements: items.length,
    first: paging.pageNumber === 0,
    empty: items.length === 0,
  };
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/**
 * Filters: displayId, id, testDefinitionId, lastname, externalSampleId and
 * externalSampleName match a case-insensitive substring; mrn matches exactly;
 * status and subState match one of the given values; a case must carry every tag given.
 */
function caseFilter(url: URL, tenant: TenantState): (c: CaseCore) => boolean {
  const displayId = one(url, 'displayId');
  const id = one(url, 'id');
  const testDefinitionId = one(url, 'testDefinitionId');
  const lastname = one(url, 'lastname') ?? one(url, 'lastName');
  const mrn = one(url, 'mrn');
  const statuses = all(url, 'status');
  const subStates = all(url, 'subState');
  const tags = url.searchParams.getAll('tags').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const sampleId = one(url, 'externalSampleId');
  const sampleName = one(url, 'externalSampleName');
  const needsFacts = lastname !== undefined || mrn !== undefined || sampleId !== undefined || sampleName !== undefined;
  return (c) => {
    if (displayId !== undefined && !contains(c.displayId, displayId)) return false;
    if (id !== undefined && !contains(c.id, id)) return false;
    if (testDefinitionId !== undefined && !contains(tenant.testDefinitions[c.testIdx]?.id ?? '', testDefinitionId)) return false;
    if (statuses.length > 0 && !statuses.includes(c.status)) return false;
    if (subStates.length > 0 && !subStates.includes(c.subState)) return false;
    if (tags.length > 0 && !tags.every((t) => c.tags.includes(t))) return false;
    if (needsFacts) {
      const facts = filterFacts(tenant, c);
      if (lastname !== undefined && !contains(facts.lastName, lastname)) return false;
      if (mrn !== undefined && !facts.mrns.includes(mrn)) return false;
      if (sampleId !== undefined && !facts.sampleIds.some((s) => contains(s, sampleId))) return false;
      if (sampleName !== undefined && !facts.sampleNames.some((s) => contains(s, sampleName))) return false;
    }
    return true;
  };
}

function hasCaseFilters(url: URL): boolean {
  return ['displayId', 'id', 'testDefinitionId', 'lastname', 'lastName', 'mrn', 'status', 'subState', 'tags', 'externalSampleId', 'externalSampleName'].some(
    (p) => one(url, p) !== undefined,
  );
}

async function caseSearch(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const tenant = await authenticate(state, req, res, false);
  if (!tenant) return;
  const paging = parsePaging(state, url, res);
  if (!paging) return;
  // Cases are kept in creation order (createdDate, then id), so unfiltered pages are plain slices.
  const matching = hasCaseFilters(url) ? tenant.cases.filter(caseFilter(url, tenant)) : tenant.cases;
  const start = paging.pageNumber * paging.pageSize;
  const page = matching.slice(start, start + paging.pageSize).map((c) => searchView(tenant, c));
  sendJson(res, state, 200, pageEnvelope(page, matching.length, paging, 'createdDate'));
}

async function caseById(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL, id: string): Promise<void> {
  const tenant = await authenticate(state, req, res, false);
  if (!tenant) return;
  const raw = url.searchParams.get('directIdentifiers');
  if (raw !== null && raw !== 'true' && raw !== 'false') {
    sendTssError(res, state, 400, 'INVALID_PARAMETER', 'directIdentifiers must be true or false.', [{ field: 'directIdentifiers', value: raw }]);
    return;
  }
  const c = tenant.byId.get(id);
  if (!c) {
    sendTssError(res, state, 404, 'CASE_NOT_FOUND', `No case with id ${id}.`);
    return;
  }
  sendJson(res, state, 200, materialize(tenant, c, raw === 'true'));
}

async function testDefinitions(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const tenant = await authenticate(state, req, res, false);
  if (!tenant) return;
  sendJson(res, state, 200, { items: tenant.testDefinitions });
}

/** Parses `2021-10-25T14:12:06+0000` (and ISO forms such as `...Z` or `+00:00`). */
function parseAuditDate(value: string): number | undefined {
  const normalized = value.trim().replace(/ /g, '+').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

async function auditSearch(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const tenant = await authenticate(state, req, res, true);
  if (!tenant) return;
  const paging = parsePaging(state, url, res);
  if (!paging) return;
  const bounds: Record<'fromDate' | 'toDate', number | undefined> = { fromDate: undefined, toDate: undefined };
  for (const name of ['fromDate', 'toDate'] as const) {
    const raw = one(url, name);
    if (raw === undefined) continue;
    const ms = parseAuditDate(raw);
    if (ms === undefined) {
      sendTssError(res, state, 400, 'INVALID_PARAMETER', `${name} must look like 2021-10-25T14:12:06+0000.`, [{ field: name, value: raw }]);
      return;
    }
    bounds[name] = ms;
  }
  const orderBy = one(url, 'orderBy') ?? '+createdDate';
  if (orderBy !== '+createdDate' && orderBy !== '-createdDate' && orderBy !== 'createdDate') {
    sendTssError(res, state, 400, 'INVALID_PARAMETER', 'orderBy must be +createdDate or -createdDate.', [{ field: 'orderBy', value: orderBy }]);
    return;
  }
  const userName = one(url, 'userName');
  const eventName = one(url, 'eventName');
  const entityTypes = all(url, 'entityType').map((e) => e.toUpperCase());
  const entityId = one(url, 'entityId');
  const caseId = one(url, 'caseId');
  const source = caseId !== undefined ? [tenant.byId.get(caseId)].filter((c): c is CaseCore => c !== undefined) : tenant.cases;
  const entries = [];
  for (const c of source) {
    for (const e of auditEventsFor(tenant, c)) {
      if (bounds.fromDate !== undefined && e.at < bounds.fromDate) continue;
      if (bounds.toDate !== undefined && e.at > bounds.toDate) continue;
      if (userName !== undefined && e.userName.toLowerCase() !== userName.toLowerCase()) continue;
      if (eventName !== undefined && e.eventName !== eventName) continue;
      if (entityTypes.length > 0 && !entityTypes.includes(e.entityType)) continue;
      if (entityId !== undefined && e.entityId !== entityId) continue;
      entries.push(e);
    }
  }
  const descending = orderBy === '-createdDate';
  entries.sort((a, b) => (descending ? b.at - a.at : a.at - b.at) || a.entityId.localeCompare(b.entityId) || a.eventName.localeCompare(b.eventName));
  const start = paging.pageNumber * paging.pageSize;
  const page = entries.slice(start, start + paging.pageSize).map((e) => e.make());
  const envelope = pageEnvelope(page, entries.length, paging, 'createdDate');
  envelope.sort = { empty: false, sorted: true, unsorted: false, orders: [{ property: 'createdDate', direction: descending ? 'DESC' : 'ASC' }] };
  sendJson(res, state, 200, envelope);
}

/** The case a report route names, or the error answered: unknown case 404, inactive 403, no report yet 404. */
async function reportCase(state: SimState, req: IncomingMessage, res: ServerResponse, id: string): Promise<{ tenant: TenantState; c: CaseCore } | undefined> {
  const tenant = await authenticate(state, req, res, false);
  if (!tenant) return undefined;
  const c = tenant.byId.get(id);
  if (!c) {
    sendTssError(res, state, 404, 'CASE_NOT_FOUND', `No case with id ${id}.`);
    return undefined;
  }
  const access = reportAccess(c);
  if (!access.ok) {
    sendTssError(res, state, access.status, access.code, access.message);
    return undefined;
  }
  return { tenant, c };
}

async function reportJson(state: SimState, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const found = await reportCase(state, req, res, id);
  if (!found) return;
  // The platform nests the report as a JSON string.
  sendJson(res, state, 200, { jsonContent: JSON.stringify(caseReport(found.tenant, found.c)) });
}

async function reportPdfRoute(state: SimState, req: IncomingMessage, res: ServerResponse, id: string, reportTypeId: string): Promise<void> {
  const found = await reportCase(state, req, res, id);
  if (!found) return;
  const pdf = reportPdf(found.tenant, found.c, reportTypeId);
  if (!pdf) {
    sendTssError(res, state, 404, 'REPORT_TYPE_NOT_FOUND', `Case ${id} has no report of type ${reportTypeId}.`);
    return;
  }
  send(res, state, 200, 'application/pdf', pdf);
}

/** Routes a TSS request; returns false when no TSS route matches the path. */
export async function routeTss(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  const search = /^\/crs\/api\/(v1|v2)\/cases\/search$/.exec(path);
  const byId = /^\/crs\/api\/v1\/cases\/([^/]+)$/.exec(path);
  const report = /^\/crs\/api\/v1\/cases\/([^/]+)\/reports\/json$/.exec(path);
  const pdf = /^\/drs\/v1\/draftreport\/case\/([^/]+)\/reports\/([^/]+)\/pdf$/.exec(path);
  const isTss = search || byId || report || pdf || path === '/tms/api/v1/testDefinitions' || path === '/als/api/v1/auditlogs/search';
  if (!isTss) return false;
  if (req.method !== 'GET') {
    sendTssError(res, state, 405, 'METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${path}.`);
    return true;
  }
  if (search) {
    const version = search[1] as 'v1' | 'v2';
    if (!state.caseSearchVersions.has(version)) {
      sendTssError(res, state, 404, 'NOT_FOUND', `No route for ${path}.`);
      return true;
    }
    await caseSearch(state, req, res, url);
  } else if (report?.[1]) {
    await reportJson(state, req, res, decodeURIComponent(report[1]));
  } else if (pdf?.[1] && pdf[2]) {
    await reportPdfRoute(state, req, res, decodeURIComponent(pdf[1]), decodeURIComponent(pdf[2]));
  } else if (byId?.[1]) {
    await caseById(state, req, res, url, decodeURIComponent(byId[1]));
  } else if (path === '/tms/api/v1/testDefinitions') {
    await testDefinitions(state, req, res);
  } else {
    await auditSearch(state, req, res, url);
  }
  return true;
}
