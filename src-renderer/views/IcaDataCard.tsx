/**
 * The ICA data card: pick an ICA project and a folder, and get the commands that open it
 * with the AWS tools (an `aws s3 ls`, the `credential_process` line for ~/.aws/config,
 * the `tessera aws-config` command), with the expiry of the temporary credentials.
 *
 * The credentials themselves never reach this process: the core fetches and caches them
 * (ensureAwsAccess answers only bucket, prefix, region, expiry and the commands), and the
 * AWS tools get them from `tessera aws-credentials` or `tessera exec`. Projects are loaded
 * only when asked for, so opening a profile costs no request.
 */
import { useState } from 'react';
import type { AwsAccess, AwsCommandKind, IcaProjectSummary } from '../../src-shared/schemas.js';
import { Countdown, ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { formatDateTime } from '../lib/format.js';
import { toast } from '../stores/app.js';

const COMMANDS: { kind: AwsCommandKind; label: string; hint: string }[] = [
  { kind: 'awsLs', label: 'aws s3 ls command', hint: 'lists the folder, once the aws-config command below has run' },
  { kind: 'credentialProcess', label: 'credential_process line', hint: 'for a [profile] section of ~/.aws/config' },
  { kind: 'awsConfig', label: 'aws-config command', hint: 'writes that profile for you' },
];

export function IcaDataCard({ name }: { name: string }) {
  const [projects, setProjects] = useState<IcaProjectSummary[] | null>(null);
  const [project, setProject] = useState('');
  const [path, setPath] = useState('');
  const [readOnly, setReadOnly] = useState(true);
  const [busy, setBusy] = useState<'projects' | 'access' | AwsCommandKind | null>(null);
  const [access, setAccess] = useState<AwsAccess | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const id = (s: string) => `ica-data-${name}-${s}`;
  const request = { project, path, readOnly };

  async function loadProjects() {
    setBusy('projects');
    setError(null);
    try {
      const list = await tessera().listIcaProjects(name);
      setProjects(list);
      if (list.length > 0 && !project) setProject(list[0]!.id);
    } catch (e) {
      setError(toUiError(e));
    } finally {
      setBusy(null);
    }
  }

  async function open(e: React.FormEvent) {
    e.preventDefault();
    setBusy('access');
    setError(null);
    setAccess(null);
    try {
      setAccess(await tessera().ensureAwsAccess(name, request));
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(null);
    }
  }

  async function copy(kind: AwsCommandKind, label: string) {
    if (!access) return;
    setBusy(kind);
    try {
      const r = await tessera().copyAwsCommand(name, { project: access.projectId, path: access.path, readOnly: access.readOnly }, kind);
      toast('success', `Copied the ${label}`, r.clearsAt ? `The clipboard is cleared at ${formatDateTime(r.clearsAt)}.` : undefined);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card" aria-labelledby={id('title')}>
      <header className="card-header">
        <div>
          <h2 id={id('title')} className="card-title">
            <Icon name="database" /> ICA data
          </h2>
          <p className="card-sub">Open a project folder with the AWS CLI or any AWS SDK, through temporary credentials Tessera renews.</p>
        </div>
        {access ? (
          <div className="big-countdown" aria-hidden="true">
            <Countdown expiresAt={access.expiresAt} />
            <span className="big-countdown-label">credentials left</span>
          </div>
        ) : null}
      </header>

      {projects === null ? (
        <div className="row-actions">
          <button type="button" className="button" onClick={() => void loadProjects()} disabled={busy !== null}>
            {busy === 'projects' ? <Spinner /> : <Icon name="folder" />} Choose a project folder
          </button>
        </div>
      ) : (
        <form className="form" onSubmit={(e) => void open(e)}>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={id('project')}>Project</label>
              <select id={id('project')} className="input" value={project} onChange={(e) => setProject(e.target.value)}>
                {projects.length === 0 ? <option value="">No projects in this tenant</option> : null}
                {projects.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                    {p.region ? ` (${p.region})` : ''}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={id('path')}>Folder</label>
              <input
                id={id('path')}
                className="input input-mono"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="/runs/2024/"
                spellCheck={false}
                aria-describedby={id('path-hint')}
              />
              <p id={id('path-hint')} className="field-hint">
                From the project root; folders end with /.
              </p>
            </div>
          </div>
          <div className="check-field">
            <input id={id('ro')} type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
            <div>
              <label htmlFor={id('ro')}>Read-only credentials</label>
            </div>
          </div>
          <div className="row-actions">
            <button type="submit" className="button button-primary" disabled={busy !== null || !project || path.trim() === ''}>
              {busy === 'access' ? <Spinner /> : <Icon name="key" />} Get AWS commands
            </button>
          </div>
        </form>
      )}
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}

      {access ? (
        <div className="ica-access" data-testid="ica-access">
          <dl className="kv kv-compact">
            <div className="kv-row">
              <dt>Location</dt>
              <dd>
                <code>{access.s3Uri}</code>
              </dd>
            </div>
            <div className="kv-row">
              <dt>Region</dt>
              <dd>{access.region}</dd>
            </div>
            <div className="kv-row">
              <dt>Credentials expire</dt>
              <dd>
                {formatDateTime(access.expiresAt)} {access.readOnly ? '(read-only)' : '(read and write)'}
              </dd>
            </div>
          </dl>
          <ul className="command-list" aria-label="AWS commands">
            {COMMANDS.map((c) => (
              <li key={c.kind} className="command-row">
                <div className="command-text">
                  <span className="command-label">
                    {c.label} <span className="field-hint">{c.hint}</span>
                  </span>
                  <code data-kind={c.kind}>{access.commands[c.kind]}</code>
                </div>
                <button type="button" className="button" onClick={() => void copy(c.kind, c.label)} disabled={busy !== null} aria-label={`Copy the ${c.label}`}>
                  {busy === c.kind ? <Spinner /> : <Icon name="copy" />} Copy
                </button>
              </li>
            ))}
          </ul>
          <p className="card-note">
            Tessera renews the credentials an hour before they expire; ICA documents 36 hours, Tessera counts 35 from the request. The keys stay in your keychain and reach only the AWS
            tools.
          </p>
        </div>
      ) : null}
    </section>
  );
}
