/**
 * ICA project data (public OpenAPI document, operations getProjectDataList and
 * createTemporaryCredentialsForData):
 *
 * - `GET /ica/rest/api/projects/{projectId}/data?filePath=<path>&filePathMatchMode=FULL_CASE_INSENSITIVE|STARTS_WITH_CASE_INSENSITIVE&type=FILE|FOLDER`
 *   → ProjectDataPagedList `{items: [{projectId, data: {id, urn, details}}], nextPageToken, totalItemCount}`.
 * - `POST /ica/rest/api/projects/{projectId}/data/{dataId}:createTemporaryCredentials`
 *   with body CreateTemporaryCredentials `{credentialsFormat?: "RCLONE", readOnlyCredentials?: boolean}`
 *   → TempCredentials `{awsTempCredentials: {accessKey, secretKey, sessionToken, region, bucket,
 *   objectPrefix, serverSideEncryptionAlgorithm, serverSideEncryptionKey}}` (or `rcloneTempCredentials`).
 *   Per the document, the AWS form carries no expiry and expires after 36 hours; the
 *   simulator keeps the issue time so its S3 endpoint (s3.ts) refuses expired keys.
 *
 * Each project has seeded folders and files (folder paths end with `/`). One project has
 * two folders whose paths differ only in case, so a case-insensitive full match finds both.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ICA_MEDIA_TYPE, header, sendJson, sendProblem } from './http.js';
import { PROJECTS_PATH, openIcaCall, projectsOf, type SimProject, type SimRegion } from './ica-projects.js';
import { Rng, mixSeed } from './prng.js';
import type { SimState } from './state.js';
import type { TenantState } from './data.js';

export interface SimDataDetails {
  timeCreated: string;
  timeModified: string;
  creatorId: string;
  tenantId: string;
  tenantName: string;
  owningProjectId: string;
  owningProjectName: string;
  name: string;
  path: string;
  fileSizeInBytes?: number;
  status: 'AVAILABLE';
  tags: { technicalTags: string[]; userTags: string[]; connectorTags: string[]; runInTags: string[]; runOutTags: string[]; referenceTags: string[] };
  dataType: 'FILE' | 'FOLDER';
  region: SimRegion;
}

export interface SimProjectData {
  projectId: string;
  data: { id: string; urn: string; details: SimDataDetails };
}

/** Temporary AWS credentials the simulator issued (s3.ts accepts them until they expire or are revoked). */
export interface IssuedAwsCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken: string;
  region: string;
  bucket: string;
  objectPrefix: string;
  readOnly: boolean;
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
  tenantId: string;
  projectId: string;
}

/** The documented lifetime of temporary credentials. */
export const TEMP_CREDENTIALS_LIFETIME_MS = 36 * 3_600_000;

/** ICA region code → AWS region and the bucket ICA stores that region's project data in. */
const STORAGE: Record<string, { awsRegion: string; bucket: string }> = {
  US: { awsRegion: 'us-east-1', bucket: 'stratus-gds-use1' },
  EU: { awsRegion: 'eu-central-1', bucket: 'stratus-gds-euc1' },
  GB: { awsRegion: 'eu-west-2', bucket: 'stratus-gds-euw2' },
};

export function storageOf(project: SimProject): { awsRegion: string; bucket: string } {
  return STORAGE[project.region.code] ?? STORAGE.US!;
}

export const SIM_BUCKETS: readonly string[] = Object.values(STORAGE).map((s) => s.bucket);

/** Seeded paths per project (the first project of demo-lab has the case-only twins). */
const COMMON_PATHS = [
  '/runs/',
  '/runs/2024-run-01/',
  '/runs/2024-run-01/SampleSheet.csv',
  '/runs/2024-run-01/sample-01.bam',
  '/analysis/',
  '/README.txt',
  // A name a shell would split and unquote: commands that carry it must quote it.
  "/Patient's data $HOME/",
  "/Patient's data $HOME/notes.txt",
];
const TWIN_PATHS = ['/results/', '/Results/'];

const seeded = new WeakMap<SimProject, SimProjectData[]>();

function nameOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/** The project's data entries, derived from its tenant's seed (a stream of their own). */
export function projectDataOf(tenant: TenantState, project: SimProject): SimProjectData[] {
  let entries = seeded.get(project);
  if (entries) return entries;
  const projects = projectsOf(tenant);
  const index = projects.indexOf(project);
  const rng = new Rng(mixSeed(tenant.seed, 0xda7a + index));
  const hex = () => rng.uuid().replace(/-/g, '');
  const iso = (offsetDays: number) => new Date(tenant.dataEnd - offsetDays * 86_400_000).toISOString();
  const paths = index === 0 ? [...COMMON_PATHS, ...TWIN_PATHS] : COMMON_PATHS;
  entries = paths.map((path, i) => {
    const folder = path.endsWith('/');
    const id = `${folder ? 'fol' : 'fil'}.${hex()}`;
    const details: SimDataDetails = {
      timeCreated: iso(300 - i * 7),
      timeModified: iso(200 - i * 5),
      creatorId: project.ownerId,
      tenantId: tenant.tenantId,
      tenantName: tenant.name,
      owningProjectId: project.id,
      owningProjectName: project.name,
      name: nameOf(path),
      path,
      ...(folder ? {} : { fileSizeInBytes: rng.int(100, 5_000_000) }),
      status: 'AVAILABLE',
      tags: { technicalTags: [], userTags: [], connectorTags: [], runInTags: [], runOutTags: [], referenceTags: [] },
      dataType: folder ? 'FOLDER' : 'FILE',
      region: project.region,
    };
    return { projectId: project.id, data: { id, urn: `urn:ilmn:ica:region:${project.region.id}:data:${id}#${path}`, details } };
  });
  seeded.set(project, entries);
  return entries;
}

