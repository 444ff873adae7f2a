/**
 * Cases of the selected profile, read from the offline cache through searchCases.
 *
 * The table is virtual: only `total` is known up front and rows are fetched in
 * pages as the visible window moves. Searching is as-you-type with at most one
 * search in flight: keystrokes typed while a search runs collapse into a single
 * follow-up with the newest text (latest wins), so a fast typist never queues a
 * backlog and a slow cache never shows results for text the user already changed.
 *
 * The facet counts cost the core time in proportion to the matches, so the rows never
 * wait for them: they are asked for once the rows are on screen and typing has paused
 * (FACET_DELAY_MS), one request at a time, and an answer is kept only when it counts
 * the query whose rows are shown. Until then the previous counts stay, marked as
 * updating (`facetsOf` names the query they count).
 */
import { create } from 'zustand';
import type { CaseDetail, CaseFacets, CaseQuery, CaseReport, CaseSummary, Cached, Freshness } from '../../src-shared/schemas.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';

export const PAGE_SIZE = 200;
/** Quiet time after the rows of a search arrive before its facet counts are asked for: a typist's next key comes sooner. */
export const FACET_DELAY_MS = 120;

export type SortKey = NonNullable<CaseQuery['sort']>;

export interface CaseFilters {
  text: string;
  status: string[];
  subState: string[];
  testId: string[];
  sort: SortKey;
  order: 'asc' | 'desc';
}

const DEFAULT_FILTERS: CaseFilters = { text: '', status: [], subState: [], testId: [], sort: 'updatedDate', order: 'desc' };

export interface CaseDetailState {
  id: string;
  loading: boolean;
  data: Cached<CaseDetail> | null;
  error: UiError | null;
  /** The case's report, loaded beside the case (absent until asked for). */
  report?: { loading: boolean; data: Cached<CaseReport> | null; error: UiError | null };
}

export interface CasesState {
  profile: string | null;
  /** What the controls show (updated on every keystroke). */
  filters: CaseFilters;
  /** The filters whose results are on screen; rows and total belong to these. */
  shown: CaseFilters | null;
  /** Bumps whenever `shown` changes, so row pages of an older result are never mixed in. */
  generation: number;
  total: number;
  pages: Record<number, CaseSummary[]>;
  facets: CaseFacets;
  /** The facet key (facetKey) of the query `facets` counts; it differs from the shown one's while new counts are on their way. */
  facetsOf: string | null;
  freshness: Freshness | null;
  searching: boolean;
  error: UiError | null;
  selected: CaseDetailState | null;
}

const emptyFacets: CaseFacets = { status: [], subState: [], test: [] };

const initial: CasesState = {
  profile: null,
  filters: DEFAULT_FILTERS,
  shown: null,
  generation: 0,
  total: 0,
  pages: {},
  facets: emptyFacets,
  facetsOf: null,
  freshness: null,
  searching: false,
  error: null,
  selected: null,
};

export const useCases = create<CasesState>()(() => ({ ...initial }));

let inFlight = false;
let pending = false;
const pageRequests = new Set<string>();
let facetTimer: ReturnType<typeof setTimeout> | null = null;
let facetsInFlight = false;
/** The facet key whose request failed last: not asked again until the query changes. */
let facetsFailed: string | null = null;

export function resetCases(): void {
  inFlight = false;
  pending = false;
  pageRequests.clear();
  if (facetTimer) clearTimeout(facetTimer);
  facetTimer = null;
  facetsFailed = null;
  useCases.setState({ ...initial }, true);
}

function toQuery(f: CaseFilters, offset: number, limit: number): CaseQuery {
  return { sort: f.sort, order: f.order, offset, limit, ...facetQuery(f) };
}

/** What the facet counts depend on: the text and the filters, not the sort or the page. */
function facetQuery(f: CaseFilters): CaseQuery {
  const q: CaseQuery = {};
  const text = f.text.trim();
  if (text) q.text = text;
  if (f.status.length) q.status = f.status;
  if (f.subState.length) q.subState = f.subState;
  if (f.testId.length) q.testId = f.testId;
  return q;
}

export function facetKey(f: CaseFilters): string {
  return JSON.stringify(facetQuery(f));
}

/** Whether the facet counts on screen belong to another query than the rows (new counts are on their way). */
export function facetsUpdating(s: Pick<CasesState, 'shown' | 'facetsOf'>): boolean {
  return s.shown !== null && s.facetsOf !== facetKey(s.shown);
}

/** Asks for the shown query's facet counts after FACET_DELAY_MS without a new search. */
function scheduleFacets(): void {
  if (facetTimer) clearTimeout(facetTimer);
  facetTimer = setTimeout(() => {
    facetTimer = null;
    void loadFacets();
  }, FACET_DELAY_MS);
}

async function loadFacets(): Promise<void> {
  // A search on its way schedules the counts again when its rows are shown.
  if (inFlight || facetsInFlight) return;
  const { profile, shown } = useCases.getState();
  if (!profile || !shown) return;
  const key = facetKey(shown);
  if (key === facetsFailed) return;
  facetsInFlight = true;
  try {
    const facets = await tessera().caseFacets(profile, facetQuery(shown));
    const now = useCases.getState();
    // A late answer for an older query never replaces the counts of the one on screen.
    if (now.profile === profile && now.shown && facetKey(now.shown) === key) useCases.setState({ facets, facetsOf: key });
  } catch {
    // Counts are a nicety beside the rows: keep the previous ones (marked as updating) rather than show an error.
    if (useCases.getState().profile === profile) facetsFailed = key;
  } finally {
    facetsInFlight = false;
    // The query on screen now (a newer one, or another profile's) still needs its counts.
    if (facetsUpdating(useCases.getState()) && !facetTimer) scheduleFacets();
  }
}

