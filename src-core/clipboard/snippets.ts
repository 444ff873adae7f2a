/**
 * Copying a profile's "Use it in…" snippet (src-shared/snippets.ts): commands built
 * from the profile's real URLs, holding no secret, so the clipboard keeps them without
 * a clear timer.
 */
import { TesseraError } from '../errors.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { toProfileView } from '../profiles/view.js';
import type { ClipboardHygiene } from './hygiene.js';

export function createSnippetCopier(deps: { profiles: Pick<ProfileRepository, 'find'>; clipboard: Pick<ClipboardHygiene, 'copyPlain'> }) {
  return async (name: string, id: string): Promise<void> => {
    // Loaded when used: the snippets are no part of `tessera token`.
    const { buildSnippets } = await import('../../src-shared/snippets.js');
    const snippet = buildSnippets(toProfileView(await deps.profiles.find(name))).find((s) => s.id === id);
    if (!snippet) throw new TesseraError('INVALID_INPUT', `No snippet named "${id}"`);
    await deps.clipboard.copyPlain(snippet.text);
  };
}
