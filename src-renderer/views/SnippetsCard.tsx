/**
 * "Use it in…": ready-to-copy commands for icav2, Python and curl (ICA and TSS), built
 * from the profile's real URLs, domain and workgroup (src-shared/snippets.ts). They
 * fetch a token with `tessera token` when they run, so none holds a secret; the copy
 * still goes through the core's clipboard, like every copy in the app.
 */
import { useRef, useState } from 'react';
import type { ProfileView } from '../../src-shared/schemas.js';
import { buildSnippets, type SnippetId } from '../../src-shared/snippets.js';
import { Icon } from '../components/Icon.js';
import { copySnippet } from '../stores/profiles.js';

export function SnippetsCard({ profile }: { profile: ProfileView }) {
  const snippets = buildSnippets(profile);
  const [current, setCurrent] = useState<SnippetId>('icav2');
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const shown = snippets.find((s) => s.id === current) ?? snippets[0]!;
  const base = `snippets-${profile.name}`;

  function onTabKey(e: React.KeyboardEvent, index: number) {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + snippets.length) % snippets.length;
    setCurrent(snippets[next]!.id);
    tabRefs.current[next]?.focus();
  }

  return (
    <section className="card" aria-labelledby={base}>
      <header className="card-header">
        <div>
          <h2 id={base} className="card-title">
            <Icon name="terminal" /> Use it in…
          </h2>
          <p className="card-sub">Commands that take a fresh token from Tessera each time they run. They hold no key or token.</p>
        </div>
      </header>
      <div className="snippet-tabs" role="tablist" aria-label="Use it in">
        {snippets.map((s, i) => (
          <button
            key={s.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${s.id}`}
            aria-selected={s.id === shown.id}
            aria-controls={`${base}-panel`}
            tabIndex={s.id === shown.id ? 0 : -1}
            className={`snippet-tab${s.id === shown.id ? ' snippet-tab-on' : ''}`}
            onClick={() => setCurrent(s.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${shown.id}`} className="snippet-panel">
        <p className="field-hint">{shown.description}</p>
        <pre className="snippet" data-testid={`snippet-${shown.id}`} tabIndex={0} aria-label={`${shown.label} commands`}>
          <code>{shown.text}</code>
        </pre>
        <div className="row-actions">
          <button type="button" className="button" onClick={() => void copySnippet(profile.name, shown.id, shown.label)}>
            <Icon name="copy" /> Copy {shown.label} commands
          </button>
        </div>
      </div>
    </section>
  );
}
