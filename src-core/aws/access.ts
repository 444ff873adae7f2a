/**
 * ICA project data for the AWS tools, as the faces ask for it: credentials for one
 * project folder (cached per profile, project, folder and mode by aws/credentials.ts),
 * the container-credentials endpoint that serves them to `tessera exec`'s child, the
 * project list and the non-secret facts and commands the app's "ICA data" card shows.
 * Only credentials and the endpoint carry secrets; nothing else here returns one.
 */
import { AwsAccessRequestSchema, AwsCommandKindSchema } from '../../src-shared/base-schemas.js';
import type { AwsAccess, AwsCommandCopy, IcaProjectSummary } from '../../src-shared/schemas.js';
import type { ClipboardHygiene } from '../clipboard/hygiene.js';
import { startAwsEndpoint, type AwsEndpoint } from './endpoint.js';
import type { Http } from '../http/request.js';
import { createIcaProjectDataClient } from '../ica/project-data.js';
import type { IcaProjectsClient } from '../ica/projects.js';
import type { Clock, Logger } from '../ports.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { icaUrlOf } from '../profiles/view.js';
import type { TokenService } from '../tokens/service.js';
import { parseInput } from '../validate.js';
import { awsCommandLines, defaultAwsProfileName } from './commands.js';
import { createAwsCredentialService, factsOf, type AwsCredentialRequest, type AwsCredentials } from './credentials.js';

export interface AwsAccessDeps {
  profiles: Pick<ProfileRepository, 'find' | 'awsCredentialsSlot'>;
  tokens: Pick<TokenService, 'ensure'>;
  http: Http;
  projects: IcaProjectsClient;
  clipboard: Pick<ClipboardHygiene, 'copy'>;
  clock: Clock;
  logger?: Logger;
}

export function createAwsAccess(deps: AwsAccessDeps) {
  const log = deps.logger ? { logger: deps.logger } : {};
  const service = createAwsCredentialService({ profiles: deps.profiles, tokens: deps.tokens, projects: deps.projects, data: createIcaProjectDataClient(deps.http), clock: deps.clock, ...log });
  const request = (o: unknown): AwsCredentialRequest => parseInput(AwsAccessRequestSchema, o, 'Invalid ICA data selection');

  /** The non-secret facts of a folder's credentials and the commands that use them (the app's ICA data card). */
  async function ensureAccess(name: string, selection: unknown): Promise<AwsAccess> {
    const parsed = request(selection);
    const profile = await deps.profiles.find(name);
    const { source: _source, ...facts } = factsOf(await service.ensure(profile.name, parsed));
    const awsProfile = defaultAwsProfileName(profile.name, facts.projectName, facts.path, facts.readOnly);
    // The app cannot know where the CLI is installed: its commands assume `tessera` on PATH.
    const commands = awsCommandLines({ tessera: ['tessera'], profile: profile.name, projectId: facts.projectId, path: facts.path, readOnly: facts.readOnly, awsProfile, s3Uri: facts.s3Uri });
    return { ...facts, awsProfile, commands };
  }

  return {
    credentials: async (name: string, selection: unknown): Promise<AwsCredentials> => service.ensure(name, request(selection)),
    /** Starts the container-credentials endpoint after one successful request (a wrong folder fails before the child starts). */
    startEndpoint: async (name: string, selection: unknown): Promise<AwsEndpoint> => {
      const parsed = request(selection);
      return startAwsEndpoint({ credentials: () => service.ensure(name, parsed), ...log });
    },
    listProjects: async (name: string): Promise<IcaProjectSummary[]> => {
      const profile = await deps.profiles.find(name);
      const { token } = await deps.tokens.ensure(profile);
      const projects = await deps.projects.search(icaUrlOf(profile), token, '');
      return projects.map((p) => ({ id: p.id, name: p.name, region: p.region?.code ?? null }));
    },
    ensureAccess,
    copyCommand: async (name: string, selection: unknown, kind: unknown): Promise<AwsCommandCopy> => {
      const which = parseInput(AwsCommandKindSchema, kind, 'Invalid command kind');
      const access = await ensureAccess(name, selection);
      const { clearsAt } = await deps.clipboard.copy(access.commands[which]);
      return { kind: which, clearsAt };
    },
  };
}
