/**
 * Tessera's local Illumina platform simulator: ICA token minting and the TSS
 * test-definition, case and audit-log services, over real HTTP, with fault injection
 * and a request log for tests. Written from the platform's public documentation alone; it imports nothing
 * from the client code, so the two cannot share one misunderstanding.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Rng, mixSeed } from './prng.js';
import {
  dataEnd,
  addCases,
  apiKeyString,
  buildTenant,
  materialize,
  removeCases,
  updateCases,
  editCase,
  type CaseCore,
  type SimUserRecord,
  type TenantSpec,
  type TenantState,
} from './data.js';
import { ICA_MEDIA_TYPE, PROBLEM_MEDIA_TYPE, problemBody, send, sendJson, sendProblem, sendTssError, tssErrorBody } from './http.js';
import { handleMint, handleRefresh } from './ica.js';
import { projectsOf, routeProjects, type SimProject } from './ica-projects.js';
import { projectDataOf, routeProjectData, storageOf, type IssuedAwsCredentials, type ProjectDataState, type SimProjectData } from './ica-project-data.js';
import { routeS3, type S3Object } from './s3.js';
import { signer } from './jwt.js';
import { findKey, tenantByDomain, type SimState } from './state.js';
import { routeTss } from './tss.js';
import { caseReport, reportAccess } from './reports.js';
import type { SimCase, SimTestDefinition } from './types.js';

export type { SimProject, SimRegion } from './ica-projects.js';
export type { IssuedAwsCredentials, SimProjectData, SimDataDetails } from './ica-project-data.js';
export type { SimCase, SimTestDefinition, SimCaseSubject, SimSample, SimSubject, SimAuditEvent } from './types.js';

export interface SimOptions {
  port?: number;
  host?: string;
  /** All data derives from the seed. Default 1. */
  seed?: number;
  /** Cases in the primary demo tenant. Default 500. */
  cases?: number;
  /** Cases in the partner tenant. Default 36. */
  partnerCases?: number;
  /** The day the generated history ends (its midnight UTC); default today. Same seed and day, same data. */
  dataEnd?: number | string | Date;
  tokenLifetimeSeconds?: number;
  /** Server clock minus real clock: moves the Date header and iat/nbf/exp. */
  clockSkewSeconds?: number;
  /** Which case-search versions the TSS serves; a missing one answers 404. Default both. */
  caseSearchVersions?: Array<'v1' | 'v2'>;
  /** Called with every API key, password and JWT the simulator creates or issues. */
  onSecretIssued?: (secret: string) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: string; contentType?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'reset' }
  /** Answers a mint or refresh with 200 and `{"token": token}`, whatever the token is. */
  | { kind: 'token'; token: string }
  /**
   * Streams `bytes` bytes of JSON-looking filler (chunked, no Content-Length), generated
   * as the client reads, so a huge answer costs the simulator no memory. `faults.streams()`
   * tells how far each got.
   */
  | { kind: 'stream'; bytes: number; status?: number; contentType?: string }
  /** Answers as usual, but the JSON body passes through `transform` first (a server that lies in its envelope). */
  | { kind: 'rewrite'; transform: (json: unknown) => unknown };

/** What a `stream` fault did: how many bytes the client took before the stream ended or was dropped. */
export interface StreamRecord {
  path: string;
  bytes: number;
  written: number;
  /** The client closed the connection before the last byte. */
  abandoned: boolean;
  /** The stream is over (all written, or abandoned). */
  over: boolean;
}

export interface FaultRule {
  match?: { method?: string; path?: string | RegExp };
  /** How many matching requests the rule affects. Default 1; Infinity is allowed. */
  times?: number;
  fault: Fault;
}

export interface SimDemo {
  domain: string;
  tenantId: string;
  apiKey: string;
  username: string;
  password: string;
  workgroup: string;
  /** A user of both demo-lab and partner-lab: Basic minting needs `?tenant=`. */
  multiTenantUser: { email: string; password: string; domains: string[] };
  /** The second tenant, for isolation tests. */
  partner: { domain: string; tenantId: string; apiKey: string; workgroup: string };
}

export interface SimTenantInfo {
  domain: string;
  tenantId: string;
  name: string;
  apiKeys: string[];
  users: Array<{ email: string; password?: string }>;
  workgroups: string[];
}

