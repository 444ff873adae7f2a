/** Transient confirmations and errors, announced politely to screen readers. */
import { dismissToast, useApp } from '../stores/app.js';
import { Prose } from './bits.js';
import { Icon } from './Icon.js';

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      <div aria-live="polite" aria-atomic="false">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
            <Icon name={t.tone === 'error' ? 'alert' : t.tone === 'success' ? 'check' : 'info'} size={18} className="toast-icon" />
            <div className="toast-body">
              <p className="toast-title">{t.title}</p>
              {t.body ? (
                <p className="toast-text">
                  <Prose text={t.body} />
                </p>
              ) : null}
              {t.detail ? (
                <details className="toast-detail">
                  <summary>Details</summary>
                  <p className="toast-text">
                    <Prose text={t.detail} />
                  </p>
                </details>
              ) : null}
            </div>
            <button type="button" className="icon-button" onClick={() => dismissToast(t.id)} aria-label="Dismiss notification">
              <Icon name="x" />
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
