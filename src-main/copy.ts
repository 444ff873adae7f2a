/**
 * Copying happens in main (the renderer only asks): the core writes the token
 * through the Electron clipboard port and schedules the clear; main confirms every
 * copy with a notification, whether it came from the window, the tray or the
 * global shortcut.
 */
import type { TesseraApi } from '../src-shared/contract.js';
import type { CopyFormat, CopyOrigin, CopyResult } from '../src-shared/schemas.js';
import { toErrorInfo } from '../src-core/index.js';
import { copyFailedNotification, copyNotification, type Notify } from './notifications.js';

/** The same API with `copyToken` confirmed by a notification. Other methods pass through untouched. */
export function withCopyNotifications<T extends TesseraApi>(api: T, notify: Notify): T {
  const copyToken = async (name: string, format: CopyFormat, origin?: CopyOrigin): Promise<CopyResult> => {
    const result = await api.copyToken(name, format, origin);
    notify(copyNotification(result));
    return result;
  };
  return new Proxy(api, {
    get(target, property) {
      if (property === 'copyToken') return copyToken;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A copy from the tray or the shortcut: there is no window to show an error in, so a
 * failure becomes a notification with the typed message. Never rejects.
 */
export async function quickCopy(
  api: Pick<TesseraApi, 'copyToken'>,
  notify: Notify,
  profile: string | undefined,
  format: CopyFormat,
  origin: Extract<CopyOrigin, 'tray' | 'shortcut'>,
): Promise<CopyResult | null> {
  if (!profile) {
    notify(copyFailedNotification(undefined, { code: 'PROFILE_NOT_FOUND', message: 'No profile yet: open Tessera and add one (or try the demo tenant).' }));
    return null;
  }
  try {
    return await api.copyToken(profile, format, origin);
  } catch (error) {
    notify(copyFailedNotification(profile, toErrorInfo(error)));
    return null;
  }
}
