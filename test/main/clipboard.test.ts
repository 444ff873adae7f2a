import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSim, type Sim } from '../../sim/index.js';
import { createClipboardHygiene } from '../../src-core/clipboard/hygiene.js';
import { createEventBus } from '../../src-core/events.js';
import { systemClock, systemTimers, type Timers } from '../../src-core/ports.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import { createTessera } from '../../src-core/tessera.js';
import { concealmentFormats, createElectronClipboard, rawFormat } from '../../src-main/clipboard.js';
import { createDemoPort } from '../../src-main/demo.js';
import { createElectronPorts } from '../../src-main/ports.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

/** Electron 45's clipboard as far as Tessera uses it: one entry of MIME-typed payloads. */
function fakeElectronClipboard() {
  const state = { formats: new Map<string, string | Blob>(), writes: 0, clears: 0, refuseRaw: false };
  class ClipboardItem {
    constructor(readonly items: Record<string, string | Blob>) {}
  }
  const clipboard = {
    async write(items: unknown[]) {
      const item = items[0] as ClipboardItem;
      if (state.refuseRaw && Object.keys(item.items).some((k) => k.startsWith('electron application/osclipboard'))) throw new TypeError('unsupported format');
      state.formats = new Map(Object.entries(item.items));
      state.writes += 1;
    },
    async writeText(text: string) {
      state.formats = new Map([['text/plain', text]]);
      state.writes += 1;
    },
    async readText() {
      const text = state.formats.get('text/plain');
      return typeof text === 'string' ? text : '';
    },
    clear() {
      state.formats = new Map();
      state.clears += 1;
    },
  };
  /** Another application copies something. */
  const userCopies = (text: string) => {
    state.formats = new Map([['text/plain', text]]);
  };
  return { state, clipboard, ClipboardItem, userCopies };
}

describe('concealment formats', () => {
  it('marks the copy for clipboard managers on each platform', async () => {
    expect(Object.keys(concealmentFormats('linux'))).toEqual([rawFormat('x-kde-passwordManagerHint')]);
    expect(concealmentFormats('linux')[rawFormat('x-kde-passwordManagerHint')]).toBe('secret');
    expect(Object.keys(concealmentFormats('darwin'))).toEqual([rawFormat('org.nspasteboard.ConcealedType')]);
    const win = concealmentFormats('win32');
    expect(Object.keys(win).sort()).toEqual(
      [rawFormat('CanIncludeInClipboardHistory'), rawFormat('CanUploadToCloudClipboard'), rawFormat('ExcludeClipboardContentFromMonitorProcessing')].sort(),
    );
    // DWORD 0: "do not keep in history", "do not sync to the cloud".
    const history = win[rawFormat('CanIncludeInClipboardHistory')] as Blob;
    expect([...new Uint8Array(await history.arrayBuffer())]).toEqual([0, 0, 0, 0]);
    expect(rawFormat('x')).toBe('electron application/osclipboard;format="x"');
  });

  it.each(['linux', 'darwin', 'win32'] as const)('%s: writes the text and the hints in one atomic entry', async (platform) => {
    const fake = fakeElectronClipboard();
    const port = createElectronClipboard({ clipboard: fake.clipboard, ClipboardItem: fake.ClipboardItem, platform });
    await port.writeSecret('eyJ.secret.token');
    expect(fake.state.writes).toBe(1);
    expect(fake.state.formats.get('text/plain')).toBe('eyJ.secret.token');
    for (const format of Object.keys(concealmentFormats(platform))) expect(fake.state.formats.has(format)).toBe(true);
    // The hints never carry the secret itself.
    for (const [format, value] of fake.state.formats) if (format !== 'text/plain') expect(value).not.toBe('eyJ.secret.token');
  });

  it('falls back to plain text when the platform refuses a raw format, and logs no secret', async () => {
    const fake = fakeElectronClipboard();
    fake.state.refuseRaw = true;
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const port = createElectronClipboard({ clipboard: fake.clipboard, ClipboardItem: fake.ClipboardItem, platform: 'linux', logger });
    await port.writeSecret('eyJ.secret.token');
    expect(await port.readText()).toBe('eyJ.secret.token');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('eyJ.secret.token');
  });
});

describe('clearing on quit: the core decides, the port only clears', () => {
  it('clears only while the clipboard still holds our copy, also with the timer off', async () => {
    const fake = fakeElectronClipboard();
    const port = createElectronClipboard({ clipboard: fake.clipboard, ClipboardItem: fake.ClipboardItem, platform: 'linux' });
    // clipboardClearSeconds 0: no timed clear, yet quitting must still leave no token behind.
    const hygiene = createClipboardHygiene({ clipboard: port, timers: systemTimers, clock: systemClock, clearSeconds: async () => 0 });
    expect(await hygiene.clearNow()).toBe(false);
    expect((await hygiene.copy('token-1')).clearsAt).toBeNull();
    expect(await fake.clipboard.readText()).toBe('token-1');
    expect(await hygiene.clearNow()).toBe(true);
    expect(await fake.clipboard.readText()).toBe('');
    await hygiene.copy('token-2');
    fake.userCopies('my own notes');
    expect(await hygiene.clearNow()).toBe(false);
    expect(await fake.clipboard.readText()).toBe('my own notes');
    expect(fake.state.clears).toBe(1);
  });

  it('the port keeps no ownership: it writes, reads and clears whatever is there', async () => {
    const fake = fakeElectronClipboard();
    const port = createElectronClipboard({ clipboard: fake.clipboard, ClipboardItem: fake.ClipboardItem, platform: 'linux' });
    expect(Object.keys(port).sort()).toEqual(['clear', 'readText', 'writeSecret']);
    fake.userCopies('not ours');
    await port.clear();
    expect(await fake.clipboard.readText()).toBe('');
  });
});

