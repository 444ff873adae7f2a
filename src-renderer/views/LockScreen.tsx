/**
 * Shown instead of the whole app while locked: nothing sensitive stays mounted behind it.
 * With the OS keychain (or a file vault whose passphrase comes from
 * TESSERA_VAULT_PASSPHRASE) one button unlocks. With a file vault waiting for its
 * passphrase, a form asks for it; a vault that does not exist yet needs the new
 * passphrase typed twice. The passphrase lives only in the fields and leaves renderer
 * state as soon as it is sent, whatever the outcome.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type Ref } from 'react';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { Logo } from '../components/Logo.js';
import { unlockNow, unlockVaultNow, useApp } from '../stores/app.js';
import { loadProfiles } from '../stores/profiles.js';

/** For a new vault only: the same rule as the CLI's and the core's. */
export { VAULT_PASSPHRASE_MIN as MIN_NEW_PASSPHRASE } from '../../src-shared/rules.js';
import { VAULT_PASSPHRASE_MIN as MIN_NEW_PASSPHRASE } from '../../src-shared/rules.js';

export function LockScreen() {
  const vault = useApp((s) => s.vault);
  const error = useApp((s) => s.lockError);
  const errorId = useId();
  const asks = vault === 'locked' || vault === 'new';
  const creating = vault === 'new';
  return (
    <main className="lock-screen" aria-labelledby="lock-title">
      <div className="lock-card">
        <Logo size={48} />
        <h1 id="lock-title" className="lock-title">
          {creating ? 'Set up the file vault' : 'Tessera is locked'}
        </h1>
        <p className="muted">
          {creating
            ? 'Tessera keeps your keys in an encrypted file vault on this computer. Choose its passphrase: Tessera asks for it when it starts and after it locks, and cannot recover it.'
            : vault === 'locked'
              ? 'Tessera forgot the file vault’s key, the tokens it held in memory and its clipboard copy, and closed the offline cache. Enter the vault passphrase to unlock.'
              : vault === 'open'
                ? 'Tessera forgot the file vault’s key, the tokens it held in memory and its clipboard copy, and closed the offline cache. The passphrase comes from TESSERA_VAULT_PASSPHRASE, so Unlock asks for nothing.'
                : 'This is a privacy screen: Tessera forgot the tokens it held in memory, cleared its copy from the clipboard and closed the offline cache.'}
        </p>
        {vault === null ? (
          <p className="muted">
            Your OS keychain stays unlocked (your operating system locks it, not Tessera), so Unlock asks for nothing and a token still valid is read back from it.
          </p>
        ) : null}
        {error ? (
          <div id={errorId} className="lock-error">
            <ErrorNotice error={error} />
          </div>
        ) : null}
        {asks ? <VaultPassphraseForm key={vault} create={creating} errorId={error ? errorId : undefined} /> : <UnlockButton />}
      </div>
    </main>
  );
}

function UnlockButton() {
  const unlocking = useApp((s) => s.unlocking);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
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
  );
}

function VaultPassphraseForm({ create, errorId }: { create: boolean; errorId: string | undefined }) {
  const unlocking = useApp((s) => s.unlocking);
  const error = useApp((s) => s.lockError);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;

  // Focus on arrival, and back in the (emptied) field once a refused attempt is over.
  useEffect(() => {
    if (!unlocking) first.current?.focus();
  }, [error, unlocking]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (unlocking) return;
    if (!passphrase) {
      setProblem('Enter the passphrase.');
      first.current?.focus();
      return;
    }
    if (create && passphrase.length < MIN_NEW_PASSPHRASE) {
      setProblem(`Use at least ${MIN_NEW_PASSPHRASE} characters.`);
      first.current?.focus();
      return;
    }
    if (create && passphrase !== confirm) {
      setProblem('The two passphrases differ. Type the same passphrase in both fields.');
      setPassphrase('');
      setConfirm('');
      first.current?.focus();
      return;
    }
    setProblem(null);
    const typed = passphrase;
    setPassphrase('');
    setConfirm('');
    if (await unlockVaultNow(typed, create)) void loadProfiles();
  }

  const invalid = problem !== null || error !== null;
  const describedBy = [hintId, problem ? problemId : undefined, errorId].filter(Boolean).join(' ');
  return (
    <form className="form lock-form" onSubmit={(e) => void submit(e)} noValidate aria-label={create ? 'Create the file vault' : 'Unlock the file vault'}>
      <PassphraseField
        ref={first}
        id={`${id}-passphrase`}
        label={create ? 'New vault passphrase' : 'Vault passphrase'}
        value={passphrase}
        onChange={setPassphrase}
        disabled={unlocking}
        invalid={invalid}
        describedBy={describedBy}
      />
      {create ? (
        <PassphraseField
          id={`${id}-confirm`}
          label="Confirm passphrase"
          value={confirm}
          onChange={setConfirm}
          disabled={unlocking}
          invalid={problem !== null}
          {...(problem ? { describedBy: problemId } : {})}
        />
      ) : null}
      <p id={hintId} className="field-hint">
        {create
          ? `At least ${MIN_NEW_PASSPHRASE} characters; a few unrelated words make a strong one.`
          : 'The passphrase you chose when the vault was created (or that TESSERA_VAULT_PASSPHRASE holds for the CLI).'}
      </p>
      {problem ? (
        <p id={problemId} className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="button button-primary button-large" disabled={unlocking}>
        {unlocking ? <Spinner /> : <Icon name={create ? 'key' : 'unlock'} />} {create ? 'Create vault and unlock' : 'Unlock'}
      </button>
    </form>
  );
}

/** A labelled password input that no browser or spell checker keeps. */
function PassphraseField(props: {
  ref?: Ref<HTMLInputElement>;
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  invalid: boolean;
  describedBy?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        ref={props.ref}
        id={props.id}
        className={`input${props.invalid ? ' input-invalid' : ''}`}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