/** Switches the view to a profile (keeping filters when it is the same one) and searches. */
export function openCases(profile: string, preset?: Partial<CaseFilters>): Promise<void> {
  const s = useCases.getState();
  if (s.profile !== profile) {
    resetCases();
    useCases.setState({ profile, filters: { ...DEFAULT_FILTERS, ...preset } });
  } else if (preset) {
    useCases.setState({ filters: { ...s.filters, ...preset } });
  }
  // Same profile and no preset: search again quietly, keeping the filters (the cache may have synced).
  return search();
}

/** Prepares filters for a profile before its Cases view opens (e.g. "cases of this test"). */
export function presetFilters(profile: string, preset: Partial<CaseFilters>): void {
  const s = useCases.getState();
  if (s.profile !== profile) resetCases();
  useCases.setState({ profile, filters: { ...DEFAULT_FILTERS, ...preset } });
}

export function setFilters(patch: Partial<CaseFilters>): Promise<void> {
  useCases.setState((s) => ({ filters: { ...s.filters, ...patch } }));
  return search();
}

export function toggleFilter(kind: 'status' | 'subState' | 'testId', value: string): Promise<void> {
  const current = useCases.getState().filters[kind];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return setFilters({ [kind]: next });
}

export function clearFilters(): Promise<void> {
  const { sort, order } = useCases.getState().filters;
  return setFilters({ text: '', status: [], subState: [], testId: [], sort, order });
}

export function sortBy(key: SortKey): Promise<void> {
  const f = useCases.getState().filters;
  // A new column starts with the most useful direction: newest dates, ids A-Z.
  const order = f.sort === key ? (f.order === 'asc' ? 'desc' : 'asc') : key === 'displayId' ? 'asc' : 'desc';
  return setFilters({ sort: key, order });
}

/** Runs the first page of the current filters; coalesces calls while one is in flight. */
export async function search(): Promise<void> {
  if (inFlight) {
    pending = true;
    return;
  }
  const profile = useCases.getState().profile;
  if (!profile) return;
  inFlight = true;
  useCases.setState({ searching: true });
  try {
    do {
      pending = false;
      const filters = useCases.getState().filters;
      try {
        const result = await tessera().searchCases(profile, toQuery(filters, 0, PAGE_SIZE));
        const now = useCases.getState();
        // Latest wins: drop a result whose text or filters were changed meanwhile.
        if (now.profile !== profile) return;
        if (pending || now.filters !== filters) continue;
        pageRequests.clear();
        useCases.setState((s) => ({
          shown: filters,
          generation: s.generation + 1,
          total: result.total,
          pages: { 0: result.items },
          freshness: { syncedAt: result.syncedAt, stale: result.stale, offline: result.offline },
          error: null,
        }));
        // Asked again even for the same key: the cache may have synced (the core answers repeats from memory).
        facetsFailed = null;
        scheduleFacets();
      } catch (error) {
        if (useCases.getState().profile !== profile) return;
        if (!pending) useCases.setState({ error: toUiError(error), shown: filters });
      }
    } while (pending);
  } finally {
    inFlight = false;
    if (useCases.getState().profile === profile) useCases.setState({ searching: false });
  }
}

/** Makes sure rows [start, end] of the shown result are loaded (called by the virtual table). */
export function ensureRows(start: number, end: number): void {
  const s = useCases.getState();
  if (!s.profile || !s.shown) return;
  const first = Math.floor(Math.max(0, start) / PAGE_SIZE);
  const last = Math.floor(Math.min(Math.max(0, s.total - 1), end) / PAGE_SIZE);
  for (let page = first; page <= last; page++) {
    if (s.pages[page]) continue;
    const key = `${s.generation}:${page}`;
    if (pageRequests.has(key)) continue;
    pageRequests.add(key);
    void loadPage(s.profile, s.shown, s.generation, page, key);
  }
}

async function loadPage(profile: string, filters: CaseFilters, generation: number, page: number, key: string): Promise<void> {
  try {
    const result = await tessera().searchCases(profile, toQuery(filters, page * PAGE_SIZE, PAGE_SIZE));
    if (useCases.getState().generation !== generation || useCases.getState().profile !== profile) return;
    useCases.setState((s) => ({
      pages: { ...s.pages, [page]: result.items },
      freshness: { syncedAt: result.syncedAt, stale: result.stale, offline: result.offline },
    }));
  } catch (error) {
    if (useCases.getState().generation === generation) useCases.setState({ error: toUiError(error) });
  } finally {
    pageRequests.delete(key);
  }
}

export function rowAt(state: Pick<CasesState, 'pages'>, index: number): CaseSummary | undefined {
  return state.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}

export async function selectCase(id: string | null): Promise<void> {
  const profile = useCases.getState().profile;
  if (!id || !profile) {
    useCases.setState({ selected: null });
    return;
  }
  const loading = { loading: true, data: null, error: null };
  useCases.setState({ selected: { id, ...loading, report: loading } });
  const update = (patch: Partial<CaseDetailState>) => {
    const current = useCases.getState().selected;
    if (current?.id === id) useCases.setState({ selected: { ...current, ...patch } });
  };
  await Promise.all([
    (async () => {
      try {
        update({ loading: false, data: await tessera().getCase(profile, id), error: null });
      } catch (error) {
        update({ loading: false, data: null, error: toUiError(error) });
      }
    })(),
    (async () => {
      try {
        update({ report: { loading: false, data: await tessera().getReport(profile, id), error: null } });
      } catch (error) {
        update({ report: { loading: false, data: null, error: toUiError(error) } });
      }
    })(),
  ]);
}
