/**
 * The renderer's only door to the outside world: `window.tessera`, exposed by the
 * Electron preload (or, in the browser harness, by the harness bridge script).
 * Nothing else in src-renderer talks to a network, a file system or Node.
 */
import type { TesseraBridge } from '../../src-shared/contract.js';

declare global {
  interface Window {
    tessera?: TesseraBridge;
  }
}

/** The bridge, looked up lazily so component tests can install a fake before rendering. */
export function tessera(): TesseraBridge {
  const bridge = window.tessera;
  if (!bridge) throw Object.assign(new Error('Tessera bridge is missing: open this page through the desktop app or `npm run harness`.'), { code: 'INTERNAL' });
  return bridge;
}

export function hasBridge(): boolean {
  return typeof window !== 'undefined' && !!window.tessera;
}
