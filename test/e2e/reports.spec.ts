/**
 * Case reports in the app: a sync that keeps reports offline, search by gene with the
 * match shown, the report in the case panel (screenshots in both themes), and
 * "Save PDF…" only after the confirmation (the harness answers with a download).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SimCase } from '../../sim/index.js';
import { clippedText, expect, expectAccessible, screenshot, setTheme, startDemo, test } from './fixtures.js';

test.use({ harnessOptions: { sim: { cases: 400, seed: 7 } } });
test.describe.configure({ timeout: 120_000 });

interface SimVariant {
  gene: string;
  transcript: { hgvsc: string };
}

test('the case panel shows the report, search finds the reported gene, and Save PDF asks first', async ({ app: page, harness }) => {
  await harness.core.updateSettings({ syncReports: 'json' });
  await startDemo(page);
  await page.getByRole('tab', { name: 'Cases' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Synced demo' })).toBeVisible({ timeout: 60_000 });

  const sim = harness.sim!;
  const variantsOf = (c: SimCase) =>
    ((sim.data.report(c.id, sim.demo.domain) as { reportTypes: Array<{ reportDetails: { variants: SimVariant[] } }> } | null)?.reportTypes ?? []).flatMap((t) => t.reportDetails.variants);
  // A case with several variants makes a telling screenshot.
  const target = [...sim.data.cases(sim.demo.domain)].sort((a, b) => variantsOf(b).length - variantsOf(a).length)[0]!;
  const variant = variantsOf(target)[0]!;

  // Search by the reported HGVS notation: the case, with what matched.
  await page.getByRole('searchbox', { name: 'Search cases' }).fill(`${variant.gene} ${variant.transcript.hgvsc}`);
  const cases = page.getByRole('grid', { name: 'Cases' });
  const row = cases.getByRole('row', { name: new RegExp(target.displayId) });
  await expect(row).toBeVisible();
  await expect(row).toContainText(`${variant.gene} ${variant.transcript.hgvsc}`);
  await row.click();

  const detail = page.getByRole('complementary', { name: 'Case details' });
  await expect(detail.getByRole('heading', { name: target.displayId })).toBeVisible();
  const report = detail.getByLabel('Report', { exact: true });
  await expect(report.getByRole('table').first()).toContainText(variant.transcript.hgvsc);
  await report.scrollIntoViewIfNeeded();
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, harness, theme);
    await expectAccessible(page, `case report (${theme})`);
    await screenshot(page, `case-report-${theme}`);
  }
  await setTheme(page, harness, 'light');
  // The report's tables in the case panel, from the window's minimum width up: nothing cut off without an ellipsis and a title.
  for (const width of [720, 960, 1280]) {
    await page.setViewportSize({ width, height: 820 });
    await expect(report.getByRole('table').first()).toBeVisible();
    expect(await clippedText(page), `width ${width}`).toEqual([]);
  }

  // Save PDF…: nothing is written until the person confirms.
  await report.getByRole('button', { name: 'Save PDF…' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Save the report PDF?' });
  await expect(dialog).toContainText('patient data');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await report.getByRole('button', { name: 'Save PDF…' }).first().click();
  await page.getByRole('dialog', { name: 'Save the report PDF?' }).getByRole('button', { name: 'Choose where to save' }).click();
  const toast = page.getByTestId('toast').locator('.toast-title').filter({ hasText: /^Saved / });
  await expect(toast).toBeVisible();
  const name = (await toast.textContent())!.replace(/^Saved /, '').trim();
  const file = join(harness.downloads, name);
  expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(readFileSync(file).toString('latin1')).toContain(`(Case ${target.displayId})`);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});
