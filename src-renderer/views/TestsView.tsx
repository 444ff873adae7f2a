/** Test definitions from the offline cache, with the number of cached cases per test. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ProfileView, TestDefinition } from '../../src-shared/schemas.js';
import { ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { VirtualGrid, type GridColumn } from '../components/VirtualGrid.js';
import { formatCount, humanize } from '../lib/format.js';
import { openProfile } from '../stores/app.js';
import { presetFilters } from '../stores/cases.js';
import { onSyncFinished } from '../stores/sync.js';
import { loadTests, useTests } from '../stores/tests.js';
import { SyncBar } from './SyncBar.js';

type SortKey = 'name' | 'cases';

export function TestsView({ profile }: { profile: ProfileView }) {
  const name = profile.name;
  const result = useTests((s) => (s.profile === name ? s.result : null));
  const counts = useTests((s) => s.caseCounts);
  const loading = useTests((s) => s.loading);
  const error = useTests((s) => (s.profile === name ? s.error : null));
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; order: 'asc' | 'desc' }>({ key: 'name', order: 'asc' });

  useEffect(() => {
    void loadTests(name);
    return onSyncFinished((p) => {
      if (p === name) void loadTests(name);
    });
  }, [name]);

  const rows = useMemo(() => {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    const list = (result?.data ?? []).filter((t) => {
      const hay = `${t.name} ${t.id} ${t.version ?? ''} ${t.type ?? ''}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    const dir = sort.order === 'asc' ? 1 : -1;
    return list.sort((a, b) => (sort.key === 'name' ? a.name.localeCompare(b.name) : (counts[a.id] ?? 0) - (counts[b.id] ?? 0)) * dir);
  }, [result, text, sort, counts]);

  const columns = useMemo<GridColumn<TestDefinition>[]>(
    () => [
      { key: 'name', header: 'Test', sortKey: 'name', className: 'col-test-name', render: (t) => <span className="strong">{t.name}</span>, title: (t) => t.name },
      { key: 'version', header: 'Version', className: 'col-version', render: (t) => t.version ?? '—' },
      { key: 'type', header: 'Type', className: 'col-type', render: (t) => humanize(t.type), title: (t) => humanize(t.type) },
      { key: 'reports', header: 'Reports', className: 'col-num col-reports', render: (t) => formatCount(t.reports.length) },
      { key: 'cases', header: 'Cases', sortKey: 'cases', className: 'col-num', render: (t) => (counts[t.id] === undefined ? '—' : formatCount(counts[t.id]!)) },
      { key: 'id', header: 'Id', className: 'col-guid', render: (t) => <span className="mono muted">{t.id}</span>, title: (t) => t.id },
    ],
    [counts],
  );

  const getRow = useCallback((i: number) => rows[i], [rows]);
  const onOpen = useCallback(
    (t: TestDefinition) => {
      presetFilters(name, { testId: [t.id] });
      openProfile(name, 'cases');
    },
    [name],
  );
  const onSort = useCallback(
    (key: string) => setSort((s) => ({ key: key as SortKey, order: s.key === key && s.order === 'asc' ? 'desc' : key === 'cases' ? 'desc' : 'asc' })),
    [],
  );

  return (
    <div className="data-view">
      <SyncBar profile={name} freshness={result} />
      <div className="toolbar">
        <div className="search-box">
          <Icon name="search" />
          <input type="search" className="search-input" aria-label="Filter tests" placeholder="Filter tests" title="Filters by name, id or type" value={text} onChange={(e) => setText(e.target.value)} data-search="tests" />
          {loading ? <Spinner /> : null}
        </div>
        <p className="result-count" aria-live="polite" data-testid="test-count">
          {result ? `${formatCount(rows.length)} ${rows.length === 1 ? 'test' : 'tests'}` : 'Loading…'}
        </p>
        <p className="toolbar-hint">Open a test to see its cases.</p>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="data-body">
        <div className="grid-wrap">
          <VirtualGrid
            label="Tests"
            className="grid-tests"
            columns={columns}
            rowCount={rows.length}
            getRow={getRow}
            rowKey={(t) => t.id}
            rowLabel={(t) => `${t.name}${t.version ? ` version ${t.version}` : ''}`}
            onOpen={onOpen}
            sort={sort}
            onSort={onSort}
            busy={loading}
            dataAttributes={{ 'result-for': text }}
            empty={result ? (text ? 'No test matches this filter.' : 'No tests are cached yet. Sync to download them.') : <Spinner label="Loading tests" />}
          />
        </div>
      </div>
    </div>
  );
}
