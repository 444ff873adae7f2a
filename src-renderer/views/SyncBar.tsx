/**
 * Sync control for a profile's offline cache: last-synced time, a Sync/Cancel
 * button, a progress bar fed by `sync` events, and the offline/stale banner.
 */
import { useEffect } from 'react';
import type { Freshness } from '../../src-shared/schemas.js';
import { ErrorNotice, Notice } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { formatCount, formatDateTime, formatRelative } from '../lib/format.js';
import { useNow } from '../lib/now.js';
import { cancelSync, loadCacheStatus, startSync, syncOf, useSync } from '../stores/sync.js';

const PHASES: Record<string, string> = {
  tests: 'Fetching test definitions',
  cases: 'Fetching cases',
  reports: 'Fetching case reports',
  cleanup: 'Removing deleted cases',
  done: 'Sync complete',
  cancelled: 'Sync cancelled',
  failed: 'Sync failed',
};

export function SyncBar({ profile, freshness }: { profile: string; freshness: Freshness | null }) {
  const sync = useSync((s) => syncOf(s, profile));
  useEffect(() => {
    void loadCacheStatus(profile);
  }, [profile]);

  const syncedAt = sync.status?.syncedAt ?? freshness?.syncedAt ?? null;
  const offline = !!freshness?.offline || (!!sync.error && ['NETWORK', 'TIMEOUT', 'OFFLINE'].includes(sync.error.code));
  const p = sync.progress;

  return (
    <div className="syncbar-wrap">
      <div className="syncbar">
        <Icon name="database" />
        <div className="syncbar-text">
          <SyncedAt syncedAt={syncedAt} />
          {sync.status ? (
            <span className="muted">
              {' '}
              · {formatCount(sync.status.cases)} cases, {formatCount(sync.status.tests)} tests cached
            </span>
          ) : null}
        </div>
        {sync.running ? (
          <div className="sync-progress" data-testid="sync-progress">
            <label htmlFor={`sync-progress-${profile}`} className="sync-phase">
              {p ? PHASES[p.phase] ?? p.phase : 'Starting'}
              {p && p.total ? ` ${formatCount(p.done)} of ${formatCount(p.total)}` : p && p.done ? ` ${formatCount(p.done)}` : ''}
            </label>
            {/* Without a known total the bar is indeterminate rather than stuck at 0. */}
            <progress id={`sync-progress-${profile}`} className="progress" max={p?.total ?? undefined} value={p?.total ? p.done : undefined} />
          </div>
        ) : null}
        {sync.running ? (
          <button type="button" className="button" onClick={() => void cancelSync(profile)}>
            <Icon name="stop" /> Cancel
          </button>
        ) : (
          <button type="button" className="button button-primary" onClick={() => void startSync(profile)}>
            <Icon name="refresh" /> Sync now
          </button>
        )}
      </div>
      {offline ? (
        <Notice tone="warning" icon="cloudOff" title="Offline: the server cannot be reached" role="status">
          <p>
            {syncedAt ? `Showing data from the offline cache, synced ${formatDateTime(syncedAt)}.` : 'Nothing is cached for this profile yet.'} Check your network or VPN
            connection; Tessera keeps working from the cache.
          </p>
        </Notice>
      ) : freshness?.stale && syncedAt ? (
        <Notice tone="info" icon="clock" title="Cached data may be out of date" role="status">
          <p>Last synced {formatDateTime(syncedAt)}. Sync to refresh it.</p>
        </Notice>
      ) : null}
      {sync.error && !offline ? <ErrorNotice error={sync.error} title="Sync failed" /> : null}
    </div>
  );
}

function SyncedAt({ syncedAt }: { syncedAt: string | null }) {
  const now = useNow();
  if (!syncedAt) return <span>Never synced</span>;
  return (
    <span>
      Last synced{' '}
      <time dateTime={syncedAt} title={formatDateTime(syncedAt)}>
        {formatRelative(syncedAt, now)}
      </time>
    </span>
  );
}
