/**
 * The environment `tessera exec` gives a child process: a fresh token and the profile's
 * URLs, never the API key itself.
 */
import type { TokenOptions } from '../../src-shared/base-schemas.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { icaUrlOf, tssUrlOf } from '../profiles/view.js';
import type { TokenService } from '../tokens/service.js';

export interface ExecEnvironmentDeps {
  profiles: Pick<ProfileRepository, 'find'>;
  tokens: Pick<TokenService, 'ensure'>;
}

export function createExecEnvironment(deps: ExecEnvironmentDeps) {
  return async (name: string, options: TokenOptions = {}): Promise<Record<string, string>> => {
    const profile = await deps.profiles.find(name);
    const { token } = await deps.tokens.ensure(profile, options);
    const env: Record<string, string> = {
      ICAV2_ACCESS_TOKEN: token,
      ICAV2_SERVER_URL: icaUrlOf(profile),
      TESSERA_TSS_URL: tssUrlOf(profile),
      TESSERA_DOMAIN: profile.domain,
      TESSERA_PROFILE: profile.name,
    };
    if (profile.workgroup) env.TESSERA_WORKGROUP = profile.workgroup;
    return env;
  };
}
