import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { CONTRACT_METHODS, EVENT_CHANNEL, IPC_PREFIX, SECRET_BEARING_METHODS, channelFor } from '../../src-shared/contract.js';
import { CONTRACT_METHOD_NAMES, IPC_CHANNEL_PREFIX, IPC_EVENT_CHANNEL } from '../../src-shared/channels.js';
import { isErrorCode } from '../../src-shared/errors.js';
import { TesseraError } from '../../src-core/errors.js';
import { forwardEvents, handleInvoke, isTrustedSender, registerIpc } from '../../src-main/ipc.js';
import { resolveRendererSource } from '../../src-main/origin.js';
import { APP_EVENT, createFakeCore, createIpcRecorder, frameEvent } from './fakes.js';

const source = resolveRendererSource({ isPackaged: true });
const API_KEY = 'sk-test-0123456789abcdef';

/** Valid arguments per method, to check that good calls reach the core. */
const VALID_ARGS: Record<(typeof CONTRACT_METHODS)[number], unknown[]> = {
  listProfiles: [],
  addProfile: [{ name: 'lab', domain: 'demo-lab', region: 'us', credential: { kind: 'api-key', apiKey: API_KEY } }],
  updateProfile: ['lab', { workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f' }],
  removeProfile: ['lab'],
  replaceCredential: ['lab', { kind: 'api-key', apiKey: API_KEY }],
  exportProfiles: [['lab']],
  importProfiles: ['{"format":"tessera-profiles","version":1,"profiles":[]}'],
  findIcav2Config: [],
  importIcav2: [{ name: 'lab', region: 'us', scrub: true }],
  copySnippet: ['lab', 'curl-tss'],
  getTokenStatus: ['lab'],
  ensureToken: ['lab', { minTtlSeconds: 60 }],
  revealToken: ['lab'],
  copyToken: ['lab', 'header'],
  listIcaProjects: ['lab'],
  ensureAwsAccess: ['lab', { project: 'Oncology Validation', path: '/runs/', readOnly: true }],
  copyAwsCommand: ['lab', { project: 'Oncology Validation', path: '/runs/' }, 'awsLs'],
  getSettings: [],
  updateSettings: [{ clipboardClearSeconds: 10 }],
  doctor: [],
  getAppInfo: [],
  listTests: ['lab'],
  searchCases: ['lab', { text: 'CASE-1', limit: 50 }],
  caseFacets: ['lab', { text: 'CASE-1' }],
  getCase: ['lab', 'CASE-1'],
  getReport: ['lab', 'CASE-1'],
  exportReportPdf: ['lab', 'CASE-1', 'type-1', { open: true }],
  getCacheStatus: ['lab'],
  sync: ['lab'],
  cancelSync: ['lab'],
  listAuditEvents: ['lab', { caseId: 'CASE-1', limit: 20 }],
  startDemo: [],
  lock: [],
  unlock: [],
  unlockVault: ['correct horse battery staple', { create: true }],
};

describe('the channel list the preload uses', () => {
  it('names exactly the contract methods, with the same prefix and event channel', () => {
    expect([...CONTRACT_METHOD_NAMES].sort()).toEqual([...CONTRACT_METHODS].sort());
    expect(new Set(CONTRACT_METHOD_NAMES).size).toBe(CONTRACT_METHOD_NAMES.length);
    expect(IPC_CHANNEL_PREFIX).toBe(IPC_PREFIX);
    expect(IPC_EVENT_CHANNEL).toBe(EVENT_CHANNEL);
  });
});

describe('registerIpc', () => {
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('registers every contract method exactly once as tessera:<method>, and nothing else', () => {
    const ipc = createIpcRecorder();
    registerIpc({ ipcMain: ipc, api: createFakeCore(), source });
    expect(ipc.handle).toHaveBeenCalledTimes(CONTRACT_METHODS.length);
    expect([...ipc.counts.keys()].sort()).toEqual(CONTRACT_METHODS.map((m) => `tessera:${m}`).sort());
    for (const count of ipc.counts.values()) expect(count).toBe(1);
    expect(ipc.counts.has(EVENT_CHANNEL)).toBe(false);
  });

  it('removes every handler on dispose', () => {
    const ipc = createIpcRecorder();
    const dispose = registerIpc({ ipcMain: ipc, api: createFakeCore(), source });
    dispose();
    expect(ipc.removeHandler).toHaveBeenCalledTimes(CONTRACT_METHODS.length);
    expect(ipc.handlers.size).toBe(0);
  });

  it.each(CONTRACT_METHODS)('%s: valid arguments reach the core and come back as {ok, value}', async (method) => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    registerIpc({ ipcMain: ipc, api: core, source });
    const result = await ipc.handlers.get(channelFor(method))!(APP_EVENT, ...VALID_ARGS[method]);
    expect(result).toMatchObject({ ok: true });
    expect(core[method]).toHaveBeenCalledTimes(1);
  });

  it.each(CONTRACT_METHODS.filter((m) => VALID_ARGS[m].length > 0))('%s: invalid arguments give INVALID_INPUT without calling the core', async (method) => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    registerIpc({ ipcMain: ipc, api: core, source });
    const result = await ipc.handlers.get(channelFor(method))!(APP_EVENT, 42, { evil: true });
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } });
    expect(core[method]).not.toHaveBeenCalled();
  });

  it('refuses a call from a foreign origin with FORBIDDEN_ORIGIN, before validation or the core', async () => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    registerIpc({ ipcMain: ipc, api: core, source, logger });
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'http://localhost:5173/', 'about:blank', 'data:text/html,x']) {
      const result = await ipc.handlers.get('tessera:addProfile')!(frameEvent(url), VALID_ARGS.addProfile[0]);
      expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_ORIGIN', message: expect.any(String) } });
    }
    expect(core.addProfile).not.toHaveBeenCalled();
    // The refusal is logged with the origin only: never the arguments (they carry the key).
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(API_KEY);
  });

  it('refuses subframes, destroyed frames and frames that throw when read', async () => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    registerIpc({ ipcMain: ipc, api: core, source });
    const throwing = { get senderFrame() { throw new Error('Render frame was disposed'); } };
    for (const event of [frameEvent('app://tessera/index.html', { subframe: true }), { senderFrame: null }, throwing, null, undefined]) {
      const result = await ipc.handlers.get('tessera:listProfiles')!(event);
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    }
    expect(core.listProfiles).not.toHaveBeenCalled();
  });

  it('trusts the dev server origin only in an unpackaged dev run', () => {
    const dev = resolveRendererSource({ isPackaged: false, devServerUrl: 'http://localhost:5173/' });
    expect(isTrustedSender(frameEvent('http://localhost:5173/#/x'), dev)).toBe(true);
    expect(isTrustedSender(frameEvent('app://tessera/index.html'), dev)).toBe(false);
    const packaged = resolveRendererSource({ isPackaged: true, devServerUrl: 'http://localhost:5173/' });
    expect(isTrustedSender(frameEvent('http://localhost:5173/'), packaged)).toBe(false);
    // A dev URL that is not loopback is ignored: the app loads its own files.
    expect(resolveRendererSource({ isPackaged: false, devServerUrl: 'https://evil.example/' }).origin).toBe('app://tessera');
  });

  it('maps core errors to {code, message}, and hides the text of unexpected ones', async () => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    core.getTokenStatus.mockRejectedValueOnce(new TesseraError('CREDENTIALS_REJECTED', 'The key ending …abcd was rejected.'));
    core.doctor.mockRejectedValueOnce(new Error(`boom with ${API_KEY}`));
    registerIpc({ ipcMain: ipc, api: core, source });
    expect(await ipc.handlers.get('tessera:getTokenStatus')!(APP_EVENT, 'lab')).toEqual({
      ok: false,
      error: { code: 'CREDENTIALS_REJECTED', message: 'The key ending …abcd was rejected.' },
    });
    const internal = await ipc.handlers.get('tessera:doctor')!(APP_EVENT);
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(JSON.stringify(internal)).not.toContain(API_KEY);
  });

  it('importIcav2 and findIcav2Config take no file path or ICA URL from the renderer (the key in config.yaml goes only to the server it names)', async () => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    registerIpc({ ipcMain: ipc, api: core, source });
    const importIcav2 = ipc.handlers.get('tessera:importIcav2')!;
    for (const extra of [{ icaUrl: 'https://evil.example/ica/rest' }, { path: '/etc/other.yaml' }, { tssUrl: 'https://evil.example' }]) {
      expect(await importIcav2(APP_EVENT, { name: 'lab', region: 'us', ...extra })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await ipc.handlers.get('tessera:findIcav2Config')!(APP_EVENT, { path: '/etc/shadow' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(core.importIcav2).not.toHaveBeenCalled();
    expect(core.findIcav2Config).not.toHaveBeenCalled();
  });

  it('never echoes a secret argument back in a validation error', async () => {
    const ipc = createIpcRecorder();
    registerIpc({ ipcMain: ipc, api: createFakeCore(), source });
    const badKey = 'has spaces but is secret material';
    const result = await ipc.handlers.get('tessera:replaceCredential')!(APP_EVENT, 'lab', { kind: 'api-key', apiKey: badKey });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(result)).not.toContain(badKey);
    expect([...SECRET_BEARING_METHODS]).toContain('replaceCredential');
  });

  it('unlockVault: registered once, the passphrase validated and passed through as typed, never echoed or logged', async () => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    registerIpc({ ipcMain: ipc, api: core, source, logger });
    expect(ipc.counts.get('tessera:unlockVault')).toBe(1);
    expect(SECRET_BEARING_METHODS.has('unlockVault')).toBe(true);
    const handler = ipc.handlers.get('tessera:unlockVault')!;
    const passphrase = '  spaces count, and so does ünïcode  ';
    // Valid: the passphrase reaches the core untouched (not trimmed), with or without options.
    expect(await handler(APP_EVENT, passphrase)).toEqual({ ok: true, value: null });
    expect(await handler(APP_EVENT, passphrase, { create: true })).toEqual({ ok: true, value: null });
    expect(core.unlockVault.mock.calls).toEqual([[passphrase], [passphrase, { create: true }]]);
    // Invalid: empty, too long, not a string, unknown option, extra argument.
    const secretish = `${passphrase}-secret`;
    for (const args of [[''], ['x'.repeat(1025)], [42], [secretish, { create: 'yes' }], [secretish, { create: true, evil: 1 }], [secretish, undefined, 'extra'], []]) {
      const result = await handler(APP_EVENT, ...args);
      expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } });
      expect(JSON.stringify(result)).not.toContain(secretish);
    }
    expect(core.unlockVault).toHaveBeenCalledTimes(2);
    // A foreign frame is refused before validation, and the log names the method, never the passphrase.
    expect(await handler(frameEvent('https://evil.example/'), secretish)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(core.unlockVault).toHaveBeenCalledTimes(2);
    const logged = JSON.stringify([logger.debug.mock.calls, logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);
    expect(logged).toContain('unlockVault');
    expect(logged).not.toContain('spaces count');
    // A refused passphrase comes back as its typed code.
    core.unlockVault.mockRejectedValueOnce(new TesseraError('VAULT_BAD_PASSPHRASE', 'The passphrase does not open the file vault.'));
    expect(await handler(APP_EVENT, secretish)).toEqual({ ok: false, error: { code: 'VAULT_BAD_PASSPHRASE', message: 'The passphrase does not open the file vault.' } });
  });

  it('fuzz: malformed payloads on every handler give typed envelopes, never a throw or an unhandled rejection', async () => {
    const ipc = createIpcRecorder();
    const core = createFakeCore();
    // A core that fails in every way a real one could, including non-Error throws.
    const failures = [new TesseraError('NOT_FOUND', 'No such case.'), new Error('x'), 'a string', null, { code: 'NOPE' }, { code: 'LOCKED', message: 5 }];
    let call = 0;
    for (const method of CONTRACT_METHODS) {
      core[method].mockImplementation(async () => {
        const f = failures[call++ % (failures.length + 1)];
        if (f === undefined) return { ok: 'value' };
        throw f;
      });
    }
    registerIpc({ ipcMain: ipc, api: core, source });
    const frames = fc.oneof(
      fc.constant(APP_EVENT),
      fc.constant(frameEvent('app://tessera/index.html', { subframe: true })),
      fc.webUrl().map((u) => frameEvent(u)),
      fc.constant({ senderFrame: null }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTRACT_METHODS), frames, fc.array(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }), { maxLength: 4 }), async (method, event, args) => {
        const result = (await ipc.handlers.get(channelFor(method))!(event, ...args)) as { ok: boolean; error?: { code: unknown; message: unknown } };
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          expect(isErrorCode(result.error!.code)).toBe(true);
          expect(typeof result.error!.message).toBe('string');
        }
      }),
      { numRuns: 600 },
    );
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });

  it('handleInvoke resolves even when the dispatcher itself cannot run', async () => {
    const hostile = new Proxy({}, { get() { throw new Error('hostile'); } });
    const result = await handleInvoke(hostile as never, 'listProfiles', APP_EVENT, [], source);
    expect(result).toMatchObject({ ok: false });
  });
});

describe('forwardEvents', () => {
  it('pushes core events on tessera:event to the app pages only, skipping destroyed and foreign ones', () => {
    const core = createFakeCore();
    const make = (url: string, destroyed = false) => ({ isDestroyed: () => destroyed, getURL: () => url, send: vi.fn() });
    const app = make('app://tessera/index.html');
    const foreign = make('https://evil.example/');
    const gone = make('app://tessera/index.html', true);
    const broken = { isDestroyed: () => false, getURL: () => 'app://tessera/', send: vi.fn(() => { throw new Error('closing'); }) };
    const stop = forwardEvents(core, () => [broken, app, foreign, gone], source);
    core.emit({ type: 'profiles-changed' });
    expect(app.send).toHaveBeenCalledWith(EVENT_CHANNEL, { type: 'profiles-changed' });
    expect(foreign.send).not.toHaveBeenCalled();
    expect(gone.send).not.toHaveBeenCalled();
    stop();
    core.emit({ type: 'locked' });
    expect(app.send).toHaveBeenCalledTimes(1);
  });
});
