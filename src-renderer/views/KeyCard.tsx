/**
 * The key card: fingerprint and age (never the key), rotation and rejection
 * warnings, replace by paste or .txt drop, and remove. A profile imported from a team
 * file has no key yet ("key needed"): the same form adds its first one.
 */
import { useState } from 'react';
import type { CredentialInput, ProfileView } from '../../src-shared/schemas.js';
import { Badge, ErrorNotice, Notice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { KeyInput } from '../components/KeyInput.js';
import { ConfirmDialog } from '../components/Modal.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { formatAge, formatDate } from '../lib/format.js';
import { keyWarnings } from '../lib/keys.js';
import { toast, useSecretHome } from '../stores/app.js';
import { removeProfile, replaceCredential } from '../stores/profiles.js';

export function KeyCard({ profile }: { profile: ProfileView }) {
  const [replacing, setReplacing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const warnings = keyWarnings(profile);
  const isKey = profile.credentialKind === 'api-key';
  const secretHome = useSecretHome();
  const needsKey = profile.needsKey === true;
  const noun = isKey ? 'key' : 'password';

  return (
    <section className="card" aria-labelledby={`key-${profile.name}`}>
      <header className="card-header">
        <div>
          <h2 id={`key-${profile.name}`} className="card-title">
            <Icon name="key" /> {isKey ? 'API key' : 'Login'}
          </h2>
          <p className="card-sub">Stored in {secretHome}. Tessera never shows it again.</p>
        </div>
        {needsKey ? (
          <Badge tone="warning" icon="key">
            Key needed
          </Badge>
        ) : profile.key.rejectedAt ? (
          <Badge tone="danger" icon="alert">
            Rejected
          </Badge>
        ) : warnings.length ? (
          <Badge tone="warning" icon="clock">
            Rotate
          </Badge>
        ) : (
          <Badge tone="success" icon="check">
            OK
          </Badge>
        )}
      </header>
      <dl className="kv">
        {!isKey ? (
          <div className="kv-row">
            <dt>Username</dt>
            <dd>{profile.username ?? '—'}</dd>
          </div>
        ) : null}
        {needsKey ? (
          <div className="kv-row">
            <dt>{isKey ? 'API key' : 'Password'}</dt>
            <dd>Not added yet</dd>
          </div>
        ) : (
          <>
        <div className="kv-row">
          <dt>Fingerprint</dt>
          <dd>
            <code className="fingerprint" aria-label={`ends in ${profile.key.fingerprint.split('').join(' ')}`}>
              ••••{profile.key.fingerprint}
            </code>
          </dd>
        </div>
        <div className="kv-row">
          <dt>Stored</dt>
          <dd>
            {formatDate(profile.key.storedAt)} ({formatAge(profile.key.storedAt)} ago)
          </dd>
        </div>
        {profile.key.rejectedAt ? (
          <div className="kv-row">
            <dt>Rejected</dt>
            <dd>{formatDate(profile.key.rejectedAt)}</dd>
          </div>
        ) : null}
          </>
        )}
      </dl>
      {needsKey && !replacing ? (
        <Notice tone="warning" icon="key" title={`Add the ${noun} of ${profile.name}`} role="status">
          <p>This profile came from a team file, which never holds keys. Tokens, copies and sync start working once you add yours.</p>
        </Notice>
      ) : null}
      {warnings.map((w) => (
        <Notice key={w.kind} tone={w.kind === 'rejected' ? 'danger' : 'warning'} icon="alert" title={w.kind === 'rejected' ? 'Key rejected' : 'Time to rotate this key'} role="status">
          <p>{w.text}</p>
          <p className="notice-action">
            {w.kind === 'rejected'
              ? 'Regenerate it under Manage API Keys in the Illumina web UI, then replace it here.'
              : 'Regenerate it under Manage API Keys (same name), replace it here, then delete the old one.'}
          </p>
        </Notice>
      ))}
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
      {replacing ? (
        <ReplaceForm
          profile={profile}
          onDone={() => setReplacing(false)}
          onError={setError}
        />
      ) : (
        <div className="row-actions">
          <button type="button" className={needsKey ? 'button button-primary' : 'button'} onClick={() => setReplacing(true)}>
            {needsKey ? (
              <>
                <Icon name="plus" /> Add {noun}
              </>
            ) : (
              <>
                <Icon name="upload" /> Replace {noun}
              </>
            )}
          </button>
          <button type="button" className="button button-danger-ghost" onClick={() => setConfirmRemove(true)}>
            <Icon name="trash" /> Remove profile
          </button>
        </div>
      )}
      {confirmRemove ? (
        <ConfirmDialog
          title={`Remove ${profile.name}?`}
          body={
            <p>
              The profile, its stored {isKey ? 'key' : 'password'}, cached token and offline cache are deleted from this computer. The key itself stays valid on the platform:
              delete it under Manage API Keys if you no longer need it.
            </p>
          }
          confirmLabel="Remove profile"
          danger
          onCancel={() => setConfirmRemove(false)}
          onConfirm={() => {
            setConfirmRemove(false);
            removeProfile(profile.name).then(
              () => toast('success', `Removed ${profile.name}`),
              (e) => setError(toUiError(e)),
            );
          }}
        />
      ) : null}
    </section>
  );
}

/** Errors that mean the new key could not be checked at all (nothing was refused). */
const UNREACHABLE = new Set(['NETWORK', 'TIMEOUT', 'OFFLINE']);

/**
 * The core verifies the new key by minting with it before anything is stored. A refused
 * key leaves the old one in place; when the platform cannot be reached the person may
 * store the key unchecked, and only then does the key stay in this form's state.
 */
function ReplaceForm({ profile, onDone, onError }: { profile: ProfileView; onDone: () => void; onError: (e: UiError | null) => void }) {
  const [secret, setSecret] = useState('');
  const [saving, setSaving] = useState(false);
  const [unchecked, setUnchecked] = useState<UiError | null>(null);
  const isKey = profile.credentialKind === 'api-key';
  const what = isKey ? 'key' : 'password';

  async function save(verify: boolean) {
    setSaving(true);
    onError(null);
    let keep = false;
    try {
      const credential: CredentialInput = isKey ? { kind: 'api-key', apiKey: secret } : { kind: 'basic', username: profile.username ?? '', password: secret };
      await replaceCredential(profile.name, credential, verify ? undefined : { verify: false });
      const done = profile.needsKey ? 'added' : 'replaced';
      if (verify) toast('success', `${isKey ? 'Key' : 'Password'} ${done} for ${profile.name}`, 'Verified by minting a token.');
      else toast('success', `${isKey ? 'Key' : 'Password'} stored without checking for ${profile.name}`);
      setUnchecked(null);
      onDone();
    } catch (err) {
      const e = toUiError(err);
      if (verify && UNREACHABLE.has(e.code)) {
        // Kept only while the person decides whether to store it unchecked.
        keep = true;
        setUnchecked(e);
      } else {
        setUnchecked(null);
        const kept = profile.needsKey ? 'Nothing was stored.' : `Your current ${what} is kept.`;
        onError(e.code === 'CREDENTIALS_REJECTED' ? { ...e, message: `The platform refused the new ${what}. ${kept}` } : e);
      }
    } finally {
      // The secret leaves renderer state unless the person still has to choose.
      if (!keep) setSecret('');
      setSaving(false);
    }
  }

  function cancel() {
    setSecret('');
    setUnchecked(null);
    onDone();
  }

  if (unchecked) {
    return (
      <div className="inline-form">
        <Notice tone="warning" icon="alert" title={`The new ${what} could not be checked`} role="alert">
          <p>
            Tessera could not reach the platform to try the new {what} ({unchecked.code}), so nothing was changed
            {profile.needsKey ? '.' : `: your current ${what} is still stored.`}
          </p>
          <p className="notice-action">
            Store it without checking only if you are sure it is right: a wrong {what} {profile.needsKey ? 'is stored' : 'replaces the working one'} and is refused at the next use.
          </p>
        </Notice>
        <div className="row-actions">
          <button type="button" className="button" disabled={saving} onClick={() => void save(true)}>
            {saving ? <Spinner /> : <Icon name="refresh" />} Try again
          </button>
          <button type="button" className="button button-danger-ghost" disabled={saving} onClick={() => void save(false)}>
            Store without checking
          </button>
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(true);
      }}
      aria-label={`${profile.needsKey ? 'Add' : 'Replace'} the ${what} of ${profile.name}`}
    >
      {isKey ? (
        <KeyInput value={secret} onChange={setSecret} label={profile.needsKey ? 'API key' : 'New API key'} autoFocus />
      ) : (
        <div className="field">
          <label htmlFor="replace-password">New password</label>
          <input id="replace-password" className="input" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} autoFocus />
        </div>
      )}
      <div className="row-actions">
        <button type="submit" className="button button-primary" disabled={saving || !secret.trim()}>
          {saving ? <Spinner /> : <Icon name="check" />} Save {what}
        </button>
        <button type="button" className="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
