/**
 * The token card: copy in four formats (the copy happens in the core/main, so the
 * JWT never enters this process), reveal on explicit request, decoded claims.
 *
 * A revealed token lives only in this component's state: it is dropped on Hide,
 * after a minute, when the profile changes (the card is keyed by profile) and on
 * lock (the lock screen unmounts the whole tree).
 */
import { useEffect, useState } from 'react';
import type { TokenStatus } from '../../src-shared/schemas.js';
import { COPY_FORMAT_IDS, TOKEN_FORMATS } from '../../src-shared/token-formats.js';
import { Countdown, ErrorNotice, Spinner, TokenSummary } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { formatDateTime } from '../lib/format.js';
import { copyToken, ensureToken, setTokenStatus, useProfiles } from '../stores/profiles.js';

const REVEAL_MS = 60_000;

const COPY_BUTTONS = COPY_FORMAT_IDS.map((format) => ({ format, label: `Copy ${TOKEN_FORMATS[format].short}`, sub: TOKEN_FORMATS[format].description }));

export function TokenCard({ name }: { name: string }) {
  const status = useProfiles((s) => s.tokens[name]);
  const busy = useProfiles((s) => s.busy[name]);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  useEffect(() => {
    if (!revealed) return;
    const t = setTimeout(() => setRevealed(null), REVEAL_MS);
    return () => clearTimeout(t);
  }, [revealed]);

  async function reveal() {
    setRevealing(true);
    setError(null);
    try {
      const r = await tessera().revealToken(name);
      setTokenStatus(name, r.status);
      setRevealed(r.token);
    } catch (e) {
      setError(toUiError(e));
    } finally {
      setRevealing(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`token-${name}`}>
      <header className="card-header">
        <div>
          <h2 id={`token-${name}`} className="card-title">
            <Icon name="shield" /> Token
          </h2>
          <p className="card-sub">
            <TokenSummary status={status} countdown={false} />
          </p>
        </div>
        {status ? (
          <div className="big-countdown" aria-hidden="true">
            <Countdown expiresAt={status.expiresAt} />
            <span className="big-countdown-label">remaining</span>
          </div>
        ) : null}
      </header>

      <div className="copy-grid" role="group" aria-label="Copy a fresh token">
        {COPY_BUTTONS.map((b) => (
          <button
            key={b.format}
            type="button"
            className={`copy-button${b.format === 'jwt' ? ' copy-primary' : ''}`}
            onClick={() => void copyToken(name, b.format)}
            disabled={!!busy}
            data-format={b.format}
          >
            {busy === `copy-${b.format}` ? <Spinner /> : <Icon name={b.format === 'curl' ? 'terminal' : 'copy'} />}
            <span className="copy-label">{b.label}</span>
            <span className="copy-sub" title={b.sub}>{b.sub}</span>
          </button>
        ))}
      </div>
      <p className="card-note">
        Copies always hold at least the minimum lifetime from Settings; a new token is minted first when needed. The token goes straight to the clipboard and is
        cleared from it after the timeout.
      </p>

      <div className="row-actions">
        <button type="button" className="button" onClick={() => void ensureToken(name, true)} disabled={!!busy}>
          {busy === 'mint' ? <Spinner /> : <Icon name="refresh" />} Mint a new token
        </button>
        {revealed ? (
          <button type="button" className="button" onClick={() => setRevealed(null)}>
            <Icon name="eyeOff" /> Hide token
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void reveal()} disabled={revealing}>
            {revealing ? <Spinner /> : <Icon name="eye" />} Reveal token
          </button>
        )}
      </div>
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
      {revealed ? (
        <div className="reveal">
          <label htmlFor={`reveal-${name}`} className="reveal-label">
            JWT (hidden again in a minute)
          </label>
          <textarea id={`reveal-${name}`} className="reveal-token" readOnly value={revealed} rows={4} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : null}

      {status ? <Claims status={status} /> : <p className="empty-note">No token is cached for this profile yet. Copy one, or mint one to see its claims.</p>}
    </section>
  );
}

function Claims({ status }: { status: TokenStatus }) {
  const c = status.claims;
  const aud = Array.isArray(c.aud) ? c.aud.join(', ') : c.aud;
  const rows: [string, string][] = [
    ['Expires', formatDateTime(c.exp * 1000)],
    ['Issued at', c.iat ? formatDateTime(c.iat * 1000) : '—'],
    ['Not before', c.nbf ? formatDateTime(c.nbf * 1000) : '—'],
    ['Audience', aud || '—'],
    ['Tenant', [c.tenantId, c.tns].filter(Boolean).join(' · ') || '—'],
    ['Subject', c.sub ?? '—'],
    ['Grant', c.gty === 'api_key' || status.grant === 'api-key' ? 'API key' : 'Username and password'],
    ['Clock skew', `${status.skewSeconds >= 0 ? '+' : ''}${status.skewSeconds.toFixed(0)} s (server minus this computer)`],
  ];
  return (
    <div className="claims">
      <h3 className="section-title">Claims</h3>
      <dl className="kv">
        {rows.map(([k, v]) => (
          <div key={k} className="kv-row">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
