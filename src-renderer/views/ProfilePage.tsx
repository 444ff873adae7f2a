/** One profile: header with tenant and region, and tabs for token/key, tests and cases. */
import { useRef } from 'react';
import { loginUrl, REGIONS } from '../../src-shared/regions.js';
import type { ProfileView } from '../../src-shared/schemas.js';
import { Badge, DemoBadge, RegionBadge } from '../components/bits.js';
import { Icon, type IconName } from '../components/Icon.js';
import { openProfile, type ProfileTab } from '../stores/app.js';
import { useProfiles } from '../stores/profiles.js';
import { CasesView } from './CasesView.js';
import { IcaDataCard } from './IcaDataCard.js';
import { KeyCard } from './KeyCard.js';
import { ProfileSettingsCard } from './ProfileSettingsCard.js';
import { SnippetsCard } from './SnippetsCard.js';
import { TestsView } from './TestsView.js';
import { TokenCard } from './TokenCard.js';

const TABS: { id: ProfileTab; label: string; icon: IconName }[] = [
  { id: 'overview', label: 'Token & key', icon: 'shield' },
  { id: 'tests', label: 'Tests', icon: 'flask' },
  { id: 'cases', label: 'Cases', icon: 'folder' },
];

export function ProfilePage({ name, tab }: { name: string; tab: ProfileTab }) {
  const profile = useProfiles((s) => s.profiles.find((p) => p.name === name));
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  if (!profile) return <p className="empty-note">This profile no longer exists.</p>;

  function onTabKey(e: React.KeyboardEvent, index: number) {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + TABS.length) % TABS.length;
    openProfile(name, TABS[next]!.id);
    tabRefs.current[next]?.focus();
  }

  return (
    <div className="page">
      <header className="page-header">
        <div className="page-heading">
          <h1 className="page-title">{profile.name}</h1>
          <div className="page-badges">
            <Badge tone="accent" title="Tenant domain">
              {profile.domain}
            </Badge>
            <RegionBadge region={profile.region} />
            {profile.workgroup ? <Badge title="Workgroup">Workgroup {profile.workgroup}</Badge> : null}
            {profile.isDemo ? <DemoBadge /> : null}
          </div>
          <p className="page-sub">
            <Icon name="globe" size={14} /> {profile.isDemo ? 'Served by the built-in simulator' : loginUrl(profile.domain).replace('https://', '')} · TSS {REGIONS[profile.region].label}
          </p>
        </div>
      </header>
      <div className="tabs" role="tablist" aria-label={`${profile.name} sections`}>
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className={`tab${tab === t.id ? ' tab-current' : ''}`}
            onClick={() => openProfile(name, t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            <Icon name={t.icon} /> {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'overview' ? <Overview profile={profile} /> : tab === 'tests' ? <TestsView profile={profile} /> : <CasesView profile={profile} />}
      </div>
    </div>
  );
}

function Overview({ profile }: { profile: ProfileView }) {
  return (
    <div className="overview">
      <div className="overview-main">
        <TokenCard key={`token-${profile.name}`} name={profile.name} />
        <SnippetsCard key={`snippets-${profile.name}`} profile={profile} />
        <IcaDataCard key={`ica-data-${profile.name}`} name={profile.name} />
      </div>
      <div className="overview-side">
        <KeyCard key={`key-${profile.name}`} profile={profile} />
        <ProfileSettingsCard key={`settings-${profile.name}-${profile.updatedAt}`} profile={profile} />
      </div>
    </div>
  );
}
