/** Plain-text tables and ages for human output (stdout stays parseable: no colours, no box drawing). */

/**
 * C0 controls except tab and line feed, DEL, C1 controls (0x9b alone starts an escape
 * sequence on many terminals) and the bidirectional overrides and isolates that make
 * text display in another order than it reads.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text safe to print on a terminal: every character above is replaced by its
 * visible `\uXXXX` escape. Server-supplied text (case fields, error messages) could
 * otherwise write the clipboard (OSC 52), retitle the window, clear the screen or hide
 * text. The escape is JSON's own spelling of the same character, so JSON output stays
 * valid JSON with unchanged values (inside JSON such characters only occur in strings).
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** "today", "3 days ago", "14 months ago": coarse on purpose, for key ages. */
export function age(iso: string, now = Date.now()): string {
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  if (!Number.isFinite(days)) return 'unknown';
  if (days <= 0) return 'today';
  if (days === 1) return '1 day ago';
  if (days < 60) return `${days} days ago`;
  return `${Math.floor(days / 30.44)} months ago`;
}

/** "59 min", "2 h 5 min": time left on a token. */
export function remaining(expiresAtIso: string, now = Date.now()): string {
  const minutes = Math.floor((Date.parse(expiresAtIso) - now) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "just now", "4 min ago", "3 h ago", "2 days ago": how old data is. */
export function ago(iso: string, now = Date.now()): string {
  const minutes = Math.floor((now - Date.parse(iso)) / 60_000);
  if (!Number.isFinite(minutes)) return 'at an unknown time';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} days ago`;
}
