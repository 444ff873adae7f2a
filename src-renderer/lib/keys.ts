/**
 * Rules about API keys that the UI explains: keys should be rotated yearly, so we
 * warn from 11 months on; a key the platform refused carries `rejectedAt`.
 */
import type { ProfileView } from '../../src-shared/schemas.js';
import { monthsBetween } from './format.js';

const KEY_ROTATION_WARN_MONTHS = 11;

export interface KeyWarning {
  kind: 'rejected' | 'old';
  text: string;
}

export function keyWarnings(profile: ProfileView, now: Date = new Date()): KeyWarning[] {
  const out: KeyWarning[] = [];
  // No key yet: nothing to rotate or to have been rejected (the key card asks for one).
  if (profile.needsKey) return out;
  const noun = profile.credentialKind === 'api-key' ? 'key' : 'password';
  if (profile.key.rejectedAt) {
    out.push({ kind: 'rejected', text: `The platform rejected this ${noun}. Replace it.` });
  }
  const months = monthsBetween(profile.key.storedAt, now);
  if (profile.credentialKind === 'api-key' && months >= KEY_ROTATION_WARN_MONTHS) {
    out.push({ kind: 'old', text: `Key is ${months} months old: rotate it (keys should be rotated yearly).` });
  }
  return out;
}

/**
 * Extracts the key from a pasted value or from the .txt file the Illumina web UI
 * downloads. The file's exact layout is not documented, so accept either a bare key
 * or a `Label: value` line, and ignore blank lines.
 */
export function extractApiKey(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return '';
  for (const line of lines) {
    const m = /^(?:api[\s_-]*key|key)\s*[:=]\s*(\S+)$/i.exec(line);
    if (m?.[1]) return m[1];
  }
  const candidates = lines.filter((l) => !/\s/.test(l));
  if (candidates.length === 0) return lines[0] ?? '';
  return candidates.reduce((a, b) => (b.length > a.length ? b : a));
}

/** Reads a dropped or chosen key file without keeping it anywhere but the returned string. */
export async function readKeyFile(file: File): Promise<string> {
  if (file.size > 64 * 1024) throw Object.assign(new Error('That file is too large to be an API key file (.txt).'), { code: 'INVALID_INPUT' });
  return extractApiKey(await file.text());
}
