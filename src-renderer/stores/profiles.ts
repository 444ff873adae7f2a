/**
 * Profiles and their token state. Holds no secret: profiles carry only a key
 * fingerprint, and TokenStatus has claims and expiry but never the JWT.
 */
import { create } from 'zustand';
import type {
  AddProfileInput,
  CopyResult,
  CredentialInput,
  Icav2ConfigFacts,
  Icav2AppImport,
  ProfileView,
  ReplaceCredentialOptions,
  TokenStatus,
  UpdateProfileInput,
} from '../../src-shared/schemas.js';
import type { SnippetId } from '../../src-shared/snippets.js';
import { TOKEN_FORMATS, type CopyFormat, type CopyOrigin } from '../../src-shared/token-formats.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { formatWhen } from '../lib/format.js';
import { navigate, openProfile, toast, toastError, useApp } from './app.js';

export interface ProfilesState {
  loaded: boolean;
  error: UiError | null;
  profiles: ProfileView[];
  /** Token state per profile; null when no token is cached, absent when unknown. */
  tokens: Record<string, TokenStatus | null>;
  /** What is running per profile (e.g. "copy"), for busy indicators. */
  busy: Record<string, string | undefined>;
  demoStarting: boolean;
}

const initial: ProfilesState = { loaded: false, error: null, profiles: [], tokens: {}, busy: {}, demoStarting: false };

export const useProfiles = create<ProfilesState>()(() => ({ ...initial }));

export function resetProfiles(): void {
  useProfiles.setState({ ...initial }, true);
}

export async function loadProfiles(): Promise<void> {
  try {
    const profiles = await tessera().listProfiles();
    useProfiles.setState({ profiles, loaded: true, error: null });
    const view = useApp.getState().view;
    // A profile removed elsewhere (CLI, tray) must not leave the page pointing at it.
    if (view.kind === 'profile' && !profiles.some((p) => p.name === view.name)) navigate({ kind: 'home' });
    await Promise.all(profiles.map((p) => loadTokenStatus(p.name)));
  } catch (error) {
    useProfiles.setState({ loaded: true, error: toUiError(error) });
  }
}

async function loadTokenStatus(name: string): Promise<void> {
  try {
    const status = await tessera().getTokenStatus(name);
    setTokenStatus(name, status);
  } catch {
    // A status read never needs attention: the sidebar simply shows "no token".
  }
}

export function setTokenStatus(name: string, status: TokenStatus | null): void {
  useProfiles.setState((s) => ({ tokens: { ...s.tokens, [name]: status } }));
}

function setBusy(name: string, what: string | undefined): void {
  useProfiles.setState((s) => ({ busy: { ...s.busy, [name]: what } }));
}

/** Copies this window asks for; `copyToken` confirms them itself, so their `copied` event does not toast twice. */
const WINDOW_ORIGINS: ReadonlySet<CopyOrigin> = new Set(['window', 'palette']);

export function isOwnCopy(result: CopyResult): boolean {
  return WINDOW_ORIGINS.has(result.origin);
}

/** "Copied Authorization header for lab" */
export function copiedTitle(result: Pick<CopyResult, 'format' | 'profile'>): string {
  return `Copied ${TOKEN_FORMATS[result.format].label} for ${result.profile}`;
}

export function copiedMessage(result: CopyResult): string {
  const clears = result.clearsAt ? ` Clipboard clears at ${formatWhen(result.clearsAt)}.` : '';
  return `Valid until ${formatWhen(result.expiresAt)}.${clears}`;
}

/**
 * Copies a fresh token; the JWT goes from the core straight to the clipboard, never through
 * here. `origin` is 'palette' for the command palette; the contract's default is the window.
 */
export async function copyToken(name: string, format: CopyFormat = 'jwt', origin?: Extract<CopyOrigin, 'palette'>): Promise<CopyResult | null> {
  setBusy(name, `copy-${format}`);
  try {
    const result = await (origin ? tessera().copyToken(name, format, origin) : tessera().copyToken(name, format));
    toast('success', copiedTitle({ format, profile: name }), copiedMessage(result));
    void loadTokenStatus(name);
    return result;
  } catch (error) {
    toastError(error, `Could not copy a token for ${name}`);
    void loadProfiles();
    return null;
  } finally {
    setBusy(name, undefined);
  }
}

