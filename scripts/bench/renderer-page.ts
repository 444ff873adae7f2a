/**
 * Renderer benchmark, run by `npm run bench` (scripts/bench/renderer.mjs) with tsx:
 * the built renderer in Debian's Chromium, over the harness, against the real core
 * with 100,000 cases synced from the simulator into the encrypted cache.
 *
 * Measured in the page (performance.now()), in one run:
 *   - keystroke in the case search box → the list shows that text's results (the
 *     grid's data-result-text matches the input and row 0 is rendered), then the
 *     next animation frame; p50/p95 over every keystroke typed, on the 100,000-case
 *     tenant and on a second one with 1,000 cases (each in its own process,
 *     renderer-tenant.ts), keystrokes alternating between
 *     the two pages (their ratio is the cost of scale);
 *   - opening the Cases view (tab click) → first rendered row, from a cold store
 *     (page reloaded each time);
 *   - frame times while scrolling the case list continuously;
 *   - the renderer's JavaScript bundle size, raw and gzip.
 *
 * Prints one JSON object on stdout; progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
const CASES = Number(process.env.TESSERA_BENCH_CASES ?? 100_000);
/** The small tenant of the keystroke ratio: the same UI over 1,000 cases. */
const SMALL_CASES = Number(process.env.TESSERA_BENCH_RENDERER_SMALL_CASES ?? 1_000);
const OPEN_RUNS = Number(process.env.TESSERA_BENCH_OPEN_RUNS ?? 7);
const SCROLL_MS = Number(process.env.TESSERA_BENCH_SCROLL_MS ?? 4000);

const log = (line: string) => process.stderr.write(`[renderer bench] ${line}\n`);

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function summary(values: number[]) {
  return { n: values.length, p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: values.length ? Math.max(...values) : NaN };
}

function bundleSize() {
  const dir = join(ROOT, 'out', 'renderer', 'assets');
  let js = 0;
  let jsGzip = 0;
  let css = 0;
  let cssGzip = 0;
  for (const f of readdirSync(dir)) {
    const body = readFileSync(join(dir, f));
    const gz = gzipSync(body, { level: 9 }).length;
    if (f.endsWith('.js')) {
      js += body.length;
      jsGzip += gz;
    } else if (f.endsWith('.css')) {
      css += body.length;
      cssGzip += gz;
    }
  }
  return { js, jsGzip, css, cssGzip };
}

/** Opens the demo profile's Cases tab and resolves with ms from the tab click to the first rendered row. */
async function openCasesTiming(page: Page): Promise<number> {
  await page.getByRole('button', { name: /^demo/ }).first().click();
  await page.getByRole('tab', { name: 'Cases' }).waitFor();
  return page.evaluate(
    () =>
      new Promise<number>((done) => {
        const tab = [...document.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent?.includes('Cases'))!;
        const firstRow = () => document.querySelector('.grid-cases .grid-row[data-index="0"]:not(.grid-row-loading)');
        const observer = new MutationObserver(() => {
          if (!firstRow()) return;
          observer.disconnect();
          // The row is in the DOM; count the frame that paints it.
          requestAnimationFrame(() => done(performance.now() - t0));
        });
        observer.observe(document.body, { childList: true, subtree: true });
        const t0 = performance.now();
        tab.click();
      }),
  );
}

/** Installs the keystroke probe: keydown stamps t0; the grid showing the input's text stamps t1 on the next frame. */
async function installKeystrokeProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __ks: number[]; __pending: number | null };
    w.__ks = [];
    w.__pending = null;
    const input = document.querySelector<HTMLInputElement>('input[data-search="cases"]')!;
    const grid = document.querySelector<HTMLElement>('.grid-cases')!;
    input.addEventListener('keydown', () => (w.__pending = performance.now()), true);
    const check = () => {
      if (w.__pending === null) return;
      const text = input.value.trim();
      if (grid.dataset.resultText !== text) return;
      const total = Number(grid.dataset.resultTotal ?? '0');
      if (total > 0 && !grid.querySelector('.grid-row[data-index="0"]:not(.grid-row-loading)')) return;
      const t0 = w.__pending;
      w.__pending = null;
      requestAnimationFrame(() => w.__ks.push(performance.now() - t0));
    };
    new MutationObserver(check).observe(grid, { attributes: true, childList: true, subtree: true });
  });
}

const keystrokeCount = (page: Page) => page.evaluate(() => (window as unknown as { __ks: number[] }).__ks.length);

/** Types one character and waits until its result is on screen, so each keystroke is one measurement. */
async function typeChar(page: Page, ch: string): Promise<void> {
  await page.locator('input[data-search="cases"]').focus();
  const before = await keystrokeCount(page);
  await page.keyboard.type(ch);
  await page.waitForFunction((n) => (window as unknown as { __ks: number[] }).__ks.length > n, before, { timeout: 30_000 });
}

/** Clears with select-all + Backspace: one more measured keystroke (back to all cases). */
async function clearMeasured(page: Page): Promise<void> {
  await page.locator('input[data-search="cases"]').focus();
  const before = await keystrokeCount(page);
  await page.keyboard.press('Control+A');
  await page.evaluate(() => ((window as unknown as { __pending: number | null }).__pending = null));
  await page.keyboard.press('Backspace');
  await page.waitForFunction((n) => (window as unknown as { __ks: number[] }).__ks.length > n, before, { timeout: 30_000 });
}

