/**
 * Add a tenant: domain, region (with the TSS host it implies), workgroup and the
 * key. Saving verifies the key by minting one token; a failure says exactly what
 * the platform objected to and what to do.
 */
import { useId, useState } from 'react';
import { REGION_IDS, REGIONS, loginUrl, type RegionId } from '../../src-shared/regions.js';
import { apiKeyProblem, domainProblem, profileNameProblem, profileNameTakenProblem, urlProblem, workgroupProblem } from '../../src-shared/rules.js';
import type { AddProfileInput } from '../../src-shared/schemas.js';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { KeyInput } from '../components/KeyInput.js';
import { errorTitle, toUiError, type UiError } from '../lib/errors.js';
import { addProfile, useProfiles } from '../stores/profiles.js';

export function AddProfile() {
  const existing = useProfiles((s) => s.profiles);
  const id = useId();
  const [domain, setDomain] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [region, setRegion] = useState<RegionId>('us');
  const [workgroup, setWorkgroup] = useState('');
  const [kind, setKind] = useState<'api-key' | 'basic'>('api-key');
  const [apiKey, setApiKey] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [icaUrl, setIcaUrl] = useState('');
  const [tssUrl, setTssUrl] = useState('');
  const [includeIdentifiers, setIncludeIdentifiers] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [showErrors, setShowErrors] = useState(false);

  const cleanDomain = domain.trim().toLowerCase();
  const profileName = nameTouched ? name.trim() : cleanDomain ? `${cleanDomain}-${region}` : '';
  // The rules the core applies (src-shared/rules.ts), checked here so that what the form accepts the core accepts.
  const found: Record<'domain' | 'name' | 'workgroup' | 'secret' | 'ica' | 'tss', string | null> = {
    domain: domainProblem(cleanDomain),
    name: profileNameProblem(profileName) ?? profileNameTakenProblem(profileName, existing.map((p) => p.name)),
    workgroup: workgroup.trim() ? workgroupProblem(workgroup.trim()) : null,
    secret: kind === 'api-key' ? apiKeyProblem(apiKey.trim()) : !username.trim() || !password ? 'Enter the e-mail address and password.' : null,
    ica: icaUrl.trim() ? (urlProblem(icaUrl)?.message ?? null) : null,
    tss: tssUrl.trim() ? (urlProblem(tssUrl)?.message ?? null) : null,
  };
  const problems = Object.fromEntries(Object.entries(found).filter(([, v]) => v !== null)) as Partial<Record<keyof typeof found, string>>;
  const valid = Object.keys(problems).length === 0;
  const tssHost = `${cleanDomain || '<domain>'}.${REGIONS[region].tssInstance}`;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if (!valid) return;
    setSaving(true);
    setError(null);
    const input: AddProfileInput = {
      name: profileName,
      domain: cleanDomain,
      region,
      credential: kind === 'api-key' ? { kind: 'api-key', apiKey: apiKey.trim() } : { kind: 'basic', username: username.trim(), password },
      verify: true,
      ...(workgroup.trim() ? { workgroup: workgroup.trim() } : {}),
      ...(icaUrl.trim() ? { icaUrl: icaUrl.trim() } : {}),
      ...(tssUrl.trim() ? { tssUrl: tssUrl.trim() } : {}),
      ...(includeIdentifiers ? { includeIdentifiers } : {}),
    };
    try {
      await addProfile(input);
      // The secret leaves renderer state as soon as the core has it.
      setApiKey('');
      setPassword('');
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSaving(false);
    }
  }

  const f = (s: string) => `${id}-${s}`;
  const err = (k: keyof typeof problems) => (showErrors ? problems[k] : undefined);

  return (
    <div className="page">
      <header className="page-header">
        <div className="page-heading">
          <h1 className="page-title">Add a profile</h1>
          <p className="page-sub">One profile per tenant and region. Tessera checks the key by minting a token before saving it.</p>
        </div>
      </header>
      <div className="add-layout">
        <form className="card form" onSubmit={(e) => void submit(e)} noValidate aria-label="New profile">
          <div className="form-grid">
            <div className="field field-wide">
              <label htmlFor={f('domain')}>Tenant domain</label>
              <div className="input-affix">
                <input
                  id={f('domain')}
                  className={`input${err('domain') ? ' input-invalid' : ''}`}
                  value={domain}
                  onChange={(e) => setDomain(e.target.value)}
                  placeholder="mylab"
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={!!err('domain') || undefined}
                  aria-describedby={f('domain-hint')}
                  autoFocus
                />
                <span className="affix" aria-hidden="true">
                  .login.illumina.com
                </span>
              </div>
              <p id={f('domain-hint')} className={err('domain') ? 'field-error' : 'field-hint'}>
                {err('domain') ?? (cleanDomain ? `You log in at ${loginUrl(cleanDomain)}` : 'The part before .login.illumina.com in your login address.')}
              </p>
            </div>
            <div className="field">
              <label htmlFor={f('region')}>Region</label>
              <select id={f('region')} className="input" value={region} onChange={(e) => setRegion(e.target.value as RegionId)} aria-describedby={f('region-hint')}>
                {REGION_IDS.map((r) => (
                  <option key={r} value={r}>
                    {REGIONS[r].label} ({r})
                  </option>
                ))}
              </select>
              <p id={f('region-hint')} className="field-hint">
                TSS host: <code>{tssHost}</code>
              </p>
            </div>
            <div className="field">
              <label htmlFor={f('name')}>Profile name</label>
              <input
                id={f('name')}
                className={`input${err('name') ? ' input-invalid' : ''}`}
                value={profileName}
                onChange={(e) => {
                  setNameTouched(true);
                  setName(e.target.value);
                }}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={!!err('name') || undefined}
                aria-describedby={f('name-hint')}
              />
              <p id={f('name-hint')} className={err('name') ? 'field-error' : 'field-hint'}>
                {err('name') ?? (
                  <>
                    Used in the sidebar and as <code>tessera token {profileName.trim() || '<name>'}</code>.
                  </>
                )}
              </p>
            </div>
            <div className="field">
              <label htmlFor={f('workgroup')}>Workgroup (optional)</label>
              <input
                id={f('workgroup')}
                className={`input${err('workgroup') ? ' input-invalid' : ''}`}
                value={workgroup}
                onChange={(e) => setWorkgroup(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={!!err('workgroup') || undefined}
                aria-describedby={f('wg-hint')}
              />
              <p id={f('wg-hint')} className={err('workgroup') ? 'field-error' : 'field-hint'}>
                {err('workgroup') ?? 'The TSS workgroup id to send with each call.'}
              </p>
            </div>
          </div>

          <fieldset className="segmented" aria-label="Credential type">
            <legend className="visually-hidden">Credential type</legend>
            <label className={kind === 'api-key' ? 'segment segment-on' : 'segment'}>
              <input type="radio" name={f('kind')} value="api-key" checked={kind === 'api-key'} onChange={() => setKind('api-key')} /> API key
            </label>
            <label className={kind === 'basic' ? 'segment segment-on' : 'segment'}>
              <input type="radio" name={f('kind')} value="basic" checked={kind === 'basic'} onChange={() => setKind('basic')} /> E-mail and password
            </label>
          </fieldset>

          {kind === 'api-key' ? (
            <KeyInput value={apiKey} onChange={setApiKey} invalid={!!err('secret')} describedBy={err('secret') ? f('secret-error') : undefined} />
          ) : (
            <div className="form-grid">
              <div className="field">
                <label htmlFor={f('user')}>E-mail</label>
                <input id={f('user')} className="input" type="email" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
              </div>
              <div className="field">
                <label htmlFor={f('password')}>Password</label>
                <input id={f('password')} className="input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
              </div>
              <p className="field-hint form-span">Username and password do not work for tenants with single sign-on; use an API key there.</p>
            </div>
          )}
          {err('secret') ? (
            <p id={f('secret-error')} className="field-error">
              {err('secret')}
            </p>
          ) : null}

          {/* Opened when a custom URL is refused, so the message is seen. */}
          <details className="advanced" open={err('ica') || err('tss') ? true : undefined}>
            <summary>Advanced: custom hosts and patient identifiers</summary>
            <div className="form-grid">
              <div className="field field-wide">
                <label htmlFor={f('ica')}>ICA base URL</label>
                <input
                  id={f('ica')}
                  className={`input input-mono${err('ica') ? ' input-invalid' : ''}`}
                  value={icaUrl}
                  onChange={(e) => setIcaUrl(e.target.value)}
                  placeholder="https://ica.illumina.com/ica/rest"
                  inputMode="url"
                  aria-invalid={!!err('ica') || undefined}
                  aria-describedby={err('ica') ? f('ica-error') : undefined}
                />
                {err('ica') ? (
                  <p id={f('ica-error')} className="field-error">
                    {err('ica')}
                  </p>
                ) : null}
              </div>
              <div className="field field-wide">
                <label htmlFor={f('tss')}>TSS base URL</label>
                <input
                  id={f('tss')}
                  className={`input input-mono${err('tss') ? ' input-invalid' : ''}`}
                  value={tssUrl}
                  onChange={(e) => setTssUrl(e.target.value)}
                  placeholder={`https://${tssHost}`}
                  inputMode="url"
                  aria-invalid={!!err('tss') || undefined}
                  aria-describedby={err('tss') ? f('tss-error') : undefined}
                />
                {err('tss') ? (
                  <p id={f('tss-error')} className="field-error">
                    {err('tss')}
                  </p>
                ) : null}
              </div>
            </div>
            <div className="check-field">
              <input id={f('phi')} type="checkbox" checked={includeIdentifiers} onChange={(e) => setIncludeIdentifiers(e.target.checked)} />
              <label htmlFor={f('phi')}>Include patient identifiers in the offline cache (names, MRN, date of birth)</label>
            </div>
          </details>

          {error ? <ErrorNotice error={error} title={errorTitle(error.code, 'verify')} onDismiss={() => setError(null)} /> : null}
          <div className="row-actions">
            <button type="submit" className="button button-primary" disabled={saving}>
              {saving ? <Spinner /> : <Icon name="shield" />} {saving ? 'Verifying…' : 'Verify and save'}
            </button>
          </div>
        </form>
        <aside className="tips card" aria-labelledby={f('tips')}>
          <h2 id={f('tips')} className="card-title">
            <Icon name="info" /> About API keys
          </h2>
          <ul className="tip-list">
            <li>
              Create keys in the Illumina web UI under <strong>Manage API Keys</strong>. A key is <strong>shown only once</strong>: copy it or download the .txt file and
              drop it here.
            </li>
            <li>
              Each user can have at most <strong>10 keys</strong>. Delete the ones you no longer use.
            </li>
            <li>
              <strong>Rotate keys yearly.</strong> Tessera warns when a key is 11 months old.
            </li>
            <li>
              Do not create keys from an <strong>administrator account</strong>; use a dedicated user with basic permissions. TSS calls need the API Access or Lab Director
              role.
            </li>
            <li>Scope a key to the workgroups you need, or choose all workgroups for a global key.</li>
          </ul>
        </aside>
      </div>
    </div>
  );
}
