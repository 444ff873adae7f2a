/**
 * Playwright fixtures for the renderer e2e suite: a harness per test (real core, the
 * simulator as the platform, the real keychain of the private D-Bus session), a page
 * signed in through the one-time launch link, and guards that fail a test on any
 * CSP violation or uncaught page error.
 */
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newDataDir, recordSecret } from '../helpers/env.js';
import { startHarness, type Harness, type HarnessOptions } from '../../harness/server.js';

export { expect };

/**
 * Every run takes the screenshots; they replace the committed ones in docs/screenshots
 * only with TESSERA_UPDATE_SCREENSHOTS=1, so a routine `npm test` in a shared checkout
 * does not rewrite tracked images (countdowns and ports differ on every run).
 */
export const SCREENSHOT_DIR = process.env.TESSERA_UPDATE_SCREENSHOTS === '1'
  ? resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots')
  : resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

interface Fixtures {
  harnessOptions: HarnessOptions;
  harness: Harness;
  app: Page;
}

export const test = base.extend<Fixtures>({
  harnessOptions: [{ sim: { cases: 400 } }, { option: true }],
  harness: async ({ harnessOptions }, use, testInfo) => {
    const h = await startHarness({
      dataDir: newDataDir(`e2e-${testInfo.title}`),
      onSecret: recordSecret,
      // readClipboard needs the recording clipboard and its endpoint.
      testHooks: true,
      ...harnessOptions,
    });
    try {
      await use(h);
    } finally {
      await h.close();
    }
  },
  app: async ({ page, harness }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Refused to|violates the following Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(harness.launchUrl());
    await expect(page.locator('.app, .welcome, .lock-screen').first()).toBeVisible();
    await use(page);
    expect(problems, 'no CSP violation or uncaught error in the page').toEqual([]);
  },
});

/** Serious and critical axe violations on the current view (WCAG 2.x A/AA rules). */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // Contrast is judged on the settled view: wait for finite animations (toasts sliding in) to end.
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(bad, `axe on ${label}`).toEqual([]);
}

/** Sets the theme through the core (as Settings would) and waits for the page to apply it. */
export async function setTheme(page: Page, harness: Harness, theme: 'light' | 'dark'): Promise<void> {
  await harness.core.updateSettings({ theme });
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Screenshots show the view, not transient notifications.
  await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast button').forEach((b) => b.click()));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** What the recording clipboard holds, read through the harness's test endpoint with the page's session. */
export async function readClipboard(page: Page, harness: Harness): Promise<{ current: string; writes: { text: string; at: number }[] }> {
  const res = await page.request.get(`${harness.origin}/__harness/clipboard`);
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { current: string; writes: { text: string; at: number }[] };
  for (const w of body.writes) recordSecret(w.text);
  return body;
}

/** Starts the demo tenant from the first-run screen and waits for its profile page. */
export async function startDemo(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Try the demo tenant' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'demo' })).toBeVisible({ timeout: 20_000 });
}

/**
 * Text elements whose content is wider than their box and cut off (overflow not visible)
 * without an ellipsis or without a title that carries the whole text.
 */
export async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('.app *')) {
      const text = el.textContent!.trim();
      if (!text || el.offsetParent === null || el.clientWidth <= 2) continue;
      const css = getComputedStyle(el);
      // Only boxes that cut their content off; scroll containers show a scrollbar instead.
      if (css.overflowX !== 'hidden' && css.overflowX !== 'clip') continue;
      if (css.display === 'inline' || el.scrollWidth <= el.clientWidth + 1) continue;
      // A text box: text of its own, or only inline content (a cell holding a <span>).
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      const inlineOnly = [...el.children].every((c) => getComputedStyle(c).display.startsWith('inline') || c.tagName === 'svg');
      if (!own && !inlineOnly) continue;
      const titled = el.closest('[title]')?.getAttribute('title')?.includes(text.slice(0, 20));
      if (css.textOverflow !== 'ellipsis' || !titled) {
        const line = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${text.slice(0, 40)}" ${el.scrollWidth}>${el.clientWidth} overflow=${css.overflowX} text-overflow=${css.textOverflow} title=${titled ? 'yes' : 'no'}`;
        if (!bad.includes(line)) bad.push(line);
      }
    }
    // Placeholders cannot end in an ellipsis: each must fit its empty field.
    const ctx = document.createElement('canvas').getContext('2d')!;
    for (const el of document.querySelectorAll<HTMLInputElement>('.app input[placeholder]')) {
      if (el.value || el.offsetParent === null) continue;
      const css = getComputedStyle(el);
      ctx.font = `${css.fontWeight} ${css.fontSize} ${css.fontFamily}`;
      const room = el.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
      const need = ctx.measureText(el.placeholder).width;
      if (need > room + 1) bad.push(`placeholder "${el.placeholder}" needs ${Math.round(need)} px, has ${Math.round(room)}`);
    }
    // A table wider than its box hides columns behind a scrollbar that is easy to miss: columns give way instead.
    for (const el of document.querySelectorAll<HTMLElement>('.grid-scroll')) {
      if (el.scrollWidth > el.clientWidth + 1) bad.push(`${el.parentElement?.className} scrolls sideways: ${el.scrollWidth}>${el.clientWidth}`);
    }
    return bad;
  });
}