export interface Sim {
  url: string;
  /** Where the generated history ends (ms, midnight UTC of the `dataEnd` day). */
  dataEnd: number;
  icaBaseUrl: string;
  tssBaseUrl: string;
  demo: SimDemo;
  tenants: SimTenantInfo[];
  requests: RecordedRequest[];
  clearRequests(): void;
  faults: { add(rule: FaultRule): void; clear(): void; streams(): StreamRecord[] };
  /** Temporary AWS credentials issued by createTemporaryCredentials, and the simulated S3 they open. */
  aws: {
    /** Every set issued so far, oldest first (copies). */
    issued(): IssuedAwsCredentials[];
    /** S3 refuses this access key from now on (InvalidAccessKeyId). */
    revoke(accessKey: string): void;
    /** The objects of one bucket under a prefix: key → content. */
    objects(bucket: string, prefix?: string): Map<string, string>;
  };
  setTokenLifetime(seconds: number): void;
  setClockSkew(seconds: number): void;
  setCaseSearchVersions(versions: Array<'v1' | 'v2'>): void;
  revokeKey(apiKey: string): void;
  forbidKey(apiKey: string): void;
  createApiKey(domain: string): string;
  /** Successful POST /api/tokens. */
  mintCount(): number;
  /** Successful POST /api/tokens:refresh. */
  refreshCount(): number;
  data: {
    cases(domain?: string): SimCase[];
    testDefinitions(domain?: string): SimTestDefinition[];
    /** The tenant's ICA projects, hidden ones included. */
    projects(domain?: string): SimProject[];
    /** The seeded folders and files of one project (by id or exact name). */
    projectData(project: string, domain?: string): SimProjectData[];
    addCases(n: number, domain?: string): SimCase[];
    updateCases(n: number, domain?: string): SimCase[];
    /** Overwrites free-text fields of one case (by id or display id), e.g. with terminal escape sequences. */
    editCase(idOrDisplayId: string, fields: { status?: string; subState?: string; tags?: string[] }, domain?: string): SimCase;
    removeCases(n: number, domain?: string): SimCase[];
    /** The case's report as `GET …/reports/json` would nest it in `jsonContent`, or null when the case has none to fetch. */
    report(idOrDisplayId: string, domain?: string): Record<string, unknown> | null;
  };
  close(): Promise<void>;
}

export const DEMO_DOMAIN = 'demo-lab';
export const PARTNER_DOMAIN = 'partner-lab';
const SHARED_USER = 'shared.scientist@example.org';

function tenantSpecs(cases: number, partnerCases: number): TenantSpec[] {
  return [
    {
      domain: DEMO_DOMAIN,
      name: 'Demo Lab',
      displayPrefix: 'CASE',
      cases,
      users: [
        { email: 'api.user@demo-lab.example.org', firstName: 'Ada', lastName: 'Lindqvist', password: true },
        { email: SHARED_USER, firstName: 'Sam', lastName: 'Okafor', password: true },
        { email: 'lab.director@demo-lab.example.org', firstName: 'Rosa', lastName: 'Castillo' },
        { email: 'sso.only@demo-lab.example.org', firstName: 'Ken', lastName: 'Tanaka' },
      ],
      workgroups: 3,
      keys: 3,
    },
    {
      domain: PARTNER_DOMAIN,
      name: 'Partner Lab',
      displayPrefix: 'PL',
      cases: partnerCases,
      users: [
        { email: 'integration@partner-lab.example.org', firstName: 'Noor', lastName: 'Haddad', password: true },
        { email: SHARED_USER, firstName: 'Sam', lastName: 'Okafor', password: true },
      ],
      workgroups: 2,
      keys: 2,
    },
  ];
}

interface ActiveRule {
  match: FaultRule['match'];
  remaining: number;
  fault: Fault;
}

function matches(rule: ActiveRule, method: string, pathname: string, fullPath: string): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path === undefined) return true;
  if (typeof m.path === 'string') return m.path === pathname || m.path === fullPath;
  m.path.lastIndex = 0;
  if (m.path.test(pathname)) return true;
  m.path.lastIndex = 0;
  return m.path.test(fullPath);
}

