/**
 * Command palette (Ctrl/Cmd+K): type a few letters of a profile or an action and
 * press Enter. The fastest path to "copy a token for this tenant" without a mouse.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaseSummary } from '../../src-shared/schemas.js';
import { COPY_FORMAT_IDS, TOKEN_FORMATS } from '../../src-shared/token-formats.js';
import { tessera } from '../lib/bridge.js';
import { lockNow, navigate, openProfile, saveSettings, setPaletteOpen, toastError, useApp } from '../stores/app.js';
import { copyToken, useProfiles } from '../stores/profiles.js';
import { presetFilters, selectCase } from '../stores/cases.js';
import { startSync } from '../stores/sync.js';
import { Icon, type IconName } from './Icon.js';
import { Modal } from './Modal.js';

interface Command {
  id: string;
  label: string;
  hint?: string;
  icon: IconName;
  keywords?: string;
  run: () => void | Promise<unknown>;
}

export function useCommands(): Command[] {
  const profiles = useProfiles((s) => s.profiles);
  return useMemo(() => {
    const list: Command[] = [];
    for (const p of profiles) {
      for (const format of COPY_FORMAT_IDS) {
        list.push({
          id: `copy-${format}-${p.name}`,
          label: `Copy ${TOKEN_FORMATS[format].noun}: ${p.name}`,
          hint: `${p.domain} · ${p.region}`,
          icon: 'copy',
          keywords: `${p.domain} ${p.region} token ${TOKEN_FORMATS[format].keywords}`,
          run: () => copyToken(p.name, format, 'palette'),
        });
      }
    }
    for (const p of profiles) {
      list.push({ id: `open-${p.name}`, label: `Go to ${p.name}`, hint: 'Token, key and settings', icon: 'key', keywords: p.domain, run: () => openProfile(p.name) });
      list.push({ id: `cases-${p.name}`, label: `Cases: ${p.name}`, icon: 'folder', keywords: p.domain, run: () => openProfile(p.name, 'cases') });
      list.push({ id: `tests-${p.name}`, label: `Tests: ${p.name}`, icon: 'flask', keywords: p.domain, run: () => openProfile(p.name, 'tests') });
      list.push({ id: `sync-${p.name}`, label: `Sync ${p.name}`, hint: 'Refresh the offline cache', icon: 'refresh', keywords: p.domain, run: () => startSync(p.name) });
    }
    list.push({ id: 'add-profile', label: 'Add profile', icon: 'plus', keywords: 'new tenant key', run: () => navigate({ kind: 'add-profile' }) });
    list.push({ id: 'settings', label: 'Settings', icon: 'settings', keywords: 'preferences clipboard idle shortcut', run: () => navigate({ kind: 'settings' }) });
    for (const theme of ['system', 'light', 'dark'] as const) {
      list.push({
        id: `theme-${theme}`,
        label: `Theme: ${theme}`,
        icon: theme === 'dark' ? 'moon' : theme === 'light' ? 'sun' : 'monitor',
        keywords: 'appearance dark mode',
        run: () => saveSettings({ theme }).catch((e) => toastError(e, 'Could not change the theme')),
      });
    }
    list.push({ id: 'lock', label: 'Lock Tessera', icon: 'lock', keywords: 'lock forget', run: () => lockNow() });
    return list;
  }, [profiles]);
}

function filterCommands(commands: Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return commands;
  return commands.filter((c) => {
    const hay = `${c.label} ${c.hint ?? ''} ${c.keywords ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Input that may be (part of) a case's display id: one word with a digit, such as CASE-000123 or 123. */
export function looksLikeCaseId(query: string): boolean {
  const q = query.trim();
  return q.length >= 3 && q.length <= 64 && /^[\w.:-]+$/.test(q) && /\d/.test(q);
}

const CASES_PER_PROFILE = 5;

/**
 * Cases whose display id contains the input, from every profile's offline cache (searchCases,
 * so no network), as commands that open the case panel. Latest wins: an answer for text
 * already changed is dropped.
 */
function useCaseCommands(query: string): Command[] {
  const profiles = useProfiles((s) => s.profiles);
  const [found, setFound] = useState<{ query: string; commands: Command[] }>({ query: '', commands: [] });
  useEffect(() => {
    if (!looksLikeCaseId(query)) return;
    let current = true;
    const text = query.trim();
    void Promise.all(
      profiles.map((p) =>
        tessera()
          .searchCases(p.name, { text, limit: CASES_PER_PROFILE })
          .then((r) => r.items.filter((c) => c.displayId.toLowerCase().includes(text.toLowerCase())).map((c) => caseCommand(p.name, c)))
          // A profile whose cache cannot be read (locked, never synced) simply offers nothing.
          .catch((): Command[] => []),
      ),
    ).then((lists) => {
      if (current) setFound({ query, commands: lists.flat() });
    });
    return () => {
      current = false;
    };
  }, [query, profiles]);
  return looksLikeCaseId(query) && found.query === query ? found.commands : [];
}

function caseCommand(profile: string, c: CaseSummary): Command {
  return {
    id: `case-${profile}-${c.id}`,
    label: `Open case ${c.displayId}`,
    hint: [profile, c.testDefinition?.name].filter(Boolean).join(' · '),
    icon: 'folder',
    run: () => {
      presetFilters(profile, { text: c.displayId });
      openProfile(profile, 'cases');
      return selectCase(c.id);
    },
  };
}

export function CommandPalette() {
  const open = useApp((s) => s.paletteOpen);
  if (!open) return null;
  return <PaletteDialog />;
}

function PaletteDialog() {
  const commands = useCommands();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const caseCommands = useCaseCommands(query);
  const results = useMemo(() => [...caseCommands, ...filterCommands(commands, query)].slice(0, 50), [caseCommands, commands, query]);
  const current = Math.min(active, Math.max(0, results.length - 1));

  function close() {
    setPaletteOpen(false);
  }

  function run(command: Command | undefined) {
    if (!command) return;
    close();
    void command.run();
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((current + 1) % Math.max(1, results.length));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((current - 1 + results.length) % Math.max(1, results.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(results[current]);
    }
  }

  return (
    <Modal label="Command palette" onClose={close} className="palette" initialFocus={inputRef}>
      <div className="palette-input-row">
        <Icon name="search" size={18} />
        <input
          ref={inputRef}
          className="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-autocomplete="list"
          aria-activedescendant={results[current] ? `palette-${results[current].id}` : undefined}
          aria-label="Type a command or a profile name"
          placeholder="Type a profile or an action…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <ul id="palette-list" role="listbox" aria-label="Commands" className="palette-list">
        {results.length === 0 ? (
          <li className="palette-empty" role="option" aria-selected="false" aria-disabled="true">
            No matching command
          </li>
        ) : null}
        {results.map((c, i) => (
          <li
            key={c.id}
            id={`palette-${c.id}`}
            role="option"
            aria-selected={i === current}
            className={`palette-item${i === current ? ' palette-active' : ''}`}
            onMouseMove={() => i !== current && setActive(i)}
            onClick={() => run(c)}
          >
            <Icon name={c.icon} />
            <span className="palette-label">{c.label}</span>
            {c.hint ? <span className="palette-hint">{c.hint}</span> : null}
          </li>
        ))}
      </ul>
      <p className="palette-footer">
        <span>↑↓ to move</span>
        <span>Enter to run</span>
        <span>Esc to close</span>
      </p>
    </Modal>
  );
}
