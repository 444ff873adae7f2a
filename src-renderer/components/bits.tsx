/** Small presentational pieces shared by the views. */
import { memo, type ReactNode } from 'react';
import type { ProfileView, TokenStatus } from '../../src-shared/schemas.js';
import { REGIONS } from '../../src-shared/regions.js';
import { errorTitle, type UiError } from '../lib/errors.js';
import { describeCountdown, formatCountdown, formatWhen } from '../lib/format.js';
import { useNow } from '../lib/now.js';
import { Icon, type IconName } from './Icon.js';

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger' | 'info';

export function Badge({ tone = 'neutral', children, title, icon }: { tone?: Tone; children: ReactNode; title?: string; icon?: IconName }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {icon ? <Icon name={icon} size={12} /> : null}
      {children}
    </span>
  );
}

export function RegionBadge({ region }: { region: ProfileView['region'] }) {
  const info = REGIONS[region];
  return (
    <Badge tone="neutral" title={`Region: ${info.label} (${info.tssInstance})`}>
      {info.label}
    </Badge>
  );
}

/** Text whose `backticked` parts are commands or values (as error actions and rule messages write them): shown as code, never as raw backticks. */
export function Prose({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

/** The one badge for the demo profile, the same words wherever it appears. */
export function DemoBadge() {
  return (
    <Badge tone="info" title="Served by the simulator built into Tessera, on this computer">
      Demo tenant
    </Badge>
  );
}

export function ErrorNotice({ error, onDismiss, title }: { error: UiError; onDismiss?: () => void; title?: string }) {
  return (
    <div className="notice notice-danger" role="alert">
      <Icon name="alert" size={18} className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">{title ?? errorTitle(error.code)}</p>
        <p>
          <Prose text={error.message} />
        </p>
        <p className="notice-action">
          <Prose text={error.action} />
        </p>
        <p className="notice-code">
          Code: <code>{error.code}</code>
        </p>
      </div>
      {onDismiss ? (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">
          <Icon name="x" />
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ tone, icon, title, children, role }: { tone: Tone; icon: IconName; title: string; children?: ReactNode; role?: 'status' | 'alert' }) {
  return (
    <div className={`notice notice-${tone}`} role={role}>
      <Icon name={icon} size={18} className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">{title}</p>
        {children}
      </div>
    </div>
  );
}

export type TokenPhase = 'none' | 'valid' | 'expiring' | 'expired';

function tokenPhase(status: TokenStatus | null | undefined, now: number): TokenPhase {
  if (!status) return 'none';
  const left = Date.parse(status.expiresAt) - now;
  if (left <= 0) return 'expired';
  return left < 5 * 60_000 ? 'expiring' : 'valid';
}

/**
 * A live countdown. It is the only thing that re-renders each second (via the
 * shared ticker), so it is kept tiny and memoised.
 */
export const Countdown = memo(function Countdown({ expiresAt }: { expiresAt: string }) {
  const now = useNow();
  const left = Date.parse(expiresAt) - now;
  return (
    <time className="countdown" dateTime={expiresAt} title={`Valid until ${formatWhen(expiresAt, now)}`}>
      {formatCountdown(left)}
    </time>
  );
});

/** "Valid until 14:05 · 42:10" with a status dot, for the sidebar and the token card. */
export const TokenSummary = memo(function TokenSummary({ status, compact, countdown = true }: { status: TokenStatus | null | undefined; compact?: boolean; countdown?: boolean }) {
  const now = useNow();
  const phase = tokenPhase(status, now);
  if (!status || phase === 'none') {
    return (
      <span className="token-summary token-none">
        <span className="dot" aria-hidden="true" /> No token cached
      </span>
    );
  }
  const left = Date.parse(status.expiresAt) - now;
  const label = phase === 'expired' ? 'Token expired' : `${compact ? 'Until' : 'Valid until'} ${formatWhen(status.expiresAt, now)}`;
  const spoken = phase === 'expired' ? 'Token expired' : `Token valid until ${formatWhen(status.expiresAt, now)}, ${describeCountdown(left)}`;
  return (
    <span className={`token-summary token-${phase}`}>
      <span className="dot" aria-hidden="true" />
      {/* The per-second countdown is visual only; screen readers get a per-minute description. */}
      <span className="visually-hidden">{spoken}</span>
      <span aria-hidden="true">{label}</span>
      {phase !== 'expired' && countdown ? (
        <span className="token-left" aria-hidden="true">
          {formatCountdown(left)}
        </span>
      ) : null}
    </span>
  );
});

export function Spinner({ label }: { label?: string }) {
  return <span className="spinner" role={label ? 'status' : undefined} aria-label={label} />;
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const modKey = isMac ? '⌘' : 'Ctrl';
