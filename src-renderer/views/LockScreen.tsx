/** Shown instead of the whole app while locked: nothing sensitive stays mounted behind it. */
import { useEffect, useRef } from 'react';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { Logo } from '../components/Logo.js';
import { unlockNow, useApp } from '../stores/app.js';
import { loadProfiles } from '../stores/profiles.js';

export function LockScreen() {
  const unlocking = useApp((s) => s.unlocking);
  const error = useApp((s) => s.lockError);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <main className="lock-screen" aria-labelledby="lock-title">
      <div className="lock-card">
        <Logo size={48} />
        <h1 id="lock-title" className="lock-title">
          Tessera is locked
        </h1>
        <p className="muted">Tokens were forgotten and the offline cache is closed. Your keys stay in the OS keychain.</p>
        {error ? <ErrorNotice error={error} /> : null}
        <button
          ref={ref}
          type="button"
          className="button button-primary button-large"
          disabled={unlocking}
          onClick={() =>
            void unlockNow().then((ok) => {
              if (ok) void loadProfiles();
            })
          }
        >
          {unlocking ? <Spinner /> : <Icon name="unlock" />} Unlock
        </button>
      </div>
    </main>
  );
}
