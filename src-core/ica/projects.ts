/**
 * ICA projects (public OpenAPI document: getProjects, getProject), read with a JWT:
 * `GET {base}/api/projects?search=<text>` → ProjectPagedList, `GET {base}/api/projects/{id}`
 * → Project. `resolveProject` turns what a person typed (`--project <name|id>`) into
 * one project: an id is looked up directly; a name matches exactly, else uniquely
 * ignoring case; no match and several matches are errors that list the candidates.
 */
import * as z from '../../src-shared/zod.js';
import { TesseraError } from '../errors.js';
import { HttpStatusError } from '../http/errors.js';
import type { Http } from '../http/request.js';
import { ICA_MEDIA_TYPE } from './client.js';
import { isUuid } from '../../src-shared/rules.js';

const ProjectSchema = z.object({
  id: z.string().check(z.minLength(1)),
  name: z.string(),
  active: z.optional(z.boolean()),
  region: z.optional(z.nullable(z.object({ code: z.optional(z.string()) }))),
});
export type IcaProject = z.infer<typeof ProjectSchema>;

const ProjectPagedListSchema = z.object({
  items: z.array(ProjectSchema),
  nextPageToken: z.optional(z.nullable(z.string())),
  totalItemCount: z.optional(z.nullable(z.number())),
});

/** A page of names is small; 200 per page and at most 10 pages bound one lookup. */
const PAGE_SIZE = 200;
const MAX_PAGES = 10;
/** How many candidates an error message lists. */
const LISTED = 10;

export interface IcaProjectsClient {
  /** Every project whose name or description matches `search` ('' for all), following offset pages, bounded. */
  search(base: string, jwt: string, search: string): Promise<IcaProject[]>;
  /** One project by id; undefined when ICA answers 404. */
  get(base: string, jwt: string, id: string): Promise<IcaProject | undefined>;
}

const endpoint = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;
const headers = (jwt: string) => ({ Authorization: `Bearer ${jwt}`, Accept: ICA_MEDIA_TYPE });

export function createIcaProjectsClient(http: Http): IcaProjectsClient {
  return {
    async search(base, jwt, search) {
      const found: IcaProject[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const { body } = await http({
          method: 'GET',
          url: endpoint(base, '/api/projects'),
          // No search text lists every project (the app's project picker).
          query: { search: search === '' ? undefined : search, pageOffset: page * PAGE_SIZE, pageSize: PAGE_SIZE },
          headers: headers(jwt),
          accept: [ICA_MEDIA_TYPE, 'application/json'],
          schema: ProjectPagedListSchema,
        });
        found.push(...body.items);
        const total = body.totalItemCount ?? undefined;
        if (body.items.length < PAGE_SIZE || (total !== undefined && found.length >= total)) break;
      }
      return found;
    },
    async get(base, jwt, id) {
      try {
        const { body } = await http({
          method: 'GET',
          url: endpoint(base, `/api/projects/${encodeURIComponent(id)}`),
          headers: headers(jwt),
          accept: [ICA_MEDIA_TYPE, 'application/json'],
          schema: ProjectSchema,
        });
        return body;
      } catch (error) {
        if (error instanceof HttpStatusError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}

function describe(projects: readonly IcaProject[]): string {
  const listed = projects.slice(0, LISTED).map((p) => `"${p.name}" (${p.id}${p.region?.code ? `, ${p.region.code}` : ''})`);
  const more = projects.length > LISTED ? `, and ${projects.length - LISTED} more` : '';
  return `${listed.join(', ')}${more}`;
}

/** The one project `wanted` (a name or an id) names in the tenant the JWT belongs to. */
export async function resolveProject(client: IcaProjectsClient, base: string, jwt: string, wanted: string): Promise<IcaProject> {
  const text = wanted.trim();
  if (text === '') throw new TesseraError('INVALID_INPUT', 'The project is empty: pass a project name or id.');
  if (isUuid(text)) {
    const project = await client.get(base, jwt, text);
    if (project) return project;
    throw new TesseraError('PROJECT_NOT_FOUND', `No ICA project with id ${text} in this tenant.`);
  }
  const candidates = await client.search(base, jwt, text);
  const exact = candidates.filter((p) => p.name === text);
  if (exact.length === 1) return exact[0]!;
  const loose = exact.length > 1 ? exact : candidates.filter((p) => p.name.toLowerCase() === text.toLowerCase());
  if (loose.length === 1) return loose[0]!;
  if (loose.length > 1) {
    throw new TesseraError('INVALID_INPUT', `Several ICA projects are named "${text}": ${describe(loose)}. Pass the exact name or the project id.`);
  }
  const near = candidates.length ? ` Projects whose name contains it: ${describe(candidates)}.` : '';
  throw new TesseraError('PROJECT_NOT_FOUND', `No ICA project named "${text}" in this tenant.${near}`);
}