export async function ensureToken(name: string, force = false): Promise<TokenStatus | null> {
  setBusy(name, 'mint');
  try {
    const status = await tessera().ensureToken(name, force ? { force: true } : undefined);
    setTokenStatus(name, status);
    return status;
  } catch (error) {
    toastError(error, `Could not get a token for ${name}`);
    // The core may have marked the key as rejected: show it in the sidebar.
    void loadProfiles();
    return null;
  } finally {
    setBusy(name, undefined);
  }
}

export async function addProfile(input: AddProfileInput): Promise<ProfileView> {
  const profile = await tessera().addProfile(input);
  await loadProfiles();
  openProfile(profile.name);
  toast('success', `Profile ${profile.name} added`, 'The key was verified by minting a token.');
  return profile;
}

export async function updateProfile(name: string, patch: UpdateProfileInput): Promise<ProfileView> {
  const profile = await tessera().updateProfile(name, patch);
  useProfiles.setState((s) => ({ profiles: s.profiles.map((p) => (p.name === name ? profile : p)) }));
  return profile;
}

/** The core verifies the new key by minting first unless `verify: false` (the person chose to store it unchecked). */
export async function replaceCredential(name: string, credential: CredentialInput, options?: ReplaceCredentialOptions): Promise<ProfileView> {
  const profile = options ? await tessera().replaceCredential(name, credential, options) : await tessera().replaceCredential(name, credential);
  useProfiles.setState((s) => ({ profiles: s.profiles.map((p) => (p.name === name ? profile : p)) }));
  void loadTokenStatus(name);
  return profile;
}

export async function removeProfile(name: string): Promise<void> {
  await tessera().removeProfile(name);
  useProfiles.setState((s) => {
    const tokens = { ...s.tokens };
    delete tokens[name];
    return { profiles: s.profiles.filter((p) => p.name !== name), tokens };
  });
  navigate({ kind: 'home' });
}

export async function startDemo(): Promise<void> {
  useProfiles.setState({ demoStarting: true });
  try {
    const profile = await tessera().startDemo();
    await loadProfiles();
    openProfile(profile.name);
    toast('success', 'Demo tenant ready', 'It is served by the built-in simulator on this computer.');
  } catch (error) {
    toastError(error, 'Could not start the demo tenant');
  } finally {
    useProfiles.setState({ demoStarting: false });
  }
}

/** The icav2 config.yaml the core sees (never its key); null until asked or when the bridge fails. */
export async function findIcav2Config(): Promise<Icav2ConfigFacts | null> {
  try {
    return await tessera().findIcav2Config();
  } catch {
    return null;
  }
}

/** Imports the icav2 key in the core (verify, store, maybe scrub); the key never comes here. */
export async function importIcav2(options: Icav2AppImport): Promise<ProfileView> {
  const result = await tessera().importIcav2(options);
  await loadProfiles();
  openProfile(result.profile.name);
  toast(
    'success',
    `Profile ${result.profile.name} imported from icav2`,
    result.scrubbed ? `The key was verified and moved to the keychain; ${result.path} no longer holds it.` : 'The key was verified by minting a token.',
  );
  return result.profile;
}

/** A team file (chosen or dropped): its text goes to the core, which validates it and creates all profiles or none. */
export async function importTeamFile(file: File): Promise<ProfileView[]> {
  if (file.size > 1024 * 1024) throw Object.assign(new Error('That file is larger than 1 MiB; it is not a Tessera profile file.'), { code: 'INVALID_INPUT' });
  const created = await tessera().importProfiles(await file.text());
  await loadProfiles();
  toast('success', `Imported ${created.length} profile${created.length === 1 ? '' : 's'}`, 'Each needs its key: open it and choose Add key.');
  return created;
}

/** Copies a "Use it in…" snippet through the core (it holds no secret). */
export async function copySnippet(name: string, id: SnippetId, label: string): Promise<void> {
  try {
    await tessera().copySnippet(name, id);
    toast('success', `Copied the ${label} snippet for ${name}`, 'It fetches a fresh token with tessera token when it runs.');
  } catch (error) {
    toastError(error, `Could not copy the ${label} snippet`);
  }
}
