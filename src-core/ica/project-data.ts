/**
 * ICA project data (public OpenAPI document: getProjectDataList,
 * createTemporaryCredentialsForData), read with a JWT:
 *
 * - `GET {base}/api/projects/{projectId}/data?filePath=<path>&filePathMatchMode=FULL_CASE_INSENSITIVE`
 *   → ProjectDataPagedList; `resolveFolder` turns a folder path a person typed into the
 *   one folder's data id. Folder paths end with `/` (a missing one is added); a path
 *   that names a file, no entry, or several entries differing only in case are errors
 *   that say so.
 * - `POST {base}/api/projects/{projectId}/data/{dataId}:createTemporaryCredentials` with
 *   `{readOnlyCredentials}` → TempCredentials.awsTempCredentials (no expiry field; the
 *   document says they expire after 36 hours). The secret key and session token are
 *   registered with the redaction as soon as they arrive.
 */
import * as z from '../../src-shared/zod.js';
import { TesseraError } from '../errors.js';
import type { Http } from '../http/request.js';
import { registerSecret } from '../redact.js';
import { ICA_MEDIA_TYPE } from './client.js';
import type { IcaProject } from './projects.js';

const DataSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(255)),
  details: z.optional(
    z.nullable(
      z.object({
        name: z.optional(z.string()),
        path: z.optional(z.nullable(z.string())),
        dataType: z.optional(z.string()),
      }),
    ),
  ),
});

const ProjectDataPagedListSchema = z.object({
  items: z.array(z.object({ projectId: z.optional(z.string()), data: DataSchema })),
  nextPageToken: z.optional(z.nullable(z.string())),
  totalItemCount: z.optional(z.nullable(z.number())),
});

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const AwsTempCredentialsSchema = z.object({
  accessKey: text(256),
  secretKey: text(1024),
  sessionToken: text(8192),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/)),
  bucket: z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)),
  objectPrefix: z.string().check(z.maxLength(1024)),
  serverSideEncryptionAlgorithm: z.optional(z.nullable(z.string())),
  serverSideEncryptionKey: z.optional(z.nullable(z.string())),
});
const TempCredentialsSchema = z.object({ awsTempCredentials: z.optional(z.nullable(AwsTempCredentialsSchema)) });

export type AwsTempCredentials = z.infer<typeof AwsTempCredentialsSchema>;

export interface IcaDataEntry {
  id: string;
  path: string;
  dataType: string;
}

export interface IcaProjectDataClient {
  /** Entries whose path equals one of `paths` ignoring case. */
  findByPath(base: string, jwt: string, projectId: string, paths: readonly string[]): Promise<IcaDataEntry[]>;
  createTemporaryCredentials(base: string, jwt: string, projectId: string, dataId: string, options: { readOnly: boolean }): Promise<AwsTempCredentials>;
}

/** Full matches of one path are few (case variants); one page of 100 is plenty. */
const PAGE_SIZE = 100;
const LISTED = 5;

const endpoint = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;
const headers = (jwt: string) => ({ Authorization: `Bearer ${jwt}`, Accept: ICA_MEDIA_TYPE });

export function createIcaProjectDataClient(http: Http): IcaProjectDataClient {
  return {
    async findByPath(base, jwt, projectId, paths) {
      const { body } = await http({
        method: 'GET',
        url: endpoint(base, `/api/projects/${encodeURIComponent(projectId)}/data`),
        query: { filePath: paths, filePathMatchMode: 'FULL_CASE_INSENSITIVE', pageSize: PAGE_SIZE },
        headers: headers(jwt),
        accept: [ICA_MEDIA_TYPE, 'application/json'],
        schema: ProjectDataPagedListSchema,
      });
      const wanted = new Set(paths.map((p) => p.toLowerCase()));
      // Only what was asked for, whatever else a server answers.
      return body.items
        .map(({ data }) => ({ id: data.id, path: data.details?.path ?? '', dataType: data.details?.dataType ?? '' }))
        .filter((e) => wanted.has(e.path.toLowerCase()));
    },
    async createTemporaryCredentials(base, jwt, projectId, dataId, options) {
      const { body } = await http({
        method: 'POST',
        url: endpoint(base, `/api/projects/${encodeURIComponent(projectId)}/data/${encodeURIComponent(dataId)}:createTemporaryCredentials`),
        json: { readOnlyCredentials: options.readOnly },
        headers: headers(jwt),
        accept: [ICA_MEDIA_TYPE, 'application/json'],
        schema: TempCredentialsSchema,
        okStatuses: [200, 201],
        // A second set of credentials is harmless; a dropped connection may be retried.
        idempotent: true,
      });
      const aws = body.awsTempCredentials;
      if (!aws) throw new TesseraError('MALFORMED_RESPONSE', 'ICA answered without AWS credentials (awsTempCredentials is missing).');
      registerSecret(aws.secretKey);
      registerSecret(aws.sessionToken);
      return aws;
    },
  };
}

/**
 * A folder path as ICA writes it: a leading and a trailing `/`, no empty or `.`/`..`
 * segments. The project root has no data id of its own, so it is refused.
 */
export function normaliseFolderPath(input: string): string {
  const trimmed = input.trim();
  const segments = trimmed.split('/').filter((s) => s !== '');
  if (segments.length === 0) throw new TesseraError('INVALID_INPUT', 'The folder path is empty or the project root: pass a folder inside the project, e.g. /runs/.');
  if (segments.some((s) => s === '.' || s === '..')) throw new TesseraError('INVALID_INPUT', `The folder path "${trimmed}" has . or .. segments: pass it from the project root, e.g. /runs/2024/.`);
  return `/${segments.join('/')}/`;
}

export interface ResolvedFolder {
  id: string;
  path: string;
}

/** The one folder `input` names in `project`; typed errors for a file, nothing, or several case variants. */
export async function resolveFolder(client: IcaProjectDataClient, base: string, jwt: string, project: IcaProject, input: string): Promise<ResolvedFolder> {
  const path = normaliseFolderPath(input);
  const asFile = path.slice(0, -1);
  const entries = await client.findByPath(base, jwt, project.id, [path, asFile]);
  const folders = entries.filter((e) => e.dataType === 'FOLDER' && e.path.toLowerCase() === path.toLowerCase());
  const exact = folders.filter((e) => e.path === path);
  const chosen = exact.length === 1 ? exact : folders;
  if (chosen.length === 1) return { id: chosen[0]!.id, path: chosen[0]!.path };
  if (chosen.length > 1) {
    const listed = chosen.slice(0, LISTED).map((e) => `${e.path} (${e.id})`).join(', ');
    throw new TesseraError('AMBIGUOUS_PATH', `Several folders in project "${project.name}" match ${path} ignoring case: ${listed}.`);
  }
  const file = entries.find((e) => e.dataType === 'FILE');
  if (file) throw new TesseraError('NOT_A_FOLDER', `${file.path} in project "${project.name}" is a file, not a folder.`);
  throw new TesseraError('DATA_NOT_FOUND', `No folder ${path} in project "${project.name}".`);
}