function queryRecord(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
    req.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const isIcaPath = (p: string): boolean => p.startsWith('/ica/');

export async function startSim(options: SimOptions = {}): Promise<Sim> {
  const seed = options.seed ?? 1;
  const onSecretIssued = options.onSecretIssued ?? (() => {});
  await signer();

  const userPool = new Map<string, SimUserRecord>();
  const end = dataEnd(options.dataEnd);
  const tenants: TenantState[] = tenantSpecs(options.cases ?? 500, options.partnerCases ?? 36).map((spec, i) => buildTenant(spec, mixSeed(seed, i + 1), userPool, end));
  const keyRng = new Rng(mixSeed(seed, 0x4b3e));

  const state: SimState = {
    tenants,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    clockSkewSeconds: options.clockSkewSeconds ?? 0,
    caseSearchVersions: new Set(options.caseSearchVersions ?? ['v1', 'v2']),
    mints: 0,
    refreshes: 0,
    issuer: '',
    onSecretIssued,
    nowMs() {
      return Date.now() + this.clockSkewSeconds * 1000;
    },
  };
  for (const t of tenants) {
    for (const k of t.keys) onSecretIssued(k.key);
  }
  for (const u of userPool.values()) if (u.password) onSecretIssued(u.password);

  const projectData: ProjectDataState = { issued: [], rng: new Rng(mixSeed(seed, 0x53c3)) };
  let s3Objects: Map<string, S3Object> | undefined;
  /** The seeded files of every project as S3 objects (built on first use), plus what clients put. */
  const objects = (): Map<string, S3Object> => {
    if (s3Objects) return s3Objects;
    s3Objects = new Map();
    for (const tenant of tenants) {
      for (const project of projectsOf(tenant)) {
        const { bucket } = storageOf(project);
        for (const entry of projectDataOf(tenant, project)) {
          const d = entry.data.details;
          if (d.dataType !== 'FILE') continue;
          s3Objects.set(`${bucket}/${tenant.tenantId}/${project.id}${d.path}`, { body: Buffer.from(`simulated content of ${d.path}\n`), lastModified: d.timeModified });
        }
      }
    }
    return s3Objects;
  };

  const requests: RecordedRequest[] = [];
  let rules: ActiveRule[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  const streams: StreamRecord[] = [];

  function takeFault(method: string, pathname: string, fullPath: string): Fault | undefined {
    const rule = rules.find((r) => r.remaining > 0 && matches(r, method, pathname, fullPath));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) rules = rules.filter((r) => r !== rule);
    return rule.fault;
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/.well-known/jwks.json' && method === 'GET') {
      sendJson(res, state, 200, { keys: [(await signer()).jwk] });
      return;
    }
    if (path === '/ica/rest/api/tokens' || path === '/ica/rest/api/tokens:refresh') {
      if (method !== 'POST') {
        sendProblem(res, state, 405, 'Method Not Allowed', `${method} is not allowed on ${path}.`, path);
        return;
      }
      if (path.endsWith(':refresh')) await handleRefresh(state, req, res, url);
      else await handleMint(state, req, res, url);
      return;
    }
    if (await routeProjectData(state, projectData, req, res, url, body.toString('utf8'))) return;
    if (await routeProjects(state, req, res, url)) return;
    if (routeS3(state, { issued: projectData.issued, objects }, req, res, url, body)) return;
    if (await routeTss(state, req, res, url)) return;
    if (isIcaPath(path)) sendProblem(res, state, 404, 'Not Found', `No simulated ICA endpoint at ${path}.`, path);
    else sendTssError(res, state, 404, 'NOT_FOUND', `No route for ${path}.`);
  }

  async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const ica = isIcaPath(url.pathname);
    switch (fault.kind) {
      case 'status': {
        const extra: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined) extra['Retry-After'] = String(fault.retryAfterSeconds);
        const body =
          fault.body ??
          JSON.stringify(ica ? problemBody(state, fault.status, `HTTP_${fault.status}`, 'Injected fault.', url.pathname) : tssErrorBody(`HTTP_${fault.status}`, 'Injected fault.'));
        const contentType = fault.contentType ?? (fault.body !== undefined ? 'text/plain' : ica ? PROBLEM_MEDIA_TYPE : 'application/json');
        send(res, state, fault.status, contentType, body, extra);
        return true;
      }
      case 'delay':
        await wait(fault.ms);
        return closing || res.destroyed;
      case 'hang':
        // Never answer: the socket stays open until the client gives up or the sim closes.
        return true;
      case 'malformed':
        send(res, state, 200, ica ? ICA_MEDIA_TYPE : 'application/json', ica ? '{"token": "eyJhbGciOi' : '{"content": [{"id": "3f2c", "displayId": ');
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'token':
        sendJson(res, state, 200, { token: fault.token }, ICA_MEDIA_TYPE);
        return true;
      case 'stream':
        streamFiller(res, fault, url.pathname);
        return true;
      case 'rewrite': {
        // Every route answers through res.end(body) with the headers not yet sent: rewrite the body there.
        const end = res.end.bind(res) as (body?: unknown) => ServerResponse;
        (res as { end: unknown }).end = (body?: unknown) => {
          if (typeof body !== 'string' && !Buffer.isBuffer(body)) return end(body);
          let text: string;
          try {
            text = JSON.stringify(fault.transform(JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body)));
          } catch {
            // Not JSON (a PDF, say): passed on unchanged, byte for byte.
            return end(body);
          }
          if (!res.headersSent) res.setHeader('Content-Length', Buffer.byteLength(text));
          return end(text);
        };
        return false;
      }
    }
  }

  /** Writes filler as fast as the client reads it (respecting backpressure), never buffering the whole. */
  function streamFiller(res: ServerResponse, fault: Extract<Fault, { kind: 'stream' }>, path: string): void {
    const record: StreamRecord = { path, bytes: fault.bytes, written: 0, abandoned: false, over: false };
    streams.push(record);
    res.statusCode = fault.status ?? 200;
    res.setHeader('Date', new Date(state.nowMs()).toUTCString());
    res.setHeader('Content-Type', fault.contentType ?? (isIcaPath(path) ? ICA_MEDIA_TYPE : 'application/json'));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const head = Buffer.from('{"token": "');
    res.on('close', () => {
      if (!record.over) record.abandoned = record.written < record.bytes;
      record.over = true;
    });
    const pump = (): void => {
      while (!record.over && !res.destroyed && record.written < record.bytes) {
        const first = record.written === 0;
        const size = Math.min(chunk.length, record.bytes - record.written);
        const piece = first ? Buffer.concat([head, chunk.subarray(0, Math.max(0, size - head.length))]) : chunk.subarray(0, size);
        record.written += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed && record.written >= record.bytes && !record.over) {
        record.over = true;
        res.end();
      }
    };
    pump();
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim.local');
      const body = await readBody(req);
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: queryRecord(url),
        headers: headerRecord(req),
        body: body.toString('utf8'),
        at: Date.now(),
      });
      const fault = takeFault(req.method ?? 'GET', url.pathname, `${url.pathname}${url.search}`);
      if (fault && (await applyFault(fault, req, res, url))) return;
      await route(req, res, url, body);
    })().catch((err: unknown) => {
      if (isIcaPath(req.url ?? '')) sendProblem(res, state, 500, 'Internal Server Error', (err as Error).message);
      else sendTssError(res, state, 500, 'INTERNAL_ERROR', (err as Error).message);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator has no TCP address');
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${address.port}`;
  state.issuer = `${url}/ica`;
  state.baseUrl = url;

  function tenantOrThrow(domain: string = DEMO_DOMAIN): TenantState {
    const t = tenantByDomain(state, domain);
    if (!t) throw new Error(`simulator has no tenant ${domain}`);
    return t;
  }

  function keyOrThrow(apiKey: string) {
    const found = findKey(state, apiKey);
    if (!found) throw new Error('simulator does not know that API key');
    return found.record;
  }

  const full = (t: TenantState) => (c: CaseCore) => materialize(t, c, true);

  const tenantInfos: SimTenantInfo[] = tenants.map((t) => ({
    domain: t.domain,
    tenantId: t.tenantId,
    name: t.name,
    apiKeys: t.keys.map((k) => k.key),
    users: t.users.map((u) => (u.password === undefined ? { email: u.email } : { email: u.email, password: u.password })),
    workgroups: [...t.workgroups],
  }));

  const demoTenant = tenantOrThrow(DEMO_DOMAIN);
  const partnerTenant = tenantOrThrow(PARTNER_DOMAIN);
  const demoUser = demoTenant.users[0];
  const shared = userPool.get(SHARED_USER);
  if (!demoUser?.password || !shared?.password) throw new Error('simulator seed data lacks password users');

  const sim: Sim = {
    url,
    dataEnd: end,
    icaBaseUrl: `${url}/ica/rest`,
    tssBaseUrl: url,
    demo: {
      domain: demoTenant.domain,
      tenantId: demoTenant.tenantId,
      apiKey: demoTenant.keys[0]?.key ?? '',
      username: demoUser.email,
      password: demoUser.password,
      workgroup: demoTenant.workgroups[0] ?? '',
      multiTenantUser: { email: shared.email, password: shared.password, domains: [DEMO_DOMAIN, PARTNER_DOMAIN] },
      partner: {
        domain: partnerTenant.domain,
        tenantId: partnerTenant.tenantId,
        apiKey: partnerTenant.keys[0]?.key ?? '',
        workgroup: partnerTenant.workgroups[0] ?? '',
      },
    },
    tenants: tenantInfos,
    requests,
    clearRequests() {
      requests.length = 0;
    },
    faults: {
      add(rule) {
        rules.push({ match: rule.match, remaining: rule.times ?? 1, fault: rule.fault });
      },
      clear() {
        rules = [];
      },
      streams: () => streams.map((r) => ({ ...r })),
    },
    aws: {
      issued: () => projectData.issued.map((c) => ({ ...c })),
      revoke(accessKey) {
        const found = projectData.issued.find((c) => c.accessKey === accessKey);
        if (!found) throw new Error('simulator did not issue that access key');
        found.revoked = true;
      },
      objects(bucket, prefix = '') {
        const out = new Map<string, string>();
        for (const [id, o] of objects()) if (id.startsWith(`${bucket}/${prefix}`)) out.set(id.slice(bucket.length + 1), o.body.toString('utf8'));
        return out;
      },
    },
    setTokenLifetime(seconds) {
      state.tokenLifetimeSeconds = seconds;
    },
    setClockSkew(seconds) {
      state.clockSkewSeconds = seconds;
    },
    setCaseSearchVersions(versions) {
      state.caseSearchVersions = new Set(versions);
    },
    revokeKey(apiKey) {
      keyOrThrow(apiKey).state = 'revoked';
    },
    forbidKey(apiKey) {
      keyOrThrow(apiKey).state = 'forbidden';
    },
    createApiKey(domain) {
      const t = tenantOrThrow(domain);
      const owner = t.users[0];
      if (!owner) throw new Error(`tenant ${domain} has no users`);
      const key = apiKeyString(keyRng);
      t.keys.push({ key, name: `sim-key-${t.keys.length + 1}`, userId: owner.id, state: 'active' });
      tenantInfos.find((i) => i.domain === t.domain)?.apiKeys.push(key);
      onSecretIssued(key);
      return key;
    },
    mintCount: () => state.mints,
    refreshCount: () => state.refreshes,
    data: {
      cases: (domain) => {
        const t = tenantOrThrow(domain);
        return t.cases.map(full(t));
      },
      testDefinitions: (domain) => tenantOrThrow(domain).testDefinitions.map((d) => structuredClone(d)),
      projects: (domain) => projectsOf(tenantOrThrow(domain)).map((p) => structuredClone(p)),
      projectData: (wanted, domain) => {
        const t = tenantOrThrow(domain);
        const project = projectsOf(t).find((p) => p.id === wanted || p.name === wanted);
        if (!project) throw new Error(`simulator has no project ${wanted} in ${t.domain}`);
        return projectDataOf(t, project).map((e) => structuredClone(e));
      },
      addCases: (n, domain) => {
        const t = tenantOrThrow(domain);
        return addCases(t, n).map(full(t));
      },
      updateCases: (n, domain) => {
        const t = tenantOrThrow(domain);
        return updateCases(t, n).map(full(t));
      },
      editCase: (idOrDisplayId, fields, domain) => {
        const t = tenantOrThrow(domain);
        return full(t)(editCase(t, idOrDisplayId, fields));
      },
      removeCases: (n, domain) => {
        const t = tenantOrThrow(domain);
        return removeCases(t, n).map(full(t));
      },
      report: (idOrDisplayId, domain) => {
        const t = tenantOrThrow(domain);
        const c = t.byId.get(idOrDisplayId) ?? t.cases.find((x) => x.displayId === idOrDisplayId);
        return c && reportAccess(c).ok ? caseReport(t, c) : null;
      },
    },
    close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
  return sim;
}
