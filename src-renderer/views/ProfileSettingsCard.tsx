/** Per-profile settings: workgroup, patient identifiers opt-in, region and base URLs. */
import { useState } from 'react';
import { REGION_IDS, REGIONS, type RegionId } from '../../src-shared/regions.js';
import { urlProblem, workgroupProblem } from '../../src-shared/rules.js';
import type { ProfileView, UpdateProfileInput } from '../../src-shared/schemas.js';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { toast } from '../stores/app.js';
import { updateProfile } from '../stores/profiles.js';

export function ProfileSettingsCard({ profile }: { profile: ProfileView }) {
  const [workgroup, setWorkgroup] = useState(profile.workgroup ?? '');
  const [includeIdentifiers, setIncludeIdentifiers] = useState(profile.includeIdentifiers);
  const [region, setRegion] = useState<RegionId>(profile.region);
  const [icaUrl, setIcaUrl] = useState(profile.customUrls ? profile.icaUrl : '');
  const [tssUrl, setTssUrl] = useState(profile.customUrls ? profile.tssUrl : '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const patch: UpdateProfileInput = {};
  if (workgroup.trim() !== (profile.workgroup ?? '')) patch.workgroup = workgroup.trim() || null;
  if (includeIdentifiers !== profile.includeIdentifiers) patch.includeIdentifiers = includeIdentifiers;
  if (region !== profile.region) patch.region = region;
  const icaBefore = profile.customUrls ? profile.icaUrl : '';
  const tssBefore = profile.customUrls ? profile.tssUrl : '';
  if (icaUrl.trim() !== icaBefore) patch.icaUrl = icaUrl.trim() || null;
  if (tssUrl.trim() !== tssBefore) patch.tssUrl = tssUrl.trim() || null;
  const dirty = Object.keys(patch).length > 0;
  // The core's rules (src-shared/rules.ts), for the fields being changed (a value stored by
  // an older version is left alone); an empty field means "none" or "the region's default".
  const problems = {
    workgroup: patch.workgroup ? workgroupProblem(patch.workgroup) : null,
    ica: patch.icaUrl ? (urlProblem(patch.icaUrl)?.message ?? null) : null,
    tss: patch.tssUrl ? (urlProblem(patch.tssUrl)?.message ?? null) : null,
  };
  const valid = Object.values(problems).every((p) => p === null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!valid) return;
    setSaving(true);
    setError(null);
    try {
      await updateProfile(profile.name, patch);
      toast('success', `Saved ${profile.name}`);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSaving(false);
    }
  }

  const id = (s: string) => `ps-${profile.name}-${s}`;
  return (
    <section className="card" aria-labelledby={id('title')}>
      <header className="card-header">
        <div>
          <h2 id={id('title')} className="card-title">
            <Icon name="settings" /> Profile settings
          </h2>
          <p className="card-sub">How Tessera reaches this tenant.</p>
        </div>
      </header>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={id('workgroup')}>Workgroup</label>
            <input
              id={id('workgroup')}
              className={`input${problems.workgroup ? ' input-invalid' : ''}`}
              value={workgroup}
              onChange={(e) => setWorkgroup(e.target.value)}
              placeholder="All workgroups of the key"
              aria-invalid={!!problems.workgroup || undefined}
              aria-describedby={id('workgroup-hint')}
            />
            <p id={id('workgroup-hint')} className={problems.workgroup ? 'field-error' : 'field-hint'}>
              {problems.workgroup ?? 'Sent as X-ILMN-Workgroup to TSS. The key must cover it.'}
            </p>
          </div>
          <div className="field">
            <label htmlFor={id('region')}>Region</label>
            <select id={id('region')} className="input" value={region} onChange={(e) => setRegion(e.target.value as RegionId)} aria-describedby={id('region-hint')}>
              {REGION_IDS.map((r) => (
                <option key={r} value={r}>
                  {REGIONS[r].label} ({r})
                </option>
              ))}
            </select>
            <p id={id('region-hint')} className="field-hint">
              {/* The URL Tessera will use: a custom TSS URL wins over the region's host. */}
              {tssUrl.trim() ? (
                <>
                  TSS: <code>{tssUrl.trim()}</code> (custom URL)
                </>
              ) : (
                <>
                  TSS host: <code>{`${profile.domain}.${REGIONS[region].tssInstance}`}</code>
                </>
              )}
            </p>
          </div>
          <UrlField id={id('ica')} label="ICA base URL" value={icaUrl} onChange={setIcaUrl} placeholder={profile.customUrls ? '' : profile.icaUrl} problem={problems.ica} />
          <UrlField id={id('tss')} label="TSS base URL" value={tssUrl} onChange={setTssUrl} placeholder={profile.customUrls ? '' : profile.tssUrl} problem={problems.tss} />
        </div>
        <div className="check-field">
          <input id={id('phi')} type="checkbox" checked={includeIdentifiers} onChange={(e) => setIncludeIdentifiers(e.target.checked)} aria-describedby={id('phi-hint')} />
          <div>
            <label htmlFor={id('phi')}>Include patient identifiers</label>
            <p id={id('phi-hint')} className="field-hint">
              Fetches names, MRN and date of birth (directIdentifiers=true) into the encrypted offline cache. Leave off unless you need them.
            </p>
          </div>
        </div>
        {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
        <div className="row-actions">
          <button type="submit" className="button button-primary" disabled={!dirty || !valid || saving}>
            {saving ? <Spinner /> : <Icon name="check" />} Save settings
          </button>
          {profile.customUrls ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setIcaUrl('');
                setTssUrl('');
              }}
            >
              Use region defaults
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

/** One URL override with its own error line (the ICA and TSS base URLs). */
function UrlField(props: { id: string; label: string; value: string; onChange(value: string): void; placeholder: string; problem: string | null | undefined }) {
  const errorId = `${props.id}-error`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        className={`input input-mono${props.problem ? ' input-invalid' : ''}`}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        inputMode="url"
        aria-invalid={!!props.problem || undefined}
        aria-describedby={props.problem ? errorId : undefined}
      />
      {props.problem ? (
        <p id={errorId} className="field-error">
          {props.problem}
        </p>
      ) : null}
    </div>
  );
}
