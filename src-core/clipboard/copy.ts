/**
 * Copying a token: a fresh token in the asked format (tokens/text.ts), written to the
 * clipboard by the hygiene service (which clears it later if it is still ours), and
 * announced with a `copied` event that carries no secret but says where the copy was
 * asked for.
 */
import { CopyFormatSchema, CopyOriginSchema } from '../../src-shared/base-schemas.js';
import type { CopyResult } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { createTokenText } from '../tokens/text.js';
import { parseInput } from '../validate.js';
import type { ClipboardHygiene } from './hygiene.js';

export interface CopyDeps {
  tokenText: ReturnType<typeof createTokenText>;
  clipboard: ClipboardHygiene;
  events: EventBus;
}

export function createTokenCopier(deps: CopyDeps): (name: string, format: unknown, origin?: unknown) => Promise<CopyResult> {
  return async (name, format, origin = 'window') => {
    const fmt = parseInput(CopyFormatSchema, format, 'Invalid format');
    const from = parseInput(CopyOriginSchema, origin, 'Invalid copy origin');
    if (!deps.clipboard.available) throw new TesseraError('INTERNAL', 'No clipboard is available here; print the token instead (tessera token).');
    const { profile, text, status } = await deps.tokenText(name, fmt);
    const { clearsAt } = await deps.clipboard.copy(text);
    const result: CopyResult = { profile, format: fmt, origin: from, expiresAt: status.expiresAt, clearsAt };
    deps.events.emit({ type: 'copied', result });
    return result;
  };
}
