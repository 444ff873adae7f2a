import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTRACT_METHODS, EVENT_CHANNEL } from '../../src-shared/contract.js';

const exposed = new Map<string, unknown>();
const ipcRenderer = {
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
};
const contextBridge = { exposeInMainWorld: vi.fn((key: string, api: unknown) => exposed.set(key, api)) };

vi.mock('electron', () => ({ default: { contextBridge, ipcRenderer }, contextBridge, ipcRenderer }));

type Bridge = Record<string, (...args: unknown[]) => unknown>;

async function loadPreload(): Promise<Bridge> {
  exposed.clear();
  vi.resetModules();
  await import('../../src-main/preload.js');
  return exposed.get('tessera') as Bridge;
}

describe('preload', () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it('exposes exactly window.tessera: every contract method plus onEvent, nothing else', async () => {
    const bridge = await loadPreload();
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...exposed.keys()]).toEqual(['tessera']);
    expect(Object.keys(bridge).sort()).toEqual([...CONTRACT_METHODS, 'onEvent'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('forwards each method to tessera:<method> with its arguments and unwraps the value', async () => {
    const bridge = await loadPreload();
    for (const method of CONTRACT_METHODS) {
      ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { method } });
      await expect(bridge[method]!('a', { b: 1 })).resolves.toEqual({ method });
      expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(`tessera:${method}`, 'a', { b: 1 });
    }
  });

  it('rejects with a plain {name, code, message} object (contextBridge drops Error fields)', async () => {
    const bridge = await loadPreload();
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'LOCKED', message: 'Tessera is locked.' } });
    await expect(bridge.listProfiles!()).rejects.toEqual({ name: 'TesseraError', code: 'LOCKED', message: 'Tessera is locked.' });
    ipcRenderer.invoke.mockResolvedValueOnce('garbage');
    await expect(bridge.listProfiles!()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('onEvent delivers the payload only (never the IpcRendererEvent) and unsubscribes', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    const off = bridge.onEvent!(listener) as () => void;
    expect(ipcRenderer.on).toHaveBeenCalledWith(EVENT_CHANNEL, expect.any(Function));
    const handler = ipcRenderer.on.mock.calls[0]![1] as (event: unknown, payload: unknown) => void;
    handler({ sender: ipcRenderer, ports: [] }, { type: 'locked' });
    expect(listener).toHaveBeenCalledWith({ type: 'locked' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_CHANNEL, handler);
    expect(() => bridge.onEvent!('not a function')).toThrow(TypeError);
  });

  it('imports only electron (contextBridge, ipcRenderer) and the plain channel list: sandbox-compatible', () => {
    const text = readFileSync(join(import.meta.dirname, '../../src-main/preload.ts'), 'utf8');
    const imports = [...text.matchAll(/^import\s+(?:type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm)].map((m) => ({ what: m[1]!, from: m[2]! }));
    expect(imports.map((i) => i.from).sort()).toEqual(['../src-shared/channels.js', 'electron']);
    const fromElectron = imports.find((i) => i.from === 'electron')!.what.replace(/[{}\s]/g, '').split(',').filter((n) => !n.startsWith('type'));
    expect(fromElectron.sort()).toEqual(['contextBridge', 'ipcRenderer']);
    expect(text).not.toMatch(/require\(|\bprocess\.[a-z]|'node:/);
    // The channel list itself imports nothing at run time (no zod in the preload bundle).
    const channels = readFileSync(join(import.meta.dirname, '../../src-shared/channels.ts'), 'utf8');
    expect(channels).not.toMatch(/^import\s/m);
  });
});

describe('the built preload bundle', () => {
  const bundle = join(import.meta.dirname, '../../out/preload/preload.cjs');
  it.runIf(existsSync(bundle))('is CommonJS that requires nothing but electron', () => {
    const text = readFileSync(bundle, 'utf8');
    const required = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
  });
});
