/**
 * IPC generated from the contract: one `ipcMain.handle('tessera:<method>')` per
 * method, each checking the sender frame's origin and then handing the raw
 * arguments to the shared `dispatch()` (zod validation, error mapping), so the
 * Electron transport and the HTTP harness cannot disagree. Handlers never throw and
 * never log arguments (addProfile and replaceCredential carry secrets).
 */
import type { IpcMainInvokeEvent } from 'electron';
import {
  CONTRACT_METHODS,
  EVENT_CHANNEL,
  IPC_PREFIX,
  channelFor,
  type Envelope,
  type TesseraApi,
  type TesseraEvent,
  type TesseraMethod,
} from '../src-shared/contract.js';
import { CONTRACT_METHOD_NAMES, IPC_CHANNEL_PREFIX, IPC_EVENT_CHANNEL, type ContractMethodName } from '../src-shared/channels.js';
import { ERROR_ACTIONS } from '../src-shared/errors.js';
import { loadRpc, type Logger } from '../src-core/index.js';
import { isTrustedUrl, originOf, type RendererSource } from './origin.js';

// The preload's channel list must name exactly the contract's methods: adding a
// method to TesseraApi without adding it to src-shared/channels.ts fails here.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelListMatchesContract: Exact<ContractMethodName, TesseraMethod> = true;
void channelListMatchesContract;
// The duplicated channel constants must agree too (checked again at run time below).
if (IPC_CHANNEL_PREFIX !== IPC_PREFIX || IPC_EVENT_CHANNEL !== EVENT_CHANNEL || CONTRACT_METHOD_NAMES.length !== CONTRACT_METHODS.length) {
  throw new Error('src-shared/channels.ts is out of step with src-shared/contract.ts');
}

/** The part of Electron's ipcMain this module uses (so tests can pass a recorder). */
interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of an invoke event the origin check reads. */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

const FORBIDDEN_ORIGIN_ERROR = { code: 'FORBIDDEN_ORIGIN', message: ERROR_ACTIONS.FORBIDDEN_ORIGIN } as const;

/**
 * A request is trusted only from the top frame of a page on the app's own origin.
 * A frame that has navigated away or been destroyed (`senderFrame` null) is refused.
 */
export function isTrustedSender(event: SenderEvent | null | undefined, source: Pick<RendererSource, 'origin'>): boolean {
  try {
    const frame = event?.senderFrame;
    if (!frame) return false;
    if (frame.parent) return false;
    return isTrustedUrl(frame.url, source);
  } catch {
    // Reading a disposed frame throws in Electron: treat it as untrusted.
    return false;
  }
}

export interface RegisterIpcOptions {
  ipcMain: IpcMainLike;
  api: TesseraApi;
  source: Pick<RendererSource, 'origin'>;
  logger?: Logger;
}

/** Registers every contract method once; returns a function that removes them all. */
export function registerIpc({ ipcMain, api, source, logger }: RegisterIpcOptions): () => void {
  const registered: string[] = [];
  for (const method of CONTRACT_METHODS) {
    const channel = channelFor(method);
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => handleInvoke(api, method, event, args, source, logger));
    registered.push(channel);
  }
  return () => {
    for (const channel of registered.splice(0)) ipcMain.removeHandler(channel);
  };
}

/** One invocation: origin check, then the shared dispatcher. Resolves to an Envelope, always. */
export async function handleInvoke(
  api: TesseraApi,
  method: TesseraMethod,
  event: SenderEvent | null | undefined,
  args: unknown[],
  source: Pick<RendererSource, 'origin'>,
  logger?: Logger,
): Promise<Envelope<unknown>> {
  try {
    if (!isTrustedSender(event, source)) {
      // Only the method and the origin are logged: the arguments may hold a key.
      logger?.warn('IPC call refused from an untrusted frame', { method, origin: safeOrigin(event) });
      return { ok: false, error: { ...FORBIDDEN_ORIGIN_ERROR } };
    }
    return await (await loadRpc()).dispatch(api, method, args);
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: 'An unexpected error occurred.' } };
  }
}

function safeOrigin(event: SenderEvent | null | undefined): string {
  try {
    return originOf(event?.senderFrame?.url) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What event forwarding needs from a window's webContents. */
export interface EventTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Pushes every core event to the app's own pages on the one `tessera:event` channel.
 * A page that navigated elsewhere (it cannot, but defence in depth) gets nothing.
 */
export function forwardEvents(
  core: { onEvent(listener: (event: TesseraEvent) => void): () => void },
  targets: () => Iterable<EventTarget>,
  source: Pick<RendererSource, 'origin'>,
): () => void {
  return core.onEvent((event) => {
    for (const target of targets()) {
      try {
        if (target.isDestroyed() || !isTrustedUrl(target.getURL(), source)) continue;
        target.send(EVENT_CHANNEL, event);
      } catch {
        // A window closing mid-send must not break delivery to the others.
      }
    }
  });
}

