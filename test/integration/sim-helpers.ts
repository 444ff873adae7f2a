/** Small HTTP helpers for the simulator's own tests. */
import { readFileSync } from 'node:fs';
import type { Sim } from '../../sim/index.js';

export const ICA_ACCEPT = 'application/vnd.illumina.v3+json';

export function mint(sim: Sim, headers: Record<string, string>, query = ''): Promise<Response> {
  return fetch(`${sim.icaBaseUrl}/api/tokens${query}`, { method: 'POST', headers: { Accept: ICA_ACCEPT, ...headers } });
}

export async function mintToken(sim: Sim, headers: Record<string, string> = {}, query = ''): Promise<string> {
  const res = await mint(sim, Object.keys(headers).length > 0 ? headers : { 'X-API-Key': sim.demo.apiKey }, query);
  if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function basic(email: string, password: string): string {
  return `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
}

export function tss(sim: Sim, path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sim.tssBaseUrl}${path}`, {
    ...init,
    headers: { Authorization: `ApiKey ${sim.demo.apiKey}`, 'X-ILMN-Domain': sim.demo.domain, ...headers },
  });
}

export async function tssJson<T = Record<string, unknown>>(sim: Sim, path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await tss(sim, path, headers);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

interface SchemaProperty {
  type?: string;
  format?: string;
  additionalProperties?: SchemaProperty;
}

export interface ProblemSchema {
  required: string[];
  properties: Record<string, SchemaProperty>;
}

/** The Problem schema excerpt kept beside the simulator (copied from the public ICA OpenAPI document). */
export function problemSchema(): ProblemSchema {
  return JSON.parse(readFileSync(new URL('../../sim/reference/ica-problem-schema.json', import.meta.url), 'utf8')) as ProblemSchema;
}

/** The full public OpenAPI document, kept in the repository (sim/reference/README.md says where it comes from). */
export const OPENAPI_PATH = new URL('../../sim/reference/ica-openapi-public.yaml', import.meta.url);

/** Reads a component schema's (default: Problem's) required fields, types and formats from the full OpenAPI YAML text. */
export function problemSchemaFromOpenApi(yamlText: string, name = 'Problem'): ProblemSchema {
  const lines = yamlText.split('\n');
  const start = lines.findIndex((l) => l === `    ${name}:`);
  if (start < 0) throw new Error(`${name} schema not found`);
  const required: string[] = [];
  const properties: Record<string, SchemaProperty> = {};
  let section = '';
  let current: SchemaProperty | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^ {4}\S/.test(line)) break;
    const six = /^ {6}(\w+):/.exec(line);
    if (six?.[1]) {
      section = six[1];
      continue;
    }
    if (section === 'required') {
      const item = /^ {6}- (\w+)/.exec(line);
      if (item?.[1]) required.push(item[1]);
    }
    if (section === 'properties') {
      const prop = /^ {8}(\w+):\s*$/.exec(line);
      if (prop?.[1]) {
        current = {};
        properties[prop[1]] = current;
        continue;
      }
      const attr = /^ {10}(type|format):\s*(\S+)/.exec(line);
      if (attr?.[1] && attr[2] && current) current[attr[1] as 'type' | 'format'] = attr[2];
    }
  }
  return { required, properties };
}

/** Returns the ways a body breaks the Problem schema (empty when it conforms). */
export function problemViolations(body: unknown): string[] {
  const schema = problemSchema();
  const out: string[] = [];
  if (typeof body !== 'object' || body === null) return ['not an object'];
  const record = body as Record<string, unknown>;
  for (const name of schema.required) if (!(name in record)) out.push(`missing ${name}`);
  for (const [name, value] of Object.entries(record)) {
    const prop = schema.properties[name];
    if (!prop) continue;
    if (prop.type === 'string' && typeof value !== 'string') out.push(`${name} is not a string`);
    if (prop.type === 'integer' && !Number.isInteger(value)) out.push(`${name} is not an integer`);
    if (prop.type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) out.push(`${name} is not an object`);
    if (typeof value === 'string') {
      if (prop.format === 'uri' && !URL.canParse(value)) out.push(`${name} is not a URI`);
      if (prop.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${name} is not a date-time`);
      if (prop.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) out.push(`${name} is not a uuid`);
    }
  }
  return out;
}
