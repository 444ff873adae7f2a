/**
 * Copying a token: a fresh token (the token policy), formatted for the profile, written
 * to the clipboard by the hygiene service (which clears it later if it is still ours),
 * and announced with a `copied` event that carries no secret.
 */
import { TokenFormatSchema } from '../../src-shared/base-schemas.js';
import type { CopyResult } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { toProfileView } from '../profiles/view.js';
import type { TokenService } from '../tokens/service.js';
import { parseInput } from '../validate.js';
import { formatToken } from './format.js';
import type { ClipboardHygiene } from './hygiene.js';

export interface CopyDeps {
  profiles: Pick<ProfileRepository, 'find'>;
  tokens: Pick<TokenService, 'ensure'>;
  clipboard: ClipboardHygiene;
  events: EventBus;
}

export function createTokenCopier(deps: CopyDeps): (name: string, format: unknown) => Promise<CopyResult> {
  return async (name, format) => {
    const fmt = parseInput(TokenFormatSchema, format, 'Invalid format');
    if (!deps.clipboard.available) throw new TesseraError('INTERNAL', 'No clipboard is available here; print the token instead (tessera token).');
    const profile = await deps.profiles.find(name);
    const { token: jwt, status } = await deps.tokens.ensure(profile);
    const view = toProfileView(profile);
    const text = formatToken(fmt, jwt, { domain: view.domain, tssUrl: view.tssUrl, ...(view.workgroup ? { workgroup: view.workgroup } : {}) });
    const { clearsAt } = await deps.clipboard.copy(text);
    const result: CopyResult = { profile: profile.name, format: fmt, expiresAt: status.expiresAt, clearsAt };
    deps.events.emit({ type: 'copied', result });
    return result;
  };
}
