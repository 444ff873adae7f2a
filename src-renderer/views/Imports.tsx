/**
 * The two imports the app offers: a profile from the icav2 CLI's config.yaml (found by
 * the core, imported by the core: its key never comes to this process), and a team
 * profile file (chosen or dropped; the core validates it and creates all or none).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { REGION_IDS, REGIONS, type RegionId } from '../../src-shared/regions.js';
import type { Icav2ConfigFacts } from '../../src-shared/schemas.js';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { useSecretHome } from '../stores/app.js';
import { findIcav2Config, importIcav2, importTeamFile } from '../stores/profiles.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DOMAIN_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The icav2 configuration the core found, once asked (null: none, or not usable). */
export function useIcav2Config(): Icav2ConfigFacts | null {
  const [facts, setFacts] = useState<Icav2ConfigFacts | null>(null);
  useEffect(() => {
    let live = true;
    void findIcav2Config().then((f) => {
      if (live) setFacts(f?.found ? f : null);
    });
    return () => {
      live = false;
    };
  }, []);
  return facts;
}

export function Icav2ImportForm({ facts, onCancel }: { facts: Icav2ConfigFacts; onCancel: () => void }) {
  const secretHome = useSecretHome();
  const id = useId();
  const f = (s: string) => `${id}-${s}`;
  const [name, setName] = useState('icav2');
  const [region, setRegion] = useState<RegionId>('us');
  const [domain, setDomain] = useState('');
  const [scrub, setScrub] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const cleanDomain = domain.trim().toLowerCase();
  const nameProblem = !NAME_RE.test(name.trim()) ? 'Use letters, digits, dot, dash or underscore, starting with a letter or digit.' : undefined;
  const domainProblem = cleanDomain && !DOMAIN_RE.test(cleanDomain) ? 'Use letters, digits and dashes only, as in <domain>.login.illumina.com.' : undefined;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (nameProblem || domainProblem) return;
    setSaving(true);
    setError(null);
    try {
      await importIcav2({ name: name.trim(), region, ...(cleanDomain ? { domain: cleanDomain } : {}), ...(scrub ? { scrub: true } : {}) });
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card form import-card" onSubmit={(e) => void submit(e)} noValidate aria-label="Import from icav2">
      <div>
        <h2 className="card-title">
          <Icon name="terminal" /> Import from icav2
        </h2>
        <p className="card-sub">
          Found <code>{facts.path}</code> with an API key for <code>{facts.serverHost}</code>. Tessera checks the key by minting a token, then keeps it in {secretHome}.
        </p>
      </div>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={f('name')}>Profile name</label>
          <input id={f('name')} className={`input${nameProblem ? ' input-invalid' : ''}`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} aria-invalid={!!nameProblem || undefined} aria-describedby={f('name-hint')} autoFocus />
          <p id={f('name-hint')} className={nameProblem ? 'field-error' : 'field-hint'}>
            {nameProblem ?? 'Used as `tessera token <name>`.'}
          </p>
        </div>
        <div className="field">
          <label htmlFor={f('region')}>Region</label>
          <select id={f('region')} className="input" value={region} onChange={(e) => setRegion(e.target.value as RegionId)}>
            {REGION_IDS.map((r) => (
              <option key={r} value={r}>
                {REGIONS[r].label} — {REGIONS[r].tssInstance}
              </option>
            ))}
          </select>
          <p className="field-hint">Where your lab’s TSS runs; icav2 does not record it.</p>
        </div>
        <div className="field">
          <label htmlFor={f('domain')}>Tenant domain (optional)</label>
          <input id={f('domain')} className={`input${domainProblem ? ' input-invalid' : ''}`} value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="from the key’s token" autoComplete="off" spellCheck={false} aria-invalid={!!domainProblem || undefined} aria-describedby={f('domain-hint')} />
          <p id={f('domain-hint')} className={domainProblem ? 'field-error' : 'field-hint'}>
            {domainProblem ?? 'Leave empty to use the tenant the key’s token names.'}
          </p>
        </div>
      </div>
      <div className="check-field">
        <input id={f('scrub')} type="checkbox" checked={scrub} onChange={(e) => setScrub(e.target.checked)} />
        <label htmlFor={f('scrub')}>Then remove the plain-text key from config.yaml (everything else in it stays)</label>
      </div>
      {error ? <ErrorNotice error={error} title="Could not import from icav2" onDismiss={() => setError(null)} /> : null}
      <div className="row-actions">
        <button type="submit" className="button button-primary" disabled={saving || !!nameProblem || !!domainProblem}>
          {saving ? <Spinner /> : <Icon name="shield" />} {saving ? 'Verifying…' : 'Verify and import'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "Import team file…": a file picker, and a drop target for a .json file. */
export function TeamFileImport({ large = false }: { large?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  async function take(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await importTeamFile(file);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div
      className={`team-drop${over ? ' team-drop-active' : ''}`}
      data-testid="team-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void take(e.dataTransfer.files[0]);
      }}
    >
      <input ref={input} type="file" accept=".json,application/json" hidden aria-label="Team profile file" onChange={(e) => void take(e.target.files?.[0])} />
      <button type="button" className={`button${large ? ' button-large' : ''}`} onClick={() => input.current?.click()} disabled={busy}>
        {busy ? <Spinner /> : <Icon name="file" />} Import team file…
      </button>
      {error ? (
        <div className="team-error">
          <ErrorNotice error={error} title="Could not import the team file" onDismiss={() => setError(null)} />
        </div>
      ) : null}
    </div>
  );
}
