/** Test definitions of the selected profile (from the offline cache) and case counts per test. */
import { create } from 'zustand';
import type { Cached, Facet, TestDefinition } from '../../src-shared/schemas.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { loadCacheStatus } from './sync.js';

export interface TestsState {
  profile: string | null;
  loading: boolean;
  result: Cached<TestDefinition[]> | null;
  /** Cases per test id, from the cache's facet counts (absent until the cache answers). */
  caseCounts: Record<string, number>;
  error: UiError | null;
}

const initial: TestsState = { profile: null, loading: false, result: null, caseCounts: {}, error: null };

export const useTests = create<TestsState>()(() => ({ ...initial }));

export function resetTests(): void {
  useTests.setState({ ...initial }, true);
}

export async function loadTests(profile: string): Promise<void> {
  if (useTests.getState().profile !== profile) useTests.setState({ ...initial, profile });
  useTests.setState({ loading: true });
  try {
    const [result, counts] = await Promise.all([
      tessera().listTests(profile),
      // Counts are a nicety: a failure here must not hide the test list.
      tessera()
        .caseFacets(profile, {})
        .then((f) => f.test)
        .catch((): Facet[] => []),
    ]);
    if (useTests.getState().profile !== profile) return;
    const caseCounts: Record<string, number> = {};
    for (const f of counts) caseCounts[f.value] = f.count;
    useTests.setState({ result, caseCounts, error: null });
    // A live read stores the tests in the cache: the sync bar's counts must follow.
    void loadCacheStatus(profile);
  } catch (error) {
    if (useTests.getState().profile === profile) useTests.setState({ error: toUiError(error) });
  } finally {
    if (useTests.getState().profile === profile) useTests.setState({ loading: false });
  }
}
