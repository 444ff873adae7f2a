/**
 * Electron main entry (out/main/index.js). Only the concrete choices live here: the
 * real core, the secret store the core selects (keychain or file vault), the log
 * file, and the simulator for the demo tenant. The wiring is in app.ts.
 *
 * The file vault's passphrase: TESSERA_VAULT_PASSPHRASE when set, else the lock screen
 * asks for it (`inAppUnlock`: the core starts locked and `unlockVault` opens it).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { app } from 'electron';
import { createFileLogger, ensureDataDir, loadDoctor, loadSecretStore, loadTessera } from '../src-core/index.js';
import { startDesktop } from './app.js';

const here = dirname(fileURLToPath(import.meta.url));
// Packaged, icons are copied next to app.asar (extraResources) so the OS can read them
// as plain files (notifications on Linux cannot read inside an asar archive).
const icons = app.isPackaged ? join(process.resourcesPath, 'icons') : join(app.getAppPath(), 'resources', 'icons');

startDesktop({
  paths: { preload: join(here, '../preload/preload.cjs'), renderer: join(here, '../renderer'), icons },
  // The doctor resolves the secret backend itself, so it can say where the choice came from.
  // The app's own vault is checked with the key it holds (unlocked on the lock screen).
  createCore: async (ports) =>
    (await loadTessera()).createTessera(ports, {
      // Emitted next to this bundle by electron-vite (electron.vite.config.ts).
      cacheWriter: pathToFileURL(join(here, 'cache-writer.js')),
      doctor: async (deps) => {
        const { appVaultOf, runDoctor } = await loadDoctor();
        return runDoctor({ dataDir: deps.dataDir, env: process.env, ...appVaultOf(deps.secrets) });
      },
    }),
  openSecrets: async (dataDir) => (await loadSecretStore()).openSecretStore({ dataDir: ensureDataDir(dataDir), inAppUnlock: true }),
  createLogger: (dataDir) => {
    const logger = createFileLogger({ dataDir, base: { face: 'desktop' } });
    // Runs before the secret store opens: a directory left open to others is tightened, and logged.
    ensureDataDir(dataDir, logger);
    return logger;
  },
  // The simulator is imported on first use of the demo tenant only.
  startSim: async (options) => (await import('../sim/index.js')).startSim(options),
}).catch((error: unknown) => {
  // Nothing secret reaches this message: startup errors are typed core errors or Electron's own.
  console.error('Tessera failed to start:', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
