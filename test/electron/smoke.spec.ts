/**
 * Desktop smoke test through Playwright's Electron driver: launch the built app,
 * get its first window, start the demo tenant, copy a token, and check the copy in
 * main's clipboard. It runs where an Electron binary exists (a developer desktop)
 * and reports itself skipped, with the reason, where none does (build and CI
 * machines): skipped is not passed.
 *
 * Isolation: a temporary TESSERA_HOME and the file vault with a throwaway passphrase,
 * so the run never touches the developer's profiles or keychain.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { CONTRACT_METHODS } from '../../src-shared/contract.js';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const root = resolve(import.meta.dirname, '../..');
const binary = findElectronBinary({ root });
const built = existsSync(join(root, 'out/main/index.js')) && existsSync(join(root, 'out/preload/preload.cjs'));

test.describe('Electron smoke', () => {
  test.skip(!binary.ok, `No Electron binary on this machine (${binary.ok ? '' : binary.reason}); the desktop smoke runs on a developer desktop.`);
  test.skip(binary.ok && !built, 'The desktop bundles are not built: run npm run build first.');

  let app: ElectronApplication | undefined;
  let home: string;

  test.beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'tessera-electron-smoke-'));
    app = await electron.launch({
      executablePath: binary.ok ? binary.path : undefined,
      args: [root],
      cwd: root,
      env: {
        ...process.env,
        TESSERA_HOME: home,
        TESSERA_SECRET_BACKEND: 'file',
        TESSERA_VAULT_PASSPHRASE: 'smoke-test-passphrase',
        ELECTRON_RENDERER_URL: '',
      },
      timeout: 30_000,
    });
  });

  test.afterEach(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('launches hardened, offers the demo tenant, and copies a token in main', async () => {
    const window = await app!.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    expect(window.url()).toMatch(/^app:\/\/tessera\//);

    // The page sees exactly the contract and no Node.
    const surface = await window.evaluate(() => ({
      keys: Object.keys((window as unknown as { tessera: object }).tessera).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(surface.keys).toEqual([...CONTRACT_METHODS, 'onEvent'].sort());
    expect(surface.require).toBe('undefined');
    expect(surface.process).toBe('undefined');

    await window.getByRole('button', { name: /try the demo tenant/i }).click();
    const copy = window.getByRole('button', { name: /copy token for demo/i });
    await expect(copy).toBeVisible({ timeout: 30_000 });
    await copy.click();

    await expect
      .poll(async () => app!.evaluate(async ({ clipboard }) => clipboard.readText()), { timeout: 15_000 })
      .toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]*$/);
    if (process.platform === 'linux') {
      const concealed = await app!.evaluate(async ({ clipboard }) => clipboard.has('electron application/osclipboard;format="x-kde-passwordManagerHint"'));
      expect(concealed).toBe(true);
    }
  });
});
