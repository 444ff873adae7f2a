import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSecret } from '../helpers/env.js';
import { expect, expectAccessible, readClipboard, screenshot, startDemo, test } from './fixtures.js';

test.describe('import from icav2', () => {
  // The harness's home directory, where the test writes ~/.icav2/config.yaml (outside the
  // test root: the file holds a key on purpose until it is scrubbed).
  const home = mkdtempSync(join(tmpdir(), 'tessera-e2e-home-'));
  test.use({ harnessOptions: { sim: { cases: 50 }, home } });

  test('the first-run screen offers it when config.yaml holds a key; the key stays in the core and --scrub leaves the rest of the file', async ({ app: page, harness }) => {
    const sim = await harness.startSim();
    const dir = join(home, '.icav2');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'config.yaml');
    const head = `server-url: ${new URL(sim.icaBaseUrl).origin}\n`;
    const key = `x-api-key: !!binary ${Buffer.from(sim.demo.apiKey).toString('base64')}\n`;
    const tail = 'output-format: table\ncolormode: none\n';
    writeFileSync(path, head + key + tail, { mode: 0o640 });
    chmodSync(path, 0o640);
    await page.reload();

    await page.getByRole('button', { name: 'Import from icav2' }).click();
    const form = page.getByRole('form', { name: 'Import from icav2' });
    await expect(form).toContainText(path);
    await form.getByLabel('Profile name').fill('lab-icav2');
    await form.getByLabel(/remove the plain-text key/).check();
    await expectAccessible(page, 'import from icav2');
    await screenshot(page, 'import-icav2');

    await form.getByRole('button', { name: /Verify and import/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'lab-icav2' })).toBeVisible({ timeout: 20_000 });
    // The tenant came from the key's token; the key went to the keychain and out of the file.
    const [profile] = await harness.core.listProfiles();
    expect(profile).toMatchObject({ name: 'lab-icav2', icaUrl: sim.icaBaseUrl });
    expect(readFileSync(path, 'utf8')).toBe(head + tail);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(await page.content()).not.toContain(sim.demo.apiKey);
  });
});

test('a dropped team file creates "key needed" profiles; Add key completes one', async ({ app: page, harness }) => {
  const sim = await harness.startSim();
  const entry = (name: string) => ({ name, domain: sim.demo.domain, region: 'us', icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl, includeIdentifiers: false, credentialKind: 'api-key' });
  const text = JSON.stringify({ format: 'tessera-profiles', version: 1, profiles: [entry('team-us'), { ...entry('team-wg'), workgroup: sim.demo.workgroup }] }, null, 2);

  await page.getByTestId('team-drop').evaluate((zone, content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], 'team.json', { type: 'application/json' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(page.getByRole('button', { name: 'Add key for team-us' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add key for team-wg' })).toBeVisible();
  await expect(page.getByText(/Key needed: this profile came from a team file/)).toHaveCount(2);
  await expectAccessible(page, 'key needed dashboard');
  await screenshot(page, 'team-import-key-needed');

  await page.getByRole('button', { name: 'Add key for team-us' }).click();
  const card = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'API key' }) });
  await expect(card.getByText('Key needed')).toBeVisible();
  await screenshot(page, 'key-needed');
  await card.getByRole('button', { name: 'Add key' }).click();
  await card.getByRole('textbox', { name: 'API key' }).fill(sim.demo.apiKey);
  await card.getByRole('button', { name: /Save key/ }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Key added for team-us' })).toBeVisible();
  await expect(card.getByText('Key needed')).toHaveCount(0);

  // The profile works now: a copied token.
  await page.getByRole('button', { name: /^Copy JWT/ }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Copied JWT for team-us' })).toBeVisible();
  const clip = await readClipboard(page, harness);
  expect(clip.current.split('.')).toHaveLength(3);
  recordSecret(clip.current);
});

test('"Use it in…" shows ready-to-copy icav2, Python and curl commands with the profile\'s URLs, and copies one', async ({ app: page, harness }) => {
  await startDemo(page);
  const sim = harness.sim!;
  const card = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Use it in…' }) });
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByTestId('snippet-icav2')).toContainText(`export ICAV2_SERVER_URL=${new URL(sim.icaBaseUrl).host}`);
  await card.getByRole('tab', { name: 'curl (TSS)' }).click();
  const tss = card.getByTestId('snippet-curl-tss');
  await expect(tss).toContainText('$(tessera token demo)');
  await expect(tss).toContainText(`${sim.tssBaseUrl}/crs/api/v2/cases/search`);
  await expect(tss).toContainText(`X-ILMN-Domain: ${sim.demo.domain}`);
  await expectAccessible(page, 'use it in');
  await screenshot(page, 'use-it-in');

  await card.getByRole('button', { name: 'Copy curl (TSS) commands' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Copied the curl (TSS) snippet for demo' })).toBeVisible();
  const clip = await readClipboard(page, harness);
  expect(clip.current).toBe(await tss.innerText());
  expect(clip.current).not.toMatch(/eyJ/);
});
