/** App settings: clipboard hygiene, idle lock, the global shortcut, token lifetime, theme; and diagnostics. */
import { useState } from 'react';
import { BOUNDS, GLOBAL_SHORTCUT_MAX, parseWholeNumber, type SyncReports } from '../../src-shared/rules.js';
import type { DoctorReport, Settings, SettingsPatch } from '../../src-shared/schemas.js';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon, type IconName } from '../components/Icon.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { saveSettings, toast, useApp } from '../stores/app.js';
import { useProfiles } from '../stores/profiles.js';

export function SettingsView() {
  const settings = useApp((s) => s.settings);
  if (!settings) return <Spinner label="Loading settings" />;
  return (
    <div className="page">
      <header className="page-header">
        <div className="page-heading">
          <h1 className="page-title">Settings</h1>
          <p className="page-sub">Shared by the desktop app, the tray and the CLI.</p>
        </div>
      </header>
      <div className="settings-layout">
        <ThemeCard theme={settings.theme} />
        <SettingsForm key={formKey(settings)} settings={settings} />
        <AboutCard />
      </div>
    </div>
  );
}

/**
 * The form starts over when one of its own settings changes (saved here, or by the CLI
 * beside the app), and only then: a theme picked in the card above keeps the edits
 * not yet saved.
 */
function formKey(s: Settings): string {
  return JSON.stringify([s.clipboardClearSeconds, s.idleLockMinutes, s.globalShortcut, s.minTtlSeconds, s.requestTimeoutSeconds, s.defaultProfile ?? null, s.syncReports]);
}

const THEMES: { id: Settings['theme']; label: string; icon: IconName }[] = [
  { id: 'system', label: 'System', icon: 'monitor' },
  { id: 'light', label: 'Light', icon: 'sun' },
  { id: 'dark', label: 'Dark', icon: 'moon' },
];

function ThemeCard({ theme }: { theme: Settings['theme'] }) {
  return (
    <section className="card" aria-labelledby="theme-title">
      <h2 id="theme-title" className="card-title">
        Appearance
      </h2>
      <fieldset className="segmented">
        <legend className="visually-hidden">Theme</legend>
        {THEMES.map((t) => (
          <label key={t.id} className={theme === t.id ? 'segment segment-on' : 'segment'}>
            <input
              type="radio"
              name="theme"
              value={t.id}
              checked={theme === t.id}
              onChange={() => void saveSettings({ theme: t.id }).catch((e) => toast('error', 'Could not change the theme', toUiError(e).action))}
            />
            <Icon name={t.icon} /> {t.label}
          </label>
        ))}
      </fieldset>
      <p className="field-hint">System follows your operating system’s light or dark mode.</p>
    </section>
  );
}

