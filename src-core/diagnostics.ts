/**
 * The doctor the core runs when the face supplies none: the full one (src-core/doctor.ts,
 * loaded when it runs) for the real backends, a minimal one for the in-memory store of
 * tests. The doctor's subject is the secret store itself (can it be reached, is the
 * vault intact), so it is the one service that is handed the store.
 */
import { join } from 'node:path';
import type { DoctorReport } from '../src-shared/schemas.js';
import { CONFIG_FILE } from './config/store.js';
import type { TesseraError } from './errors.js';
import type { SecretStore } from './ports.js';
import type { ProfileRepository } from './profiles/repository.js';

interface DoctorContext {
  dataDir: string;
  secrets: SecretStore;
  profiles: Pick<ProfileRepository, 'list'>;
}

export type Doctor = (context: DoctorContext) => Promise<DoctorReport>;

export const defaultDoctor: Doctor = async (ctx) => {
  const backend = ctx.secrets.backend;
  if (backend === 'memory') return basicDoctor(ctx);
  const store = ctx.secrets as SecretStore & { probe?: () => Promise<void> };
  const probe = store.probe;
  // Loaded when it runs: the doctor (and the file vault it checks) is not on any hot path.
  const { appVaultOf, runDoctor } = await import('./doctor.js');
  return runDoctor({
    dataDir: ctx.dataDir,
    backend,
    ...(backend === 'keychain' && probe ? { keychain: () => ({ probe: () => probe.call(store) }) } : {}),
    ...appVaultOf(ctx.secrets),
  });
};

/** A minimal doctor for the in-memory store (tests): can we read the config and reach the secret store? */
async function basicDoctor(ctx: DoctorContext): Promise<DoctorReport> {
  const checks: DoctorReport['checks'] = [];
  try {
    const profiles = await ctx.profiles.list();
    checks.push({ name: 'config', ok: true, detail: `${join(ctx.dataDir, CONFIG_FILE)} (${profiles.length} profile(s))` });
  } catch (error) {
    const e = error as TesseraError;
    checks.push({ name: 'config', ok: false, detail: e.message ?? 'unreadable', hint: e.action });
  }
  try {
    await ctx.secrets.get('doctor/probe');
    checks.push({ name: 'secrets', ok: true, detail: `${ctx.secrets.backend} backend reachable` });
  } catch (error) {
    const e = error as TesseraError;
    checks.push({ name: 'secrets', ok: false, detail: e.message ?? 'unreachable', hint: e.action });
  }
  return {
    ok: checks.every((c) => c.ok),
    dataDir: ctx.dataDir,
    secretBackend: ctx.secrets.backend === 'file' ? 'file' : 'keychain',
    checks,
  };
}
