/**
 * First run (no profiles): offer the demo tenant, adding a tenant, a team file, and an
 * import from icav2 when ~/.icav2/config.yaml holds a key. Otherwise: every profile with
 * a one-click copy (or, for a profile imported without its key, the way to add it).
 */
import { useState } from 'react';
import { Badge, RegionBadge, Spinner, TokenSummary, Kbd, modKey } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { Logo } from '../components/Logo.js';
import { keyWarnings } from '../lib/keys.js';
import { navigate, openProfile, useSecretHome } from '../stores/app.js';
import { copyToken, startDemo, useProfiles } from '../stores/profiles.js';
import { Icav2ImportForm, TeamFileImport, useIcav2Config } from './Imports.js';

export function Home() {
  const profiles = useProfiles((s) => s.profiles);
  return profiles.length === 0 ? <Welcome /> : <Dashboard />;
}

function Welcome() {
  const demoStarting = useProfiles((s) => s.demoStarting);
  const secretHome = useSecretHome();
  const icav2 = useIcav2Config();
  const [importing, setImporting] = useState(false);
  if (importing && icav2) {
    return (
      <div className="welcome">
        <Icav2ImportForm facts={icav2} onCancel={() => setImporting(false)} />
      </div>
    );
  }
  return (
    <div className="welcome">
      <Logo size={56} />
      <h1 className="welcome-title">Welcome to Tessera</h1>
      <p className="welcome-text">
        Keep your Illumina Connected Software API keys in {secretHome} and get a fresh token for ICA and TSS in one click, then browse your lab’s tests and cases,
        also offline.
      </p>
      <div className="welcome-actions">
        <button type="button" className="button button-primary button-large" onClick={() => void startDemo()} disabled={demoStarting}>
          {demoStarting ? <Spinner /> : <Icon name="flask" />} {demoStarting ? 'Starting the demo tenant…' : 'Try the demo tenant'}
        </button>
        <button type="button" className="button button-large" onClick={() => navigate({ kind: 'add-profile' })}>
          <Icon name="plus" /> Add your tenant
        </button>
        {icav2?.hasKey ? (
          <button type="button" className="button button-large" onClick={() => setImporting(true)}>
            <Icon name="terminal" /> Import from icav2
          </button>
        ) : null}
        <TeamFileImport large />
      </div>
      {icav2 && !icav2.hasKey && icav2.problem ? <p className="welcome-note">Found {icav2.path}, but it cannot be imported: {icav2.problem}</p> : null}
      <p className="welcome-note">
        The demo tenant runs on a simulator on this computer: no Illumina account needed, and nothing leaves your machine.
      </p>
    </div>
  );
}

function Dashboard() {
  const profiles = useProfiles((s) => s.profiles);
  const tokens = useProfiles((s) => s.tokens);
  return (
    <div className="page">
      <header className="page-header">
        <div className="page-heading">
          <h1 className="page-title">Profiles</h1>
          <p className="page-sub">
            Copy a fresh token for any tenant, or press <Kbd>{modKey} K</Kbd> and type its name.
          </p>
        </div>
        <TeamFileImport />
      </header>
      <ul className="dash-grid">
        {profiles.map((p) => {
          const warnings = keyWarnings(p);
          return (
            <li key={p.name} className="card dash-card">
              <div className="dash-top">
                <h2 className="dash-name">{p.name}</h2>
                <div className="page-badges">
                  <Badge tone="accent">{p.domain}</Badge>
                  <RegionBadge region={p.region} />
                </div>
              </div>
              {p.needsKey ? (
                <p className="profile-warning warning">Key needed: this profile came from a team file without its key.</p>
              ) : (
                <TokenSummary status={tokens[p.name]} />
              )}
              {warnings.map((w) => (
                <p key={w.kind} className={`profile-warning ${w.kind === 'rejected' ? 'danger' : 'warning'}`}>
                  {w.text}
                </p>
              ))}
              <div className="row-actions">
                {p.needsKey ? (
                  <button type="button" className="button button-primary" onClick={() => openProfile(p.name)} aria-label={`Add key for ${p.name}`}>
                    <Icon name="key" /> Add key
                  </button>
                ) : (
                  <button type="button" className="button button-primary" onClick={() => void copyToken(p.name, 'jwt')} aria-label={`Copy token for ${p.name}`}>
                    <Icon name="copy" /> Copy token
                  </button>
                )}
                <button type="button" className="button" onClick={() => openProfile(p.name)} aria-label={`Open ${p.name}`}>
                  Open <Icon name="chevronRight" />
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
