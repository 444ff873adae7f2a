/**
 * A fresh token as text in one of the formats (src-shared/token-formats.ts): the token
 * policy's token, and the profile's URLs for the formats that name them. The clipboard
 * copy and `tessera token --format` both go through here.
 */
import type { TokenOptions } from '../../src-shared/base-schemas.js';
import type { TokenStatus } from '../../src-shared/schemas.js';
import type { TokenFormat } from '../../src-shared/token-formats.js';
import { formatToken } from '../clipboard/format.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { tssUrlOf } from '../profiles/view.js';
import type { TokenService } from './service.js';

export interface TokenText {
  /** The profile's name as stored (the lookup also takes a unique case-insensitive match). */
  profile: string;
  text: string;
  status: TokenStatus;
}

export interface TokenTextDeps {
  profiles: Pick<ProfileRepository, 'find'>;
  tokens: Pick<TokenService, 'ensure'>;
}

export function createTokenText(deps: TokenTextDeps): (name: string, format: TokenFormat, options?: TokenOptions) => Promise<TokenText> {
  return async (name, format, options = {}) => {
    const profile = await deps.profiles.find(name);
    const { token, status } = await deps.tokens.ensure(profile, options);
    const text = formatToken(format, token, {
      domain: profile.domain,
      tssUrl: tssUrlOf(profile),
      ...(profile.workgroup ? { workgroup: profile.workgroup } : {}),
      expiresAt: status.expiresAt,
      source: status.source,
    });
    return { profile: profile.name, text, status };
  };
}
