/**
 * The environment `tessera exec` and `tessera shell` give a child process: a fresh
 * token, the profile's URLs in the forms each consumer reads, and optionally an ICA
 * project id; never the API key itself.
 *
 * - icav2 reads `ICAV2_SERVER_URL` as a bare host (its config's `server-url`, default
 *   `ica.illumina.com`) and talks https to it, so the port is added only when it is not
 *   443, and the scheme and path are dropped.
 * - Python tooling on the public OpenAPI (libica, wrapica) reads `ICAV2_BASE_URL`, the
 *   full REST base (`https://ica.illumina.com/ica/rest`), and `ICAV2_PROJECT_ID`.
 */
import { TokenOptionsSchema, type TokenOptions } from '../../src-shared/base-schemas.js';
import { TesseraError } from '../errors.js';
import { parseInput } from '../validate.js';
import { resolveProject, type IcaProjectsClient } from '../ica/projects.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { icaUrlOf, tssUrlOf } from '../profiles/view.js';
import type { TokenService } from '../tokens/service.js';

export interface ExecOptions extends TokenOptions {
  /** An ICA project name or id, resolved in the profile's tenant into ICAV2_PROJECT_ID. */
  project?: string;
}

/** Validates exec's options from any face: the token options, and a project name or id. */
export function parseExecOptions(o: unknown): ExecOptions {
  const { project, ...rest } = (o ?? {}) as { project?: unknown };
  if (project !== undefined && (typeof project !== 'string' || project.trim() === '' || project.length > 255)) {
    throw new TesseraError('INVALID_INPUT', 'The project must be an ICA project name or id (1 to 255 characters).');
  }
  const tokenOptions = parseInput(TokenOptionsSchema, rest, 'Invalid token options');
  return { ...tokenOptions, ...(project !== undefined && { project }) };
}

export interface ExecEnvironmentDeps {
  profiles: Pick<ProfileRepository, 'find'>;
  tokens: Pick<TokenService, 'ensure'>;
  projects: IcaProjectsClient;
}

/** `host`, or `host:port` when the port is not https's 443 (http URLs always carry theirs). */
export function icav2ServerUrl(icaBaseUrl: string): string {
  const url = new URL(icaBaseUrl);
  const port = url.port || (url.protocol === 'http:' ? '80' : '');
  return port && port !== '443' ? `${url.hostname}:${port}` : url.hostname;
}

export function createExecEnvironment(deps: ExecEnvironmentDeps) {
  return async (name: string, rawOptions?: ExecOptions): Promise<Record<string, string>> => {
    const { project, ...tokenOptions } = parseExecOptions(rawOptions);
    const profile = await deps.profiles.find(name);
    const { token } = await deps.tokens.ensure(profile, tokenOptions);
    const base = icaUrlOf(profile);
    const env: Record<string, string> = {
      ICAV2_ACCESS_TOKEN: token,
      ICAV2_SERVER_URL: icav2ServerUrl(base),
      ICAV2_BASE_URL: base.replace(/\/+$/, ''),
      TESSERA_TSS_URL: tssUrlOf(profile),
      TESSERA_DOMAIN: profile.domain,
      TESSERA_PROFILE: profile.name,
    };
    if (profile.workgroup) env.TESSERA_WORKGROUP = profile.workgroup;
    if (project !== undefined) env.ICAV2_PROJECT_ID = (await resolveProject(deps.projects, base, token, project)).id;
    return env;
  };
}
