/**
 * Tests and cases from the offline cache: browse, search, open, sync with progress,
 * and keep working when the platform goes away. Needs the offline cache in the core.
 */
import type { Page } from '@playwright/test';
import type { Harness } from '../../harness/server.js';
import { expect, expectAccessible, screenshot, setTheme, startDemo, test } from './fixtures.js';

const CASES = 2500;
const ALL = `${CASES.toLocaleString('en-US')} cases`;

test.use({ harnessOptions: { sim: { cases: CASES, seed: 7 } } });
test.describe.configure({ timeout: 120_000 });

/** Syncs the demo profile from the UI, slowing the simulator's case pages so progress is observable. */
async function syncWithProgress(page: Page, harness: Harness): Promise<string[]> {
  const sim = harness.sim!;
  sim.faults.add({ match: { path: /\/cases\/search/ }, times: Infinity, fault: { kind: 'delay', ms: 250 } });
  // Record every text the progress label shows (a MutationObserver misses none of them).
  await page.evaluate(() => {
    const w = window as unknown as { __progress: string[] };
    w.__progress = [];
    new MutationObserver(() => {
      const label = document.querySelector('[data-testid="sync-progress"] label')?.textContent;
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="sync-progress"] progress');
      if (label && w.__progress.at(-1) !== label) w.__progress.push(`${label}|${bar?.position ?? -1}`);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('sync-progress')).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: 'Synced demo' })).toBeVisible({ timeout: 60_000 });
  sim.faults.clear();
  return page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
}

test('browse tests, search cases and open one, after a sync with progress', async ({ app: page, harness }) => {
  await startDemo(page);
  await page.getByRole('tab', { name: 'Tests' }).click();
  await expect(page.getByText('Never synced')).toBeVisible();
  // The tests read live were cached on the way: the bar counts them.
  const definitions = harness.sim!.data.testDefinitions(harness.sim!.demo.domain);
  await expect(page.locator('.syncbar-text')).toContainText(`0 cases, ${definitions.length} tests cached`);

  const seen = await syncWithProgress(page, harness);
  // The bar moved through the pages: "Fetching cases 1,000 of 2,500" and so on, with a determinate position.
  const steps = seen.filter((t) => /^Fetching cases [\d,]+ of [\d,]+\|0?\.\d+|^Fetching cases [\d,]+ of [\d,]+\|1$/.test(t));
  expect(steps.length, seen.join(' / ')).toBeGreaterThanOrEqual(2);
  await expect(page.getByText(/Last synced/)).toBeVisible();

  // Tests: every test definition of the tenant, with case counts.
  const sim = harness.sim!;
  const tests = sim.data.testDefinitions(sim.demo.domain);
  await expect(page.getByTestId('test-count')).toHaveText(`${tests.length} ${tests.length === 1 ? 'test' : 'tests'}`);
  const grid = page.getByRole('grid', { name: 'Tests' });
  await expect(grid.getByRole('row', { name: new RegExp(escape(tests[0]!.name)) }).first()).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, harness, theme);
    await expectAccessible(page, `tests (${theme})`);
    await screenshot(page, `tests-${theme}`);
  }
  await setTheme(page, harness, 'light');

  // Opening a test shows its cases, filtered by that test.
  await grid.getByRole('row', { name: new RegExp(escape(tests[0]!.name)) }).first().click();
  await expect(page.getByRole('tab', { name: 'Cases', selected: true })).toBeVisible();
  const expected = sim.data.cases(sim.demo.domain).filter((c) => c.testDefinition?.id === tests[0]!.id).length;
  await expect(page.getByTestId('case-count')).toHaveText(`${expected.toLocaleString('en-US')} ${expected === 1 ? 'case' : 'cases'}`);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('case-count')).toHaveText(ALL);

  // Search as you type: a display id narrows the list to that case.
  const target = sim.data.cases(sim.demo.domain)[41]!;
  await page.getByRole('searchbox', { name: 'Search cases' }).pressSequentially(target.displayId, { delay: 20 });
  const cases = page.getByRole('grid', { name: 'Cases' });
  await expect(cases.locator('[data-index="0"]')).toContainText(target.displayId);
  await expect(page.locator('.grid-cases')).toHaveAttribute('data-result-text', target.displayId);

  // Open it with the keyboard: focus the grid, Enter.
  await page.getByRole('searchbox', { name: 'Search cases' }).press('ArrowDown');
  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Case details' });
  await expect(detail.getByRole('heading', { name: target.displayId })).toBeVisible();
  await expect(detail).toContainText(target.status);

  // Facets: filtering by a status shows its count.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('button', { name: 'Close case details' }).click();
  // The counts follow the rows: read them once they count the cleared query.
  await expect(page.getByRole('complementary', { name: 'Filters' })).toHaveAttribute('aria-busy', 'false');
  const facet = page.getByRole('group', { name: 'Status' }).getByRole('checkbox').first();
  const label = (await facet.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '')) || '';
  const count = Number(/([\d,]+)$/.exec(label)?.[1]?.replace(/,/g, '') ?? NaN);
  await facet.check();
  await expect(page.getByTestId('case-count')).toHaveText(`${count.toLocaleString('en-US')} ${count === 1 ? 'case' : 'cases'}`);
  await page.getByRole('button', { name: 'Clear filters' }).click();

  // Sorting by case id, ascending then descending.
  await page.getByRole('button', { name: 'Sort by Case' }).click();
  const ids = sim
    .data.cases(sim.demo.domain)
    .map((c) => c.displayId)
    .sort();
  await expect(cases.locator('[data-index="0"]')).toContainText(ids[0]!);
  await page.getByRole('button', { name: 'Sort by Case' }).click();
  await expect(cases.locator('[data-index="0"]')).toContainText(ids[ids.length - 1]!);

  await cases.locator('[data-index="2"]').click();
  await expect(page.getByRole('complementary', { name: 'Case details' })).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, harness, theme);
    await expectAccessible(page, `cases (${theme})`);
    await screenshot(page, `cases-${theme}`);
  }
});

test('with the platform gone, the offline banner shows and cached browsing still works', async ({ app: page, harness }) => {
  await startDemo(page);
  await page.getByRole('tab', { name: 'Cases' }).click();
  await syncWithProgress(page, harness);
  await expect(page.getByTestId('case-count')).toHaveText(ALL);
  const sim = harness.sim!;
  const target = sim.data.cases(sim.demo.domain)[7]!;

  await harness.stopSim();
  await page.getByRole('button', { name: 'Sync now' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'Offline: the server cannot be reached' });
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(banner).toContainText('Showing data from the offline cache');

  // Search and open a case from the cache.
  await page.getByRole('searchbox', { name: 'Search cases' }).fill(target.displayId);
  const cases = page.getByRole('grid', { name: 'Cases' });
  await expect(cases.locator('[data-index="0"]')).toContainText(target.displayId);
  await cases.locator('[data-index="0"]').click();
  const detail = page.getByRole('complementary', { name: 'Case details' });
  await expect(detail.getByRole('heading', { name: target.displayId })).toBeVisible({ timeout: 30_000 });
  await expectAccessible(page, 'offline cases');
  await setTheme(page, harness, 'light');
  await screenshot(page, 'offline-light');

  // Tests too.
  await page.getByRole('tab', { name: 'Tests' }).click();
  await expect(page.getByTestId('test-count')).toHaveText(/\d+ tests?/);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
