/**
 * A virtualised, keyboard-navigable data grid (TanStack Virtual). Only the rows in
 * view (plus a small overscan) are in the DOM, so 100,000 rows cost the same as 30.
 *
 * Positioning uses React's `style` prop for the row transform and the spacer
 * height. React applies it through the CSSOM (element.style), which the strict
 * `style-src 'self'` CSP allows; the CSP only blocks style attributes parsed from
 * markup and inline <style> elements, which Tessera never emits.
 *
 * Keyboard: the grid is one tab stop; arrows, Page Up/Down, Home/End move the active
 * row (aria-activedescendant), Enter opens it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Icon } from './Icon.js';

export interface GridColumn<T> {
  key: string;
  header: string;
  /** Makes the header a sort button. */
  sortKey?: string;
  className?: string;
  render: (row: T) => ReactNode;
  /** The cell's whole text as its title, for columns whose text a narrow column cuts with an ellipsis. */
  title?: (row: T) => string | undefined;
}

export interface GridProps<T> {
  label: string;
  className: string;
  columns: GridColumn<T>[];
  rowCount: number;
  getRow: (index: number) => T | undefined;
  rowKey: (row: T) => string;
  rowLabel?: (row: T) => string;
  selectedKey?: string | null;
  onOpen?: (row: T, index: number) => void;
  onRangeChange?: (start: number, end: number) => void;
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  rowHeight?: number;
  /** Extra data-* attributes for tests and benchmarks (e.g. which query the rows belong to). */
  dataAttributes?: Record<string, string>;
  busy?: boolean;
  empty?: ReactNode;
}

export function VirtualGrid<T>(props: GridProps<T>) {
  const { label, className, columns, rowCount, getRow, rowKey, rowLabel, selectedKey, onOpen, onRangeChange, sort, onSort, rowHeight = 40, dataAttributes, busy, empty } = props;
  const id = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // The sticky header covers the first row's height; keep keyboard-scrolled rows out from under it.
    scrollPaddingStart: rowHeight,
    // Before the first measurement (and in tests without layout) assume a typical viewport.
    initialRect: { width: 1000, height: 640 },
  });

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (last >= first && onRangeChange) onRangeChange(first, last);
  }, [first, last, rowCount, onRangeChange]);

  // A new result set (filter, sort) starts at the top.
  const generationKey = dataAttributes?.['result-for'];
  useEffect(() => {
    setActive(0);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [generationKey]);

  // The latest callbacks, so memoised rows can share one stable click handler.
  const latest = useRef({ getRow, onOpen });
  useLayoutEffect(() => {
    latest.current = { getRow, onOpen };
  });
  const onRowClick = useCallback((index: number) => {
    setActive(index);
    const row = latest.current.getRow(index);
    if (row && latest.current.onOpen) latest.current.onOpen(row, index);
  }, []);

  const activeIndex = rowCount === 0 ? -1 : Math.min(active, rowCount - 1);

  const move = useCallback(
    (to: number) => {
      if (rowCount === 0) return;
      const next = Math.max(0, Math.min(rowCount - 1, to));
      setActive(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    },
    [rowCount, virtualizer],
  );

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>) {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / rowHeight) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(activeIndex + 1),
      ArrowUp: () => move(activeIndex - 1),
      PageDown: () => move(activeIndex + page),
      PageUp: () => move(activeIndex - page),
      Home: () => move(0),
      End: () => move(rowCount - 1),
      Enter: () => {
        const row = activeIndex >= 0 ? getRow(activeIndex) : undefined;
        if (row && onOpen) onOpen(row, activeIndex);
      },
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(dataAttributes ?? {})) data[`data-${k}`] = v;

  return (
    <div className={`grid ${className}`} {...data}>
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label={label}
        aria-rowcount={rowCount + 1}
        aria-colcount={columns.length}
        aria-busy={busy || undefined}
        aria-activedescendant={activeIndex >= 0 && items.some((i) => i.index === activeIndex) ? `${id}-r${activeIndex}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row grid-header-row">
            {columns.map((c) => {
              const sorted = sort && c.sortKey === sort.key;
              return (
                <div
                  key={c.key}
                  role="columnheader"
                  className={`grid-cell grid-header ${c.className ?? ''}`}
                  aria-sort={c.sortKey ? (sorted ? (sort!.order === 'asc' ? 'ascending' : 'descending') : 'none') : undefined}
                >
                  {c.sortKey && onSort ? (
                    <button type="button" className="sort-button" onClick={() => onSort(c.sortKey!)} aria-label={`Sort by ${c.header}`}>
                      {c.header}
                      <Icon name={sorted && sort!.order === 'asc' ? 'chevronUp' : 'chevronDown'} size={12} className={sorted ? 'sort-icon sort-active' : 'sort-icon'} />
                    </button>
                  ) : (
                    c.header
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {rowCount === 0 ? (
          <div role="rowgroup" className="grid-empty-group">
            <div role="row" className="grid-empty-row">
              <div role="gridcell" className="grid-empty">
                {empty ?? 'Nothing to show.'}
              </div>
            </div>
          </div>
        ) : (
          <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const row = getRow(item.index);
              return (
                <GridRow
                  key={row ? rowKey(row) : `placeholder-${item.index}`}
                  id={`${id}-r${item.index}`}
                  index={item.index}
                  start={item.start}
                  row={row}
                  columns={columns as GridColumn<unknown>[]}
                  active={item.index === activeIndex}
                  selected={!!row && !!selectedKey && rowKey(row) === selectedKey}
                  label={row && rowLabel ? rowLabel(row) : undefined}
                  onClick={onRowClick}
                />
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

interface RowProps {
  id: string;
  index: number;
  start: number;
  row: unknown;
  columns: GridColumn<unknown>[];
  active: boolean;
  selected: boolean;
  label: string | undefined;
  onClick: (index: number) => void;
}

const GridRow = memo(
  function GridRow({ id, index, start, row, columns, active, selected, label, onClick }: RowProps) {
    return (
      <div
        id={id}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        aria-label={label}
        data-index={index}
        className={`grid-row${active ? ' grid-row-active' : ''}${selected ? ' grid-row-selected' : ''}${row ? '' : ' grid-row-loading'}`}
        style={{ transform: `translateY(${start}px)` }}
        onClick={() => onClick(index)}
      >
        {columns.map((c) => (
          <div key={c.key} role="gridcell" className={`grid-cell ${c.className ?? ''}`} title={row && c.title ? c.title(row) : undefined}>
            {row ? c.render(row) : <span className="skeleton" aria-hidden="true" />}
          </div>
        ))}
      </div>
    );
  },
  // Rows re-render only when their own data or state changes, not when a sibling loads.
  (a, b) =>
    a.row === b.row && a.start === b.start && a.active === b.active && a.selected === b.selected && a.columns === b.columns && a.label === b.label && a.id === b.id && a.onClick === b.onClick,
);
