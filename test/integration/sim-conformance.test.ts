/**
 * The simulator's ICA project, project-data and temporary-credential answers against the
 * public OpenAPI document kept in sim/reference: each response's media type must be one
 * the operation declares for that status (or `default`), and its body must match the
 * declared schema: required fields, types, formats, enums, nullability, and no field
 * the schema does not name.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Sim } from '../../sim/index.js';
import { startTestSim } from '../helpers/tessera.js';
import { ICA_ACCEPT, OPENAPI_PATH, mintToken } from './sim-helpers.js';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  maxLength?: number;
  minLength?: number;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
let sim: Sim;
let jwt: string;
let projectId: string;

beforeAll(async () => {
  doc = parse(readFileSync(OPENAPI_PATH, 'utf8'), { maxAliasCount: -1 }) as typeof doc;
  sim = await startTestSim();
  jwt = await mintToken(sim);
  projectId = sim.data.projects().find((p) => p.name === 'Oncology Validation')!.id;
});

afterAll(async () => {
  await sim.close();
});

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const found = doc.components.schemas[name];
    if (!found) throw new Error(`unknown schema ${s.$ref}`);
    s = found;
  }
  return s;
}

const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:/i,
};

/** Every way `value` departs from `schema` (OpenAPI 3.0 subset), as `path: problem` lines. */
function violations(value: unknown, schema: Schema, path = '$'): string[] {
  const s = resolve(schema);
  if (value === null) return s.nullable ? [] : [`${path}: null but not nullable`];
  if (s.allOf) return s.allOf.flatMap((sub) => violations(value, sub, path));
  if (s.oneOf || s.anyOf) {
    const options = (s.oneOf ?? s.anyOf)!;
    return options.some((sub) => violations(value, sub, path).length === 0) ? [] : [`${path}: matches none of the alternatives`];
  }
  const out: string[] = [];
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      if (s.format && FORMATS[s.format] && !FORMATS[s.format]!.test(value)) out.push(`${path}: not a ${s.format}: ${value}`);
      if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${path}: longer than ${s.maxLength}`);
      if (s.minLength !== undefined && value.length < s.minLength) out.push(`${path}: shorter than ${s.minLength}`);
      return out;
    case 'integer':
      return Number.isInteger(value) ? out : [`${path}: expected an integer`];
    case 'number':
      return typeof value === 'number' ? out : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? out : [`${path}: expected a boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return [...out, ...value.flatMap((item, i) => (s.items ? violations(item, s.items, `${path}[${i}]`) : []))];
    default: {
      if (s.type === 'object' || s.properties) {
        if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
        const record = value as Record<string, unknown>;
        for (const name of s.required ?? []) if (!(name in record)) out.push(`${path}.${name}: required but missing`);
        for (const [name, v] of Object.entries(record)) {
          const prop = s.properties?.[name];
          if (prop) out.push(...violations(v, prop, `${path}.${name}`));
          else if (typeof s.additionalProperties === 'object') out.push(...violations(v, s.additionalProperties, `${path}.${name}`));
          else if (s.additionalProperties !== true) out.push(`${path}.${name}: not in the schema`);
        }
      }
      return out;
    }
  }
}

/** Checks a response against the operation in the document; returns the parsed body. */
async function conforms(res: Response, docPath: string, method: string): Promise<unknown> {
  const operation = doc.paths[docPath]?.[method];
  if (!operation) throw new Error(`${method} ${docPath} is not in the document`);
  const response = operation.responses[String(res.status)] ?? operation.responses.default;
  expect(response, `${method} ${docPath} declares status ${res.status} or a default`).toBeDefined();
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const content = response!.content ?? {};
  expect(Object.keys(content), `${method} ${docPath} ${res.status}: media type`).toContain(mediaType);
  const body: unknown = await res.json();
  const schema = content[mediaType]?.schema;
  if (schema) expect(violations(body, schema), `${method} ${docPath} ${res.status}`).toEqual([]);
  return body;
}

const get = (path: string) => fetch(`${sim.icaBaseUrl}${path}`, { headers: { Authorization: `Bearer ${jwt}`, Accept: ICA_ACCEPT } });
const post = (path: string, body: unknown) =>
  fetch(`${sim.icaBaseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${jwt}`, Accept: ICA_ACCEPT, 'Content-Type': ICA_ACCEPT }, body: JSON.stringify(body) });