describe('timed clear across the Electron port (core hygiene, fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(clearSeconds: number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fake = fakeElectronClipboard();
    const port = createElectronClipboard({ clipboard: fake.clipboard, ClipboardItem: fake.ClipboardItem, platform: 'linux' });
    const events = createEventBus();
    const cleared = vi.fn();
    events.on((e) => e.type === 'clipboard-cleared' && cleared());
    const timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    const hygiene = createClipboardHygiene({ clipboard: port, timers, clock: systemClock, clearSeconds: async () => clearSeconds, events });
    return { fake, hygiene, cleared };
  }

  it('clears after clipboardClearSeconds when the clipboard is unchanged', async () => {
    const { fake, hygiene, cleared } = setup(30);
    const { clearsAt } = await hygiene.copy('Authorization: Bearer eyJ.a.b');
    expect(Date.parse(clearsAt!) - Date.now()).toBe(30_000);
    expect(fake.state.formats.get(rawFormat('x-kde-passwordManagerHint'))).toBe('secret');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(await fake.clipboard.readText()).toBe('Authorization: Bearer eyJ.a.b');
    await vi.advanceTimersByTimeAsync(1);
    expect(await fake.clipboard.readText()).toBe('');
    expect(cleared).toHaveBeenCalledTimes(1);
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const { fake, hygiene, cleared } = setup(30);
    await hygiene.copy('eyJ.a.b');
    await vi.advanceTimersByTimeAsync(10_000);
    fake.userCopies('a sample sheet path');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await fake.clipboard.readText()).toBe('a sample sheet path');
    expect(fake.state.clears).toBe(0);
    expect(cleared).not.toHaveBeenCalled();
  });

  it('restarts the countdown on a second copy and never clears with 0 seconds', async () => {
    const { fake, hygiene } = setup(30);
    await hygiene.copy('first');
    await vi.advanceTimersByTimeAsync(20_000);
    await hygiene.copy('second');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await fake.clipboard.readText()).toBe('second');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await fake.clipboard.readText()).toBe('');
    const never = setup(0);
    expect((await never.hygiene.copy('kept')).clearsAt).toBeNull();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(await never.fake.clipboard.readText()).toBe('kept');
  });
});

describe('real core + simulator + Electron clipboard port', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ port: 0, host: '127.0.0.1', cases: 20, onSecretIssued: recordSecret });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('copyToken writes a concealed Authorization header and clears it when the timer fires, unless changed', async () => {
    const fake = fakeElectronClipboard();
    const port = createElectronClipboard({ clipboard: fake.clipboard, ClipboardItem: fake.ClipboardItem, platform: 'linux' });
    // A manual timer port: the network stays on real timers, the clear timer is ours to fire.
    const pending: { fn: () => void; ms: number }[] = [];
    const timers: Timers = { setTimeout: (fn, ms) => pending.push({ fn, ms }), clearTimeout: () => undefined };
    // The suite's simulator stands in for the embedded one (closed in afterAll, not by the port).
    const demo = createDemoPort(async () => ({ icaBaseUrl: sim.icaBaseUrl, tssBaseUrl: sim.tssBaseUrl, demo: sim.demo, close: async () => undefined }));
    const ports = createElectronPorts({
      netFetch: (input, init) => fetch(input, init),
      secrets: createMemoryStore(),
      dataDir: newDataDir('main-clipboard'),
      clipboard: port,
      demo,
      version: '0.1.0-test',
      versions: { electron: '45.5.0' },
    });
    const core = createTessera({ ...ports, timers });
    try {
      const view = await core.startDemo();
      const copied = await core.copyToken(view.name, 'header');
      expect(copied.clearsAt).not.toBeNull();
      const text = await fake.clipboard.readText();
      expect(text).toMatch(/^Authorization: Bearer eyJ/);
      recordSecret(text.replace('Authorization: Bearer ', ''));
      expect(fake.state.formats.get(rawFormat('x-kde-passwordManagerHint'))).toBe('secret');
      const clear = pending.at(-1)!;
      expect(clear.ms).toBe(30_000);
      clear.fn();
      await vi.waitFor(async () => expect(await fake.clipboard.readText()).toBe(''));

      await core.copyToken(view.name, 'env');
      expect(await fake.clipboard.readText()).toMatch(/^export ICAV2_ACCESS_TOKEN=eyJ/);
      fake.userCopies('something else');
      pending.at(-1)!.fn();
      await new Promise((r) => setTimeout(r, 20));
      expect(await fake.clipboard.readText()).toBe('something else');
    } finally {
      await core.dispose();
    }
  });
});
