/**
 * Desktop notifications. A copy is confirmed with the profile, the format, how long
 * the token stays valid and when the clipboard clears; never the token itself.
 */
import type { CopyResult } from '../src-shared/schemas.js';
import { TOKEN_FORMATS } from '../src-shared/token-formats.js';

export interface NotificationContent {
  title: string;
  body: string;
}

const sentenceStart = (words: string): string => words.charAt(0).toUpperCase() + words.slice(1);

function clockTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function copyNotification(result: CopyResult, locale?: string): NotificationContent {
  const clears = result.clearsAt ? `Clipboard clears at ${clockTime(result.clearsAt, locale)}.` : 'The clipboard is not cleared automatically.';
  return {
    title: `${sentenceStart(TOKEN_FORMATS[result.format]?.noun ?? 'token')} copied for ${result.profile}`,
    body: `Valid until ${clockTime(result.expiresAt, locale)}. ${clears}`,
  };
}

/** A failed quick copy: the typed error's message, which never carries a secret. */
export function copyFailedNotification(profile: string | undefined, error: { code: string; message: string }): NotificationContent {
  return {
    title: profile ? `Could not copy a token for ${profile}` : 'Could not copy a token',
    body: error.message,
  };
}

export interface NotificationCtorLike {
  new (options: { title: string; body: string; silent?: boolean; icon?: string }): { show(): void };
  isSupported(): boolean;
}

export type Notify = (content: NotificationContent) => void;

export function createNotifier(Notification: NotificationCtorLike, icon?: string): Notify {
  return (content) => {
    try {
      if (!Notification.isSupported()) return;
      new Notification({ title: content.title, body: content.body, silent: true, ...(icon ? { icon } : {}) }).show();
    } catch {
      // A desktop without a notification daemon must not break copying.
    }
  };
}