describe('the simulator conforms to the public OpenAPI document', () => {
  it('projects: the list, one project, and a 404', async () => {
    await conforms(await get('/api/projects?search=onc'), '/api/projects', 'get');
    await conforms(await get(`/api/projects/${projectId}`), '/api/projects/{projectId}', 'get');
    await conforms(await get('/api/projects/00000000-0000-0000-0000-000000000000'), '/api/projects/{projectId}', 'get');
  });

  it('project data: path filters, type filters, and the errors', async () => {
    const folder = (await conforms(await get(`/api/projects/${projectId}/data?filePath=%2Fruns%2F&filePathMatchMode=FULL_CASE_INSENSITIVE`), '/api/projects/{projectId}/data', 'get')) as {
      items: Array<{ data: { details: { dataType: string } } }>;
    };
    expect(folder.items.map((i) => i.data.details.dataType)).toEqual(['FOLDER']);
    const all = (await conforms(await get(`/api/projects/${projectId}/data?filePath=%2Fruns%2F`), '/api/projects/{projectId}/data', 'get')) as { items: unknown[] };
    expect(all.items.length).toBeGreaterThan(2);
    await conforms(await get(`/api/projects/${projectId}/data?type=FILE`), '/api/projects/{projectId}/data', 'get');
    await conforms(await get(`/api/projects/${projectId}/data?filePathMatchMode=SOMETIMES`), '/api/projects/{projectId}/data', 'get');
    await conforms(await get('/api/projects/00000000-0000-0000-0000-000000000000/data'), '/api/projects/{projectId}/data', 'get');
  });

  it('createTemporaryCredentials: AWS and rclone forms, read-only, and the errors', async () => {
    const data = sim.data.projectData(projectId);
    const folder = data.find((d) => d.data.details.path === '/runs/')!;
    const op = '/api/projects/{projectId}/data/{dataId}:createTemporaryCredentials';
    const url = `/api/projects/${projectId}/data/${folder.data.id}:createTemporaryCredentials`;
    const aws = (await conforms(await post(url, {}), op, 'post')) as { awsTempCredentials: { objectPrefix: string } };
    expect(aws.awsTempCredentials.objectPrefix).toMatch(/\/runs\/$/);
    await conforms(await post(url, { readOnlyCredentials: true }), op, 'post');
    await conforms(await post(url, { credentialsFormat: 'RCLONE' }), op, 'post');
    await conforms(await post(url, { readOnlyCredentials: 'yes' }), op, 'post');
    await conforms(await post(`/api/projects/${projectId}/data/fol.0000:createTemporaryCredentials`, {}), op, 'post');
    const unauthenticated = await fetch(`${sim.icaBaseUrl}${url}`, { method: 'POST', headers: { Accept: ICA_ACCEPT } });
    expect(unauthenticated.status).toBe(401);
    await conforms(unauthenticated, op, 'post');
  });

  it('injected faults on these endpoints answer problem+json as the document declares', async () => {
    sim.faults.add({ match: { path: /:createTemporaryCredentials$/ }, fault: { kind: 'status', status: 403 } });
    const folder = sim.data.projectData(projectId).find((d) => d.data.details.dataType === 'FOLDER')!;
    const res = await post(`/api/projects/${projectId}/data/${folder.data.id}:createTemporaryCredentials`, {});
    expect(res.status).toBe(403);
    await conforms(res, '/api/projects/{projectId}/data/{dataId}:createTemporaryCredentials', 'post');
  });

  it('and the check is not vacuous: a body with an undeclared field, a wrong type or a missing field fails it', async () => {
    const schema = { $ref: '#/components/schemas/TempCredentials' };
    const good = { awsTempCredentials: { accessKey: 'a', secretKey: 's', sessionToken: 't', region: 'us-east-1', bucket: 'b', objectPrefix: 'p/' } };
    expect(violations(good, schema)).toEqual([]);
    expect(violations({ awsTempCredentials: { ...good.awsTempCredentials, expiration: 'soon' } }, schema)).toEqual(['$.awsTempCredentials.expiration: not in the schema']);
    const { bucket: _b, ...missing } = good.awsTempCredentials;
    expect(violations({ awsTempCredentials: missing }, schema)).toEqual(['$.awsTempCredentials.bucket: required but missing']);
    expect(violations({ items: [{ projectId: 'not-a-uuid', data: { id: 'x' } }] }, { $ref: '#/components/schemas/ProjectDataPagedList' })).toEqual(['$.items[0].projectId: not a uuid: not-a-uuid']);
  });
});
