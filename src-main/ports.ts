/**
 * The core's ports as the desktop app provides them: Electron's `net.fetch` (it
 * follows the system proxy settings and certificate store, unlike Node's fetch),
 * the concealing clipboard, the data directory, runtime versions and the demo
 * simulator. The secret store comes from the core (keychain, or the file vault).
 */
import { isAbsolute, resolve } from 'node:path';
import { systemClock, systemTimers, type FetchPort, type Logger, type Ports, type SecretStore } from '../src-core/index.js';
import type { ElectronClipboardPort } from './clipboard.js';
import type { DemoPort } from './demo.js';

/**
 * TESSERA_HOME (shared with the CLI) wins; otherwise Electron's userData, which for
 * the product name "Tessera" is the same OS app-data directory the CLI defaults to.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv, userData: string): string {
  const home = env.TESSERA_HOME?.trim();
  if (home) return isAbsolute(home) ? home : resolve(home);
  return userData;
}

export type NetFetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Adapts net.fetch to the core's FetchPort (which may pass a URL object). */
export function netFetchPort(netFetch: NetFetch): FetchPort {
  return (input, init) => netFetch(input instanceof URL ? input.href : input, init);
}

export interface ElectronPortsOptions {
  netFetch: NetFetch;
  secrets: SecretStore;
  dataDir: string;
  clipboard: ElectronClipboardPort;
  demo: DemoPort;
  files?: Ports['files'];
  logger?: Logger;
  version: string;
  versions: Record<string, string>;
}

export function createElectronPorts(o: ElectronPortsOptions): Ports {
  return {
    fetch: netFetchPort(o.netFetch),
    secrets: o.secrets,
    clock: systemClock,
    paths: { dataDir: o.dataDir },
    clipboard: o.clipboard,
    timers: systemTimers,
    ...(o.logger ? { logger: o.logger } : {}),
    appInfo: { version: o.version, versions: o.versions },
    demo: () => o.demo.start(),
    ...(o.files ? { files: o.files } : {}),
  };
}
