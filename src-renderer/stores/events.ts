/** Routes push events from `window.tessera.onEvent` into the stores. */
import type { TesseraEvent } from '../../src-shared/contract.js';
import { tessera } from '../lib/bridge.js';
import { formatWhen } from '../lib/format.js';
import { setLocked, toast, useApp } from './app.js';
import { resetCases } from './cases.js';
import { copiedMessage, copiedTitle, isOwnCopy, loadProfiles, setTokenStatus } from './profiles.js';
import { applyProgress } from './sync.js';
import { resetTests } from './tests.js';

export function handleEvent(event: TesseraEvent): void {
  switch (event.type) {
    case 'profiles-changed':
      void loadProfiles();
      break;
    case 'token':
      setTokenStatus(event.profile, event.status);
      break;
    case 'sync':
      applyProgress(event.progress);
      break;
    case 'copied':
      // Copies started elsewhere (tray, shortcut) still deserve a confirmation here.
      if (!isOwnCopy(event.result)) toast('success', copiedTitle(event.result), copiedMessage(event.result));
      break;
    case 'clipboard-cleared':
      toast('info', 'Clipboard cleared', `Cleared at ${formatWhen(Date.now())}.`);
      break;
    case 'locked':
      // The lock screen replaces the whole tree, so revealed tokens and typed keys unmount with it;
      // cached case rows are dropped too, as the core has closed the cache.
      setLocked(true, event.vault);
      resetCases();
      resetTests();
      break;
    case 'unlocked':
      setLocked(false);
      void loadProfiles();
      break;
    case 'settings-changed':
      useApp.setState({ settings: event.settings });
      break;
  }
}

export function subscribeEvents(): () => void {
  return tessera().onEvent(handleEvent);
}