const DATA_ROUTE = new RegExp(`^${PROJECTS_PATH}/([^/]+)/data(?:/([^/]+))?$`);
const MATCH_MODES = ['STARTS_WITH_CASE_INSENSITIVE', 'FULL_CASE_INSENSITIVE'] as const;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function pick(rng: Rng, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

export interface ProjectDataState {
  issued: IssuedAwsCredentials[];
  rng: Rng;
}

function readJsonBody(body: string): { ok: true; value: Record<string, unknown> } | { ok: false } {
  if (body.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ok: true, value: value as Record<string, unknown> } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** Returns true when the path is a project-data route (answered), false to let other routes try. */
export async function routeProjectData(state: SimState, data: ProjectDataState, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<boolean> {
  const path = url.pathname;
  const m = DATA_ROUTE.exec(path);
  if (!m) return false;
  const projectId = decodeURIComponent(m[1] ?? '');
  const action = m[2] !== undefined ? decodeURIComponent(m[2]) : undefined;
  const credentials = action !== undefined && action.endsWith(':createTemporaryCredentials');
  if (action !== undefined && !credentials) {
    sendProblem(res, state, 404, 'Not Found', `No simulated project-data endpoint at ${path}.`, path);
    return true;
  }
  const tenant = await openIcaCall(state, req, res, path, credentials ? 'POST' : 'GET');
  if (!tenant) return true;
  const project = projectsOf(tenant).find((p) => p.id === projectId);
  if (!project) {
    sendProblem(res, state, 404, 'Not Found', `No project with id ${projectId}.`, path, { projectId });
    return true;
  }
  const entries = projectDataOf(tenant, project);

  if (!credentials) {
    const mode = url.searchParams.get('filePathMatchMode') ?? 'STARTS_WITH_CASE_INSENSITIVE';
    const type = url.searchParams.get('type');
    const pageSize = url.searchParams.get('pageSize');
    const pageOffset = url.searchParams.get('pageOffset');
    if (!(MATCH_MODES as readonly string[]).includes(mode) || (type !== null && type !== 'FILE' && type !== 'FOLDER') || (pageSize !== null && !/^[1-9]\d{0,8}$/.test(pageSize)) || (pageOffset !== null && !/^\d{1,9}$/.test(pageOffset))) {
      sendProblem(res, state, 400, 'Bad Request', 'filePathMatchMode, type, pageSize or pageOffset has a value this endpoint does not accept.', path);
      return true;
    }
    const filePaths = url.searchParams.getAll('filePath').map((p) => p.toLowerCase());
    const matching = entries.filter((e) => {
      const p = e.data.details.path.toLowerCase();
      if (type !== null && e.data.details.dataType !== type) return false;
      if (filePaths.length === 0) return true;
      return filePaths.some((f) => (mode === 'FULL_CASE_INSENSITIVE' ? p === f : p.startsWith(f)));
    });
    const size = Math.min(pageSize !== null ? Number(pageSize) : DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const start = pageOffset !== null ? Number(pageOffset) : 0;
    sendJson(res, state, 200, { items: matching.slice(start, start + size), nextPageToken: '', totalItemCount: matching.length }, ICA_MEDIA_TYPE);
    return true;
  }

  const dataId = action!.slice(0, -':createTemporaryCredentials'.length);
  const entry = entries.find((e) => e.data.id === dataId);
  if (!entry) {
    sendProblem(res, state, 404, 'Not Found', `No data with id ${dataId} in project ${projectId}.`, path, { dataId });
    return true;
  }
  const contentType = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.trim() !== '' && contentType !== ICA_MEDIA_TYPE && contentType !== 'application/json') {
    sendProblem(res, state, 415, 'Unsupported Media Type', `Send the body as ${ICA_MEDIA_TYPE} or application/json.`, path);
    return true;
  }
  const parsed = readJsonBody(body);
  const format = parsed.ok ? parsed.value.credentialsFormat : undefined;
  const readOnly = parsed.ok ? parsed.value.readOnlyCredentials : undefined;
  if (!parsed.ok || (format !== undefined && format !== null && format !== 'RCLONE') || (readOnly !== undefined && readOnly !== null && typeof readOnly !== 'boolean')) {
    sendProblem(res, state, 400, 'Bad Request', 'The body must be a CreateTemporaryCredentials object: {credentialsFormat?: "RCLONE", readOnlyCredentials?: boolean}.', path);
    return true;
  }
  const storage = storageOf(project);
  const details = entry.data.details;
  const objectPrefix = `${tenant.tenantId}/${project.id}${details.dataType === 'FOLDER' ? details.path : details.path}`;
  const now = state.nowMs();
  const issued: IssuedAwsCredentials = {
    accessKey: `ASIA${pick(data.rng, UPPER, 16)}`,
    secretKey: pick(data.rng, B64, 40),
    sessionToken: `IQoJb3JpZ2luX2Vj${pick(data.rng, B64, 280)}`,
    region: storage.awsRegion,
    bucket: storage.bucket,
    objectPrefix,
    readOnly: readOnly === true,
    issuedAtMs: now,
    expiresAtMs: now + TEMP_CREDENTIALS_LIFETIME_MS,
    revoked: false,
    tenantId: tenant.tenantId,
    projectId: project.id,
  };
  data.issued.push(issued);
  state.onSecretIssued(issued.secretKey);
  state.onSecretIssued(issued.sessionToken);
  if (format === 'RCLONE') {
    sendJson(
      res,
      state,
      200,
      {
        rcloneTempCredentials: {
          config: { type: 's3', provider: 'AWS', access_key_id: issued.accessKey, secret_access_key: issued.secretKey, session_token: issued.sessionToken, region: issued.region },
          filePathPrefix: `${issued.bucket}/${issued.objectPrefix}`,
          storageType: 'AWS_S3',
          expirationTime: new Date(issued.expiresAtMs).toISOString(),
        },
      },
      ICA_MEDIA_TYPE,
    );
    return true;
  }
  sendJson(
    res,
    state,
    200,
    {
      awsTempCredentials: {
        accessKey: issued.accessKey,
        secretKey: issued.secretKey,
        sessionToken: issued.sessionToken,
        region: issued.region,
        bucket: issued.bucket,
        objectPrefix: issued.objectPrefix,
        serverSideEncryptionAlgorithm: 'AES256',
        serverSideEncryptionKey: null,
      },
    },
    ICA_MEDIA_TYPE,
  );
  return true;
}
