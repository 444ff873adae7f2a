/**
 * The tray (and macOS menu-bar) menu as plain data, built from the profile list, so
 * it is tested without Electron and rebuilt whenever profiles, the default profile
 * or the lock state change. `toMenuTemplate` turns it into Electron's template.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ProfileView } from '../src-shared/schemas.js';
import { TOKEN_FORMATS, type CopyFormat } from '../src-shared/token-formats.js';

export type TrayAction =
  | { type: 'copy'; profile: string; format: CopyFormat }
  | { type: 'open' }
  | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'separator' }
  | { kind: 'item'; id: string; label: string; enabled: boolean; action?: TrayAction; accelerator?: string }
  | { kind: 'submenu'; id: string; label: string; enabled: boolean; items: TrayMenuItem[] };

/** The quick-copy formats, in menu order: the three people paste most, to keep the menu short. */
const TRAY_FORMATS: readonly CopyFormat[] = ['jwt', 'header', 'env'];

/** "Copy token", "Copy as Authorization header", …: the shared words for each format. */
const COPY_ENTRIES: ReadonlyArray<{ format: CopyFormat; label: string }> = TRAY_FORMATS.map((format) => ({
  format,
  label: format === 'jwt' ? `Copy ${TOKEN_FORMATS.jwt.noun}` : `Copy as ${TOKEN_FORMATS[format].noun}`,
}));

export interface TrayMenuInput {
  profiles: readonly Pick<ProfileView, 'name' | 'domain' | 'region' | 'isDemo'>[];
  defaultProfile?: string | undefined;
  locked: boolean;
  /** The global shortcut, shown next to the default profile's "Copy token". */
  shortcut?: string | undefined;
}

/** The profile the global shortcut copies: the configured default if it exists, else the only/first one. */
export function resolveDefaultProfile(profiles: readonly Pick<ProfileView, 'name'>[], configured?: string): string | undefined {
  if (configured && profiles.some((p) => p.name === configured)) return configured;
  return profiles[0]?.name;
}

function profileLabel(profile: Pick<ProfileView, 'name' | 'domain' | 'region' | 'isDemo'>, isDefault: boolean): string {
  const tags = [profile.region.toUpperCase(), profile.isDemo ? 'demo' : undefined, isDefault ? 'default' : undefined].filter(Boolean);
  return `${profile.name} — ${profile.domain} (${tags.join(', ')})`;
}

export function buildTrayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const defaultName = resolveDefaultProfile(input.profiles, input.defaultProfile);
  if (input.locked) {
    items.push({ kind: 'item', id: 'locked', label: 'Tessera is locked — open to unlock', enabled: true, action: { type: 'open' } });
  } else if (input.profiles.length === 0) {
    items.push({ kind: 'item', id: 'no-profiles', label: 'No profiles yet', enabled: false });
  } else {
    for (const profile of input.profiles) {
      const isDefault = profile.name === defaultName;
      items.push({
        kind: 'submenu',
        id: `profile:${profile.name}`,
        label: profileLabel(profile, isDefault),
        enabled: true,
        items: COPY_ENTRIES.map(({ format, label }) => ({
          kind: 'item' as const,
          id: `copy:${profile.name}:${format}`,
          label,
          enabled: true,
          action: { type: 'copy' as const, profile: profile.name, format },
          ...(isDefault && format === 'jwt' && input.shortcut ? { accelerator: input.shortcut } : {}),
        })),
      });
    }
  }
  items.push({ kind: 'separator' });
  items.push({ kind: 'item', id: 'open', label: input.profiles.length === 0 && !input.locked ? 'Open Tessera to add a profile' : 'Open Tessera', enabled: true, action: { type: 'open' } });
  items.push({ kind: 'separator' });
  items.push({ kind: 'item', id: 'quit', label: 'Quit Tessera', enabled: true, action: { type: 'quit' } });
  return items;
}

/** Electron's menu template; each action is routed to `onAction`. */
export function toMenuTemplate(items: readonly TrayMenuItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { id: item.id, label: item.label, enabled: item.enabled, submenu: toMenuTemplate(item.items, onAction) };
      case 'item': {
        const action = item.action;
        return {
          id: item.id,
          label: item.label,
          enabled: item.enabled,
          // Shown as a hint only: the global shortcut itself is registered elsewhere.
          ...(item.accelerator ? { accelerator: item.accelerator, registerAccelerator: false } : {}),
          ...(action ? { click: () => onAction(action) } : {}),
        };
      }
    }
  });
}
