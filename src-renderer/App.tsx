/** The application shell: sidebar, current view, palette, toasts, lock screen, theme, shortcuts. */
import { useEffect, useState } from 'react';
import { CommandPalette } from './components/CommandPalette.js';
import { ErrorNotice, Spinner } from './components/bits.js';
import { Sidebar } from './components/Sidebar.js';
import { Toasts } from './components/Toasts.js';
import { hasBridge } from './lib/bridge.js';
import { toUiError, type UiError } from './lib/errors.js';
import { loadAppInfo, lockNow, openProfile, setPaletteOpen, useApp } from './stores/app.js';
import { subscribeEvents } from './stores/events.js';
import { copyToken, loadProfiles, useProfiles } from './stores/profiles.js';
import { AddProfile } from './views/AddProfile.js';
import { Home } from './views/Home.js';
import { LockScreen } from './views/LockScreen.js';
import { ProfilePage } from './views/ProfilePage.js';
import { SettingsView } from './views/SettingsView.js';

export function App() {
  const locked = useApp((s) => s.locked);
  const loaded = useProfiles((s) => s.loaded);
  const loadError = useProfiles((s) => s.error);
  const [initError, setInitError] = useState<UiError | null>(null);

  useEffect(() => {
    if (!hasBridge()) {
      setInitError({ code: 'INTERNAL', message: 'The Tessera bridge is missing.', action: 'Open Tessera from the desktop app, or run `npm run harness` and open the link it prints.' });
      return;
    }
    const unsubscribe = subscribeEvents();
    loadAppInfo().then(
      () => loadProfiles(),
      (e) => {
        setInitError(toUiError(e));
        return loadProfiles();
      },
    );
    return unsubscribe;
  }, []);

  useTheme();
  useGlobalShortcuts(!locked);

  if (initError && !loaded) {
    return (
      <main className="fatal">
        <ErrorNotice error={initError} title="Tessera could not start" />
      </main>
    );
  }
  if (locked) {
    return (
      <>
        <LockScreen />
        <Toasts />
      </>
    );
  }
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar />
      <main id="main" className="main" tabIndex={-1}>
        {!loaded ? <Spinner label="Loading profiles" /> : loadError ? <ErrorNotice error={loadError} title="Could not read your profiles" /> : <CurrentView />}
      </main>
      <CommandPalette />
      <Toasts />
    </div>
  );
}

function CurrentView() {
  const view = useApp((s) => s.view);
  switch (view.kind) {
    case 'add-profile':
      return <AddProfile />;
    case 'settings':
      return <SettingsView />;
    case 'profile':
      return <ProfilePage name={view.name} tab={view.tab} />;
    default:
      return <Home />;
  }
}

/** Applies the theme setting as `data-theme` on <html>; "system" follows prefers-color-scheme live. */
function useTheme(): void {
  const theme = useApp((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = () => {
      root.dataset.theme = theme === 'system' ? (mq?.matches ? 'dark' : 'light') : theme;
      root.dataset.themeSetting = theme;
    };
    apply();
    mq?.addEventListener?.('change', apply);
    return () => mq?.removeEventListener?.('change', apply);
  }, [theme]);
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/**
 * Ctrl/Cmd+K palette · Ctrl/Cmd+Shift+C copy the current profile's token ·
 * Ctrl/Cmd+Shift+L lock · Alt+1…9 jump to a profile · "/" focus the search box.
 */
function useGlobalShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    function onKey(e: KeyboardEvent) {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && !e.shiftKey && key === 'k') {
        e.preventDefault();
        setPaletteOpen(!useApp.getState().paletteOpen);
      } else if (mod && e.shiftKey && key === 'c') {
        const view = useApp.getState().view;
        const profiles = useProfiles.getState().profiles;
        const name = view.kind === 'profile' ? view.name : (useApp.getState().settings?.defaultProfile ?? profiles[0]?.name);
        if (name) {
          e.preventDefault();
          void copyToken(name, 'jwt');
        }
      } else if (mod && e.shiftKey && key === 'l') {
        e.preventDefault();
        void lockNow();
      } else if (e.altKey && !mod && /^[1-9]$/.test(e.key)) {
        const p = useProfiles.getState().profiles[Number(e.key) - 1];
        if (p) {
          e.preventDefault();
          openProfile(p.name);
        }
      } else if (e.key === '/' && !mod && !isTyping(e.target) && !useApp.getState().paletteOpen) {
        const input = document.querySelector<HTMLInputElement>('input[data-search]');
        if (input) {
          e.preventDefault();
          input.focus();
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
