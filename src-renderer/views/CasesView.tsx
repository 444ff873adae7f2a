/**
 * Cases from the offline cache: search as you type, facet filters with counts,
 * sortable columns, a virtual table that stays smooth at 100,000 rows, and a
 * detail panel.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CaseSummary, Facet, ProfileView } from '../../src-shared/schemas.js';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { StatusPill } from '../components/StatusPill.js';
import { Icon } from '../components/Icon.js';
import { VirtualGrid, type GridColumn } from '../components/VirtualGrid.js';
import { formatCount, formatDate, humanize } from '../lib/format.js';
import {
  clearFilters,
  ensureRows,
  facetsUpdating,
  openCases,
  rowAt,
  search,
  selectCase,
  setFilters,
  sortBy,
  toggleFilter,
  useCases,
  type CaseFilters,
  type SortKey,
} from '../stores/cases.js';
import { onSyncFinished } from '../stores/sync.js';
import { CaseDetailPanel } from './CaseDetailPanel.js';
import { SyncBar } from './SyncBar.js';

const COLUMNS: GridColumn<CaseSummary>[] = [
  {
    key: 'displayId',
    header: 'Case',
    sortKey: 'displayId',
    className: 'col-id',
    render: (c) => (
      // What the search matched in the case's report ("BRCA1 c.5266dupC") goes under the id.
      c.match ? (
        <span className="id-with-match">
          <span className="mono">{c.displayId}</span>
          <span className="match-hint mono">{c.match}</span>
        </span>
      ) : (
        <span className="mono">{c.displayId}</span>
      )
    ),
    title: (c) => (c.match ? `${c.displayId}, reported ${c.match}` : c.displayId),
  },
  { key: 'status', header: 'Status', className: 'col-status', render: (c) => <StatusPill status={c.status} /> },
  { key: 'subState', header: 'Sub-state', className: 'col-substate', render: (c) => <span className="muted">{humanize(c.subState)}</span>, title: (c) => humanize(c.subState) },
  { key: 'test', header: 'Test', className: 'col-test', render: (c) => c.testDefinition?.name ?? c.testDefinition?.id ?? '—', title: (c) => c.testDefinition?.name ?? c.testDefinition?.id },
  { key: 'created', header: 'Created', sortKey: 'createdDate', className: 'col-date col-created', render: (c) => formatDate(c.createdDate) },
  { key: 'updated', header: 'Updated', sortKey: 'updatedDate', className: 'col-date', render: (c) => formatDate(c.updatedDate) },
  { key: 'due', header: 'Due', sortKey: 'dueDate', className: 'col-date col-due', render: (c) => formatDate(c.dueDate) },
];

const rowKey = (c: CaseSummary) => c.id;
const rowLabel = (c: CaseSummary) => `${c.displayId}, ${c.status}${c.testDefinition?.name ? `, ${c.testDefinition.name}` : ''}${c.match ? `, reported ${c.match}` : ''}`;

function resultKey(f: CaseFilters | null): string {
  return f ? JSON.stringify([f.text.trim(), f.status, f.subState, f.testId, f.sort, f.order]) : '';
}

export function CasesView({ profile }: { profile: ProfileView }) {
  const name = profile.name;
  const pages = useCases((s) => s.pages);
  const total = useCases((s) => s.total);
  const shown = useCases((s) => s.shown);
  const filters = useCases((s) => s.filters);
  const freshness = useCases((s) => s.freshness);
  const error = useCases((s) => s.error);
  const searching = useCases((s) => s.searching);
  const selected = useCases((s) => s.selected);
  const searchRef = useRef<HTMLInputElement>(null);
  const gridWrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void openCases(name);
    return onSyncFinished((p) => {
      if (p === name) void search();
    });
  }, [name]);

  const getRow = useCallback((i: number) => rowAt({ pages }, i), [pages]);
  const onRange = useCallback((start: number, end: number) => ensureRows(start, end), []);
  const onOpen = useCallback((c: CaseSummary) => void selectCase(c.id), []);
  const onSort = useCallback((key: string) => void sortBy(key as SortKey), []);
  const activeFilters = filters.status.length + filters.subState.length + filters.testId.length;
  // Below the width where filters and table fit side by side, the filters fold behind this toggle (CSS decides when).
  const [facetsOpen, setFacetsOpen] = useState(false);
  const resultFor = resultKey(shown);

  return (
    <div className="data-view">
      <SyncBar profile={name} freshness={freshness} />
      <div className="toolbar">
        <div className="search-box">
          <Icon name="search" />
          <input
            ref={searchRef}
            type="search"
            className="search-input"
            aria-label="Search cases"
            aria-keyshortcuts="/"
            aria-controls="cases-grid"
            placeholder="Search cases"
            title="Searches case ids, tests, statuses, samples and tags"
            value={filters.text}
            onChange={(e) => void setFilters({ text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                gridWrapRef.current?.querySelector<HTMLElement>('[role="grid"]')?.focus();
              }
            }}
            data-search="cases"
          />
          {searching ? <Spinner /> : null}
        </div>
        <button type="button" className="button facets-toggle" aria-expanded={facetsOpen} aria-controls="case-facets" onClick={() => setFacetsOpen((o) => !o)}>
          <Icon name="chevronDown" /> Filters{activeFilters ? ` (${activeFilters})` : ''}
        </button>
        <p className="result-count" aria-live="polite" data-testid="case-count">
          {shown ? `${formatCount(total)} ${total === 1 ? 'case' : 'cases'}` : 'Loading…'}
        </p>
        {activeFilters || filters.text ? (
          <button type="button" className="button button-ghost" onClick={() => void clearFilters()}>
            <Icon name="x" /> Clear filters
          </button>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <div className={`data-body${selected ? ' with-detail' : ''}`}>
        <Facets open={facetsOpen} />
        <div className="grid-wrap" ref={gridWrapRef} id="cases-grid">
          <VirtualGrid
            label="Cases"
            className="grid-cases"
            columns={COLUMNS}
            rowCount={shown ? total : 0}
            getRow={getRow}
            rowKey={rowKey}
            rowLabel={rowLabel}
            selectedKey={selected?.id ?? null}
            onOpen={onOpen}
            onRangeChange={onRange}
            sort={{ key: filters.sort, order: filters.order }}
            onSort={onSort}
            busy={searching}
            dataAttributes={{ 'result-for': resultFor, 'result-text': shown?.text.trim() ?? '', 'result-total': String(total) }}
            empty={
              shown ? (
                filters.text || activeFilters ? (
                  'No case matches these filters.'
                ) : (
                  'No cases are cached yet. Sync to download them.'
                )
              ) : (
                <Spinner label="Loading cases" />
              )
            }
          />
        </div>
        {selected ? <CaseDetailPanel /> : null}
      </div>
    </div>
  );
}

const Facets = memo(function Facets({ open }: { open: boolean }) {
  const facets = useCases((s) => s.facets);
  const filters = useCases((s) => s.filters);
  // The counts of the previous query stay in place (no jumping list) but read as not yet current.
  const updating = useCases(facetsUpdating);
  return (
    <aside id="case-facets" className={`facets${open ? ' facets-open' : ''}${updating ? ' facets-updating' : ''}`} aria-label="Filters" aria-busy={updating}>
      <FacetGroup title="Status" kind="status" facets={facets.status} selected={filters.status} />
      <FacetGroup title="Sub-state" kind="subState" facets={facets.subState} selected={filters.subState} humanizeLabels />
      <FacetGroup title="Test" kind="testId" facets={facets.test} selected={filters.testId} />
    </aside>
  );
});

function FacetGroup({ title, kind, facets, selected, humanizeLabels }: { title: string; kind: 'status' | 'subState' | 'testId'; facets: Facet[]; selected: string[]; humanizeLabels?: boolean }) {
  // Keep selected values visible even when the current filter leaves them with no cases.
  const items = useMemo(() => {
    const seen = new Set(facets.map((f) => f.value));
    return [...facets, ...selected.filter((v) => !seen.has(v)).map((value) => ({ value, count: 0 }) as Facet)];
  }, [facets, selected]);
  const headingId = `facet-${kind}`;
  return (
    <fieldset className="facet-group">
      <legend id={headingId} className="facet-title">
        {title}
      </legend>
      {items.length === 0 ? <p className="facet-empty">—</p> : null}
      <ul className="facet-list">
        {items.map((f) => {
          const id = `facet-${kind}-${f.value}`.replace(/[^\w-]/g, '_');
          const label = f.label ?? (humanizeLabels ? humanize(f.value) : f.value);
          const checked = selected.includes(f.value);
          return (
            <li key={f.value} className={`facet-item${checked ? ' facet-checked' : ''}`}>
              <input id={id} type="checkbox" checked={checked} onChange={() => void toggleFilter(kind, f.value)} />
              <label htmlFor={id} className="facet-label" title={label}>
                <span className="facet-name">{label}</span>
                <span className="facet-count">{formatCount(f.count)}</span>
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
