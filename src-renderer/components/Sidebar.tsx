/** The profiles sidebar: every tenant at a glance, with token state and key warnings. */
import { memo } from 'react';
import type { ProfileView } from '../../src-shared/schemas.js';
import { keyWarnings } from '../lib/keys.js';
import { lockNow, navigate, openProfile, setPaletteOpen, useApp } from '../stores/app.js';
import { useProfiles } from '../stores/profiles.js';
import { Badge, DemoBadge, Kbd, modKey, RegionBadge, TokenSummary } from './bits.js';
import { Icon } from './Icon.js';
import { Logo } from './Logo.js';

export function Sidebar() {
  const profiles = useProfiles((s) => s.profiles);
  const view = useApp((s) => s.view);
  const current = view.kind === 'profile' ? view.name : null;

  return (
    <aside className="sidebar">
      <div className="brand">
        <Logo />
        <span className="brand-name">Tessera</span>
      </div>
      <button type="button" className="palette-trigger" onClick={() => setPaletteOpen(true)} aria-keyshortcuts="Control+K Meta+K">
        <Icon name="search" />
        <span>Jump or copy…</span>
        <Kbd>{modKey} K</Kbd>
      </button>
      <nav className="profile-nav" aria-label="Profiles">
        <p className="nav-heading" id="profiles-heading">
          Profiles
        </p>
        {profiles.length === 0 ? <p className="nav-empty">No profiles yet.</p> : null}
        <ul aria-labelledby="profiles-heading">
          {profiles.map((p) => (
            <li key={p.name}>
              <ProfileItem profile={p} current={p.name === current} />
            </li>
          ))}
        </ul>
        <button type="button" className={`nav-button${view.kind === 'add-profile' ? ' nav-current' : ''}`} onClick={() => navigate({ kind: 'add-profile' })} aria-current={view.kind === 'add-profile' ? 'page' : undefined}>
          <Icon name="plus" /> Add profile
        </button>
      </nav>
      <div className="sidebar-footer">
        <button type="button" className={`nav-button${view.kind === 'settings' ? ' nav-current' : ''}`} onClick={() => navigate({ kind: 'settings' })} aria-current={view.kind === 'settings' ? 'page' : undefined}>
          <Icon name="settings" /> Settings
        </button>
        <button type="button" className="nav-button" onClick={() => void lockNow()} aria-keyshortcuts="Control+Shift+L Meta+Shift+L">
          <Icon name="lock" /> Lock
        </button>
      </div>
    </aside>
  );
}

const ProfileItem = memo(function ProfileItem({ profile, current }: { profile: ProfileView; current: boolean }) {
  const status = useProfiles((s) => s.tokens[profile.name]);
  const warnings = keyWarnings(profile);
  return (
    <button type="button" className={`profile-item${current ? ' profile-current' : ''}`} aria-current={current ? 'page' : undefined} onClick={() => openProfile(profile.name)} data-profile={profile.name}>
      <span className="profile-item-top">
        <span className="profile-name">{profile.name}</span>
        {warnings.length ? <Icon name="alert" size={14} className={warnings.some((w) => w.kind === 'rejected') ? 'warn-icon danger' : 'warn-icon'} /> : null}
      </span>
      <span className="profile-badges">
        <Badge tone="accent" title={`Tenant: ${profile.domain}.login.illumina.com`}>
          {profile.domain}
        </Badge>
        <RegionBadge region={profile.region} />
        {profile.isDemo ? <DemoBadge /> : null}
      </span>
      <TokenSummary status={status} compact />
      {warnings.map((w) => (
        <span key={w.kind} className={`profile-warning ${w.kind === 'rejected' ? 'danger' : 'warning'}`}>
          {w.kind === 'rejected' ? 'Key rejected' : 'Key due for rotation'}
        </span>
      ))}
    </button>
  );
});