/** Turns a keydown into an Electron accelerator such as `CommandOrControl+Shift+T`. */
function acceleratorFrom(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string | null {
  if (['Control', 'Meta', 'Alt', 'Shift'].includes(e.key)) return null;
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('CommandOrControl');
  if (e.altKey) mods.push('Alt');
  if (e.shiftKey) mods.push('Shift');
  // A global shortcut without a modifier would swallow that key in every application.
  if (mods.length === 0) return null;
  const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  return [...mods, key].join('+');
}

function SettingsForm({ settings }: { settings: Settings }) {
  const profiles = useProfiles((s) => s.profiles);
  const [clip, setClip] = useState(String(settings.clipboardClearSeconds));
  const [idle, setIdle] = useState(String(settings.idleLockMinutes));
  const [shortcut, setShortcut] = useState(settings.globalShortcut);
  const [recording, setRecording] = useState(false);
  const [minTtl, setMinTtl] = useState(String(Math.round(settings.minTtlSeconds / 60)));
  const [timeout, setTimeoutValue] = useState(String(settings.requestTimeoutSeconds));
  const [defaultProfile, setDefaultProfile] = useState(settings.defaultProfile ?? '');
  const [syncReports, setSyncReports] = useState<SyncReports>(settings.syncReports);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const clipN = parseWholeNumber(clip, BOUNDS.clipboardClearSeconds);
  const idleN = parseWholeNumber(idle, BOUNDS.idleLockMinutes);
  const ttlN = parseWholeNumber(minTtl, BOUNDS.minTtlMinutes);
  const timeoutN = parseWholeNumber(timeout, BOUNDS.requestTimeoutSeconds);
  const valid =
    clipN.value !== null && idleN.value !== null && ttlN.value !== null && timeoutN.value !== null && shortcut.trim().length > 0 && shortcut.length <= GLOBAL_SHORTCUT_MAX;

  // As in profile settings: Save is offered only once something differs from what is saved.
  const dirty =
    clipN.value !== settings.clipboardClearSeconds ||
    idleN.value !== settings.idleLockMinutes ||
    shortcut.trim() !== settings.globalShortcut ||
    ttlN.value !== Math.round(settings.minTtlSeconds / 60) ||
    timeoutN.value !== settings.requestTimeoutSeconds ||
    (defaultProfile || null) !== (settings.defaultProfile ?? null) ||
    syncReports !== settings.syncReports;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    if (clipN.value === null || idleN.value === null || ttlN.value === null || timeoutN.value === null || !valid) return;
    setSaving(true);
    setError(null);
    const patch: SettingsPatch = {
      clipboardClearSeconds: clipN.value,
      idleLockMinutes: idleN.value,
      globalShortcut: shortcut.trim(),
      minTtlSeconds: ttlN.value * 60,
      requestTimeoutSeconds: timeoutN.value,
      // "First profile" is no setting: null removes a default chosen before.
      defaultProfile: defaultProfile || null,
      syncReports,
    };
    try {
      await saveSettings(patch);
      toast('success', 'Settings saved');
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title" className="card-title">
        Security and tokens
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          <NumberField id="set-clip" label="Clear the clipboard after" unit="seconds" value={clip} onChange={setClip} problem={clipN.problem} hint="Only if it still holds what Tessera copied. 0 never clears." />
          <NumberField id="set-idle" label="Lock when idle for" unit="minutes" value={idle} onChange={setIdle} problem={idleN.problem} hint="Forgets tokens and closes the cache. 0 never locks." />
          <NumberField id="set-ttl" label="Minimum token lifetime" unit="minutes" value={minTtl} onChange={setMinTtl} problem={ttlN.problem} hint="A token with less left is replaced before it is handed out." />
          <NumberField id="set-timeout" label="Request timeout" unit="seconds" value={timeout} onChange={setTimeoutValue} problem={timeoutN.problem} hint="How long to wait for the platform." />
          <div className="field field-wide">
            <label htmlFor="set-shortcut">Global shortcut: copy the default profile’s token</label>
            <div className="input-affix">
              <input
                id="set-shortcut"
                className="input input-mono"
                value={recording ? 'Press the keys…' : shortcut}
                readOnly={recording}
                onChange={(e) => setShortcut(e.target.value)}
                onKeyDown={(e) => {
                  if (!recording) return;
                  e.preventDefault();
                  if (e.key === 'Escape') {
                    setRecording(false);
                    return;
                  }
                  const acc = acceleratorFrom(e.nativeEvent);
                  if (acc) {
                    setShortcut(acc);
                    setRecording(false);
                  }
                }}
                onBlur={() => setRecording(false)}
                aria-describedby="set-shortcut-hint"
              />
              <button
                type="button"
                className="button"
                aria-pressed={recording}
                onClick={() => {
                  setRecording(true);
                  document.getElementById('set-shortcut')?.focus();
                }}
              >
                <Icon name="command" /> {recording ? 'Recording…' : 'Record'}
              </button>
            </div>
            <p id="set-shortcut-hint" className="field-hint">
              An Electron accelerator, e.g. CommandOrControl+Shift+T.
            </p>
          </div>
          <div className="field">
            <label htmlFor="set-default">Default profile (tray and shortcut)</label>
            <select id="set-default" className="input" value={defaultProfile} onChange={(e) => setDefaultProfile(e.target.value)}>
              <option value="">First profile</option>
              {profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="set-reports">Case reports kept offline</label>
            <select id="set-reports" className="input" value={syncReports} onChange={(e) => setSyncReports(e.target.value as SyncReports)} aria-describedby="set-reports-hint">
              {SYNC_REPORT_CHOICES.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
            <p id="set-reports-hint" className="field-hint">
              Each sync fetches the reports of new or changed cases into the encrypted cache.
            </p>
          </div>
        </div>
        {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
        <div className="row-actions">
          <button type="submit" className="button button-primary" disabled={!dirty || !valid || saving}>
            {saving ? <Spinner /> : <Icon name="check" />} Save settings
          </button>
        </div>
      </form>
    </section>
  );
}

const SYNC_REPORT_CHOICES: { id: SyncReports; label: string }[] = [
  { id: 'off', label: 'None' },
  { id: 'json', label: 'Reports' },
  { id: 'json+pdf', label: 'Reports and PDFs' },
];

function NumberField({ id, label, unit, value, onChange, problem, hint }: { id: string; label: string; unit: string; value: string; onChange: (v: string) => void; problem: string | null; hint: string }) {
  const invalid = problem !== null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-affix">
        <input id={id} className={`input${invalid ? ' input-invalid' : ''}`} inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={`${id}-hint`} />
        <span className="affix">{unit}</span>
      </div>
      <p id={`${id}-hint`} className={invalid ? 'field-error' : 'field-hint'}>
        {problem ?? hint}
      </p>
    </div>
  );
}

function AboutCard() {
  const info = useApp((s) => s.appInfo);
  const [report, setReport] = useState<DoctorReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  async function run() {
    setRunning(true);
    setError(null);
    try {
      setReport(await tessera().doctor());
    } catch (e) {
      setError(toUiError(e));
    } finally {
      setRunning(false);
    }
  }
  return (
    <section className="card" aria-labelledby="about-title">
      <h2 id="about-title" className="card-title">
        About and diagnostics
      </h2>
      {info ? (
        <dl className="kv">
          <div className="kv-row">
            <dt>Version</dt>
            <dd>{info.version}</dd>
          </div>
          <div className="kv-row">
            <dt>Platform</dt>
            <dd>{info.platform}</dd>
          </div>
          <div className="kv-row">
            <dt>Data directory</dt>
            <dd className="mono break">{info.dataDir}</dd>
          </div>
          {Object.entries(info.versions).map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div className="row-actions">
        <button type="button" className="button" onClick={() => void run()} disabled={running}>
          {running ? <Spinner /> : <Icon name="check" />} Run checks
        </button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {report ? (
        <ul className="checks" aria-label="Diagnostic checks">
          {report.checks.map((c) => {
            // A backend not in use that fails is no problem while the one in use works; its advice matters only then.
            const unused = !c.ok && c.selected === false;
            return (
              <li key={c.name} className={c.ok ? 'check-ok' : unused ? 'check-na' : 'check-bad'}>
                <Icon name={c.ok ? 'check' : unused ? 'info' : 'alert'} />
                <div>
                  <p className="strong">{c.name}</p>
                  {unused ? <p className="small">Not in use</p> : null}
                  <p className="muted small">{c.detail}</p>
                  {!c.ok && c.hint && !(unused && report.ok) ? <p className="small">{c.hint}</p> : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
