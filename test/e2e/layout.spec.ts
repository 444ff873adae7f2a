/**
 * Every view from the window's minimum width (720 px) up: no text clipped without an
 * ellipsis and a title, and screenshots of the Cases view (with and without the case
 * panel) at 720, 960, 1280 and 1600 px for docs/ui.md.
 */
import { clippedText, expect, screenshot, startDemo, test } from './fixtures.js';

const WIDTHS = [720, 960, 1280, 1600] as const;

test.use({ harnessOptions: { sim: { cases: 300, seed: 7 } } });
test.describe.configure({ timeout: 180_000 });

test('every view works from 720 px: nothing clipped without an ellipsis and a title', async ({ app: page }) => {
  await startDemo(page);
  await page.getByRole('tab', { name: 'Cases' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Synced demo' })).toBeVisible({ timeout: 60_000 });
  const problems: string[] = [];
  const check = async (label: string) => {
    for (const p of await clippedText(page)) problems.push(`${label}: ${p}`);
  };

  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 820 });
    await page.getByRole('tab', { name: 'Cases' }).click();
    await expect(page.locator('.grid-cases .grid-body .grid-row').first()).toBeVisible();
    await check(`cases ${width}`);
    // Filters fold behind a toggle where they do not fit beside the table.
    const toggle = page.getByRole('button', { name: /^Filters/ });
    if (width < 1280) {
      await expect(page.getByRole('complementary', { name: 'Filters' })).toBeHidden();
      await toggle.click();
      await expect(page.getByRole('complementary', { name: 'Filters' })).toBeVisible();
      await check(`cases, filters open ${width}`);
      await toggle.click();
    } else {
      await expect(toggle).toBeHidden();
    }
    await screenshot(page, `layout-cases-${width}`);
    await page.locator('.grid-cases .grid-body .grid-row').first().click();
    await expect(page.getByRole('complementary', { name: 'Case details' })).toBeVisible();
    await check(`cases with the panel ${width}`);
    await screenshot(page, `layout-case-panel-${width}`);
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Tests' }).click();
    await expect(page.locator('.grid-tests .grid-body .grid-row').first()).toBeVisible();
    await check(`tests ${width}`);
    await page.getByRole('tab', { name: 'Token & key' }).click();
    await check(`profile ${width}`);
    await page.getByRole('button', { name: 'Add profile' }).first().click();
    await check(`add profile ${width}`);
    await screenshot(page, `layout-add-profile-${width}`);
    await page.getByRole('button', { name: 'Settings' }).first().click();
    await check(`settings ${width}`);
    await page.getByRole('navigation', { name: 'Profiles' }).getByText('demo', { exact: true }).click();
  }
  expect(problems).toEqual([]);
});

test('the rejected-key toast is short, says its advice once and covers neither the Replace key button nor form fields', async ({ app: page, harness }) => {
  await startDemo(page);
  harness.sim!.revokeKey(harness.sim!.demo.apiKey);
  const boxesOverlap = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (const width of [720, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.getByRole('button', { name: 'Mint a new token' }).click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Could not get a token for demo' });
    await expect(toast).toBeVisible({ timeout: 15_000 });
    const text = await toast.innerText();
    expect(text.match(/Regenerate/g), text).toHaveLength(1);
    // Before: about 560 characters, with the advice twice and the request line.
    expect(text.length, text).toBeLessThan(260);
    const replace = page.getByRole('button', { name: 'Replace key' });
    await replace.scrollIntoViewIfNeeded();
    const t = (await toast.boundingBox())!;
    expect(boxesOverlap(t, (await replace.boundingBox())!), 'toast over Replace key').toBe(false);
    for (const field of await page.locator('.main input, .main select, .main button').all()) {
      if (!(await field.isVisible())) continue;
      const box = await field.boundingBox();
      if (box && box.y + box.height > 0 && box.y < 800) expect(boxesOverlap(t, box), `toast over ${await field.getAttribute('aria-label') ?? await field.textContent()}`).toBe(false);
    }
    expect(await clippedText(page)).toEqual([]);
    await page.screenshot({ path: `test-results/rejected-toast-${width}.png` });
    await toast.getByRole('button', { name: 'Dismiss notification' }).click();
  }
});

test('a revealed token is shown whole, at any width', async ({ app: page }) => {
  await startDemo(page);
  await page.getByRole('button', { name: 'Reveal token' }).click();
  const box = page.getByLabel('JWT (hidden again in a minute)');
  await expect(box).toBeVisible({ timeout: 15_000 });
  for (const width of [720, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const { scroll, client } = await box.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(scroll, `width ${width}`).toBeLessThanOrEqual(client + 1);
  }
  await page.getByRole('button', { name: 'Hide token' }).click();
});