/**
 * Types every query into each page, keystroke by keystroke, alternating the pages
 * (A B A B …) so that drift in machine load affects both alike.
 */
async function typeInterleaved(pages: Page[], queries: string[]): Promise<void> {
  for (const q of queries) {
    for (const ch of q) for (const page of pages) await typeChar(page, ch);
    for (const page of pages) await clearMeasured(page);
  }
}

async function scrollFrames(page: Page, durationMs: number): Promise<{ frames: number[]; rows: number; distance: number }> {
  return page.evaluate(
    (duration) =>
      new Promise<{ frames: number[]; rows: number; distance: number }>((done) => {
        const scroller = document.querySelector<HTMLElement>('.grid-cases .grid-scroll')!;
        scroller.scrollTop = 0;
        const frames: number[] = [];
        const start = performance.now();
        let last = start;
        // About 7,200 px/s: a brisk flick through the list, fetching pages as it goes.
        const step = 120;
        const tick = (now: number) => {
          frames.push(now - last);
          last = now;
          scroller.scrollTop += step;
          if (now - start < duration) requestAnimationFrame(tick);
          else done({ frames: frames.slice(1), rows: Math.round(scroller.scrollTop / 40), distance: scroller.scrollTop });
        };
        requestAnimationFrame(tick);
      }),
    durationMs,
  );
}

interface Tenant {
  cases: number;
  syncMs: number;
  launchUrl: string;
  /** A case of this tenant's: its display id, the first word of its test's name, its status. */
  sample: { displayId: string; testWord: string; status: string };
  /** Sends a command to the tenant's process and resolves with its answer. */
  ask<T>(command: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * A tenant in its own process (scripts/bench/renderer-tenant.ts): a harness with a
 * simulator of `cases` cases, synced into the encrypted cache.
 */
async function tenant(cases: number): Promise<Tenant> {
  log(`starting a harness with ${cases.toLocaleString('en-US')} simulated cases`);
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'bench', 'renderer-tenant.ts'), String(cases)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the ${cases}-case tenant exited`);
    return JSON.parse(line.value) as T;
  };
  const ready = await next<{ cases: number; syncMs: number; launchUrl: string; sample: Tenant['sample'] }>();
  log(`synced ${ready.cases} cases in ${(ready.syncMs / 1000).toFixed(1)} s`);
  return {
    ...ready,
    ask: <T>(command: string) => {
      child.stdin!.write(`${command}\n`);
      return next<T>();
    },
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.stdin!.end('close\n');
      }),
  };
}

async function openPage(browser: Browser, t: Tenant): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // tsx (esbuild keepNames) wraps named functions in __name(); functions passed to
  // page.evaluate are serialised with it, so define it as a no-op in the page.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await context.newPage();
  await page.goto(t.launchUrl);
  await page.locator('.app').waitFor();
  return { context, page };
}

async function main(): Promise<void> {
  const tenants: Tenant[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const big = await tenant(CASES);
    tenants.push(big);
    const small = await tenant(SMALL_CASES);
    tenants.push(small);

    const bigPage = await openPage(browser, big);
    const smallPage = await openPage(browser, small);
    const page = bigPage.page;

    log('opening the Cases view');
    const open: number[] = [];
    for (let i = 0; i < OPEN_RUNS; i++) {
      // A reload empties the renderer's stores: every run is a cold open of the view.
      if (i > 0) await page.reload();
      await page.locator('.app').waitFor();
      open.push(await openCasesTiming(page));
    }
    await openCasesTiming(smallPage.page);

    log('typing in the search box');
    for (const p of [page, smallPage.page]) await installKeystrokeProbe(p);
    for (const t of tenants) await t.ask('record');
    // The same text on both: a display id of the small tenant (display ids are sequential,
    // so the large one has it too), a word of a test name, a status.
    const queries = [small.sample.displayId, small.sample.testWord, small.sample.status];
    await typeInterleaved([page, smallPage.page], queries);
    const keystrokes = await page.evaluate(() => (window as unknown as { __ks: number[] }).__ks);
    const smallKeystrokes = await smallPage.page.evaluate(() => (window as unknown as { __ks: number[] }).__ks);
    const [bigRpc, smallRpc] = await Promise.all(tenants.map((t) => t.ask<{ searchRpc: number[] }>('stats')));

    log('scrolling');
    await page.locator('input[data-search="cases"]').fill('');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.grid-cases')?.dataset.resultText === '');
    const scroll = await scrollFrames(page, SCROLL_MS);

    await bigPage.context.close();
    await smallPage.context.close();
    const out = {
      cases: big.cases,
      syncMs: big.syncMs,
      openCases: summary(open),
      keystroke: { ...summary(keystrokes), queries, coreSearch: summary(bigRpc!.searchRpc) },
      small: { cases: small.cases, keystroke: { ...summary(smallKeystrokes), coreSearch: summary(smallRpc!.searchRpc) } },
      scroll: { ...summary(scroll.frames), p99: quantile(scroll.frames, 0.99), over33ms: scroll.frames.filter((f) => f > 33.4).length, rowsScrolled: scroll.rows, seconds: SCROLL_MS / 1000 },
      bundle: bundleSize(),
      chromium: browser.version(),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await browser.close();
    for (const t of tenants) await t.close();
  }
}

await main();
