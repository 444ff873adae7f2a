/**
 * Preload: exposes exactly the contract as `window.tessera` and nothing else.
 *
 * It runs sandboxed (bundled to CommonJS by electron-vite), so it imports only
 * `contextBridge` and `ipcRenderer` from Electron and the plain channel list from
 * src-shared: no Node module, no zod, and no Electron object ever reaches the page.
 * Each method forwards its arguments to `tessera:<method>` and unwraps the Envelope;
 * main validates everything, so nothing is checked twice here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CONTRACT_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannelFor } from '../src-shared/channels.js';

/** A rejected call: a plain object, because contextBridge drops custom fields of an Error. */
export interface BridgeError {
  name: 'TesseraError';
  code: string;
  message: string;
}

type EnvelopeLike = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

function unwrap(envelope: unknown): unknown {
  const e = envelope as EnvelopeLike | null;
  if (e && typeof e === 'object' && e.ok === true) return e.value;
  if (e && typeof e === 'object' && e.ok === false && e.error && typeof e.error === 'object') {
    throw { name: 'TesseraError', code: String(e.error.code), message: String(e.error.message) } satisfies BridgeError;
  }
  throw { name: 'TesseraError', code: 'INTERNAL', message: 'Unexpected answer from the main process.' } satisfies BridgeError;
}

function buildBridge(): Record<string, unknown> {
  const bridge: Record<string, unknown> = {};
  for (const method of CONTRACT_METHOD_NAMES) {
    const channel = ipcChannelFor(method);
    bridge[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args).then(unwrap);
  }
  bridge.onEvent = (listener: unknown) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent expects a function');
    // The IpcRendererEvent is never passed on: it would hand the page `sender` (ipcRenderer).
    const handler = (_event: IpcRendererEvent, payload: unknown) => {
      (listener as (event: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  };
  return Object.freeze(bridge);
}

contextBridge.exposeInMainWorld('tessera', buildBridge());
