/**
 * Composes a real core for integration tests: the simulator over HTTP, Node's fetch,
 * a real config store on a fresh data dir, and a SecretStore (the real keychain by
 * default, inside the test's private D-Bus session).
 */
import { startSim, type Sim } from '../../sim/index.js';
import { createTessera, type TesseraOptions } from '../../src-core/tessera.js';
import type { Ports, SecretStore } from '../../src-core/ports.js';
import { systemClock } from '../../src-core/ports.js';
import type { TesseraCore } from '../../src-core/service.js';
import { createKeychainStore } from '../../src-core/secrets/keychain.js';
import { createMemoryStore } from './memory-store.js';
import { newDataDir, recordSecret } from './env.js';

export async function startTestSim(options: Parameters<typeof startSim>[0] = {}): Promise<Sim> {
  return startSim({ port: 0, cases: 20, ...options, onSecretIssued: recordSecret });
}

export type StoreKind = 'keychain' | 'memory';

export function secretStore(kind: StoreKind = 'keychain'): SecretStore {
  return kind === 'keychain' ? createKeychainStore({ service: 'Tessera-test' }) : createMemoryStore();
}

export interface CoreSetup {
  core: TesseraCore;
  dataDir: string;
  secrets: SecretStore;
  ports: Ports;
}

/** Fast retries for tests: the policy is the same, only the steps are shorter. */
export const FAST_RETRY: NonNullable<TesseraOptions['http']> = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

export function makeCore(
  init: { dataDir?: string; secrets?: SecretStore; store?: StoreKind; ports?: Partial<Ports>; options?: TesseraOptions } = {},
): CoreSetup {
  const dataDir = init.dataDir ?? newDataDir('core');
  const secrets = init.secrets ?? secretStore(init.store);
  const ports: Ports = {
    fetch: (input, reqInit) => fetch(input, reqInit),
    secrets,
    clock: systemClock,
    paths: { dataDir },
    ...init.ports,
  };
  const core = createTessera(ports, { http: FAST_RETRY, ...init.options });
  return { core, dataDir, secrets, ports };
}

/** Adds an API-key profile for the sim's demo tenant (records the key for the secret scan). */
export async function addKeyProfile(core: TesseraCore, sim: Sim, name = 'lab', apiKey = sim.demo.apiKey) {
  recordSecret(apiKey);
  return core.addProfile({
    name,
    domain: sim.demo.domain,
    region: 'us',
    icaUrl: sim.icaBaseUrl,
    tssUrl: sim.tssBaseUrl,
    credential: { kind: 'api-key', apiKey },
  });
}

export async function addBasicProfile(core: TesseraCore, sim: Sim, name = 'lab-basic') {
  recordSecret(sim.demo.password);
  return core.addProfile({
    name,
    domain: sim.demo.domain,
    region: 'us',
    icaUrl: sim.icaBaseUrl,
    tssUrl: sim.tssBaseUrl,
    credential: { kind: 'basic', username: sim.demo.username, password: sim.demo.password },
  });
}

/** Token-endpoint requests in the sim's log. */
export function tokenRequests(sim: Sim) {
  return sim.requests.filter((r) => r.path.endsWith('/api/tokens') || r.path.endsWith('/api/tokens:refresh'));
}
