import { recordSecret } from '../helpers/env.js';
import { expect, expectAccessible, readClipboard, screenshot, setTheme, startDemo, test } from './fixtures.js';

test('add a profile with a key dropped as the downloaded .txt file; a wrong key says exactly what is wrong', async ({ app: page, harness }) => {
  const sim = await harness.startSim();
  const key = sim.createApiKey(sim.demo.domain);
  recordSecret(key);

  await page.getByRole('button', { name: 'Add your tenant' }).click();
  await expect(page.getByRole('heading', { name: 'Add a profile' })).toBeVisible();
  await page.getByLabel('Tenant domain').fill(sim.demo.domain);
  await expect(page.getByText(`TSS host: ${sim.demo.domain}.trusight.illumina.com`)).toBeVisible();
  await page.getByLabel('Region').selectOption('euc1');
  await expect(page.getByText(`TSS host: ${sim.demo.domain}.euc1.trusight.illumina.com`)).toBeVisible();
  await page.getByLabel('Profile name').fill('lab');
  await page.getByText('Advanced: custom hosts and patient identifiers').click();
  await page.getByLabel('ICA base URL').fill(sim.icaBaseUrl);
  await page.getByLabel('TSS base URL').fill(sim.tssBaseUrl);
  await expectAccessible(page, 'add profile');
  await setTheme(page, harness, 'light');
  await screenshot(page, 'add-profile-light');
  await setTheme(page, harness, 'dark');
  await screenshot(page, 'add-profile-dark');
  await setTheme(page, harness, 'light');

  // First a key the platform does not know.
  const wrong = 'not-a-real-key-0123456789';
  recordSecret(wrong);
  await page.getByRole('textbox', { name: 'API key' }).fill(wrong);
  await page.getByRole('button', { name: 'Verify and save' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The platform did not accept these credentials' });
  await expect(alert).toBeVisible({ timeout: 15_000 });
  await expect(alert).toContainText('Regenerate it under Manage API Keys');
  await expect(alert).toContainText('CREDENTIALS_REJECTED');

  // Then the right key, dropped as the .txt file the web UI downloads.
  await page.getByRole('textbox', { name: 'API key' }).fill('');
  await page.getByTestId('key-dropzone').evaluate((zone, text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([`${text}\n`], 'tessera-demo-key.txt', { type: 'text/plain' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, key);
  await expect(page.getByText('Key read from tessera-demo-key.txt')).toBeVisible();
  await page.getByRole('button', { name: 'Verify and save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'lab' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(`••••${key.slice(-4)}`)).toBeVisible();
  // The key never comes back to the page.
  expect(await page.content()).not.toContain(key);
  const profile = (await harness.core.listProfiles()).find((p) => p.name === 'lab');
  expect(profile?.region).toBe('euc1');
});

test('a revoked key shows the rejection and what to do', async ({ app: page, harness }) => {
  await startDemo(page);
  const sim = harness.sim!;
  sim.revokeKey(sim.demo.apiKey);
  await page.getByRole('button', { name: 'Mint a new token' }).click();
  const toast = page.getByTestId('toast').filter({ hasText: 'Could not get a token for demo' });
  await expect(toast).toBeVisible({ timeout: 15_000 });
  await expect(toast).toContainText('Regenerate it under Manage API Keys');
  // The sidebar and the key card flag the rejected key.
  await expect(page.getByRole('navigation', { name: 'Profiles' }).getByText('Key rejected')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'The platform rejected this key' })).toBeVisible();
  await expectAccessible(page, 'rejected key');
  await screenshot(page, 'rejected-key-light');
});

test('Replace key verifies the new key first: a refused key keeps the old one; unreachable offers to store it unchecked', async ({ app: page, harness }) => {
  await startDemo(page);
  const sim = harness.sim!;
  const oldKey = sim.demo.apiKey;
  const card = page.getByRole('region', { name: 'API key' });
  await expect(card.getByText(`••••${oldKey.slice(-4)}`)).toBeVisible();

  // A key the platform does not know: refused, nothing stored, the badge stays OK.
  const wrong = `wrong-${oldKey.slice(6)}x`;
  recordSecret(wrong);
  await card.getByRole('button', { name: 'Replace key' }).click();
  await card.getByLabel('New API key', { exact: true }).fill(wrong);
  await card.getByRole('button', { name: 'Save key' }).click();
  await expect(card.getByRole('alert')).toContainText('Your current key is kept', { timeout: 15_000 });
  await expect(card.getByText(`••••${oldKey.slice(-4)}`)).toBeVisible();
  await expect(card.getByText('OK', { exact: true })).toBeVisible();
  await expect(card.getByRole('button', { name: 'Store without checking' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Mint a new token' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Could not get a token' })).toHaveCount(0);

  // The platform unreachable: the choice to store the new key anyway, clearly worded.
  const fresh = sim.createApiKey(sim.demo.domain);
  recordSecret(fresh);
  sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, times: Infinity, fault: { kind: 'reset' } });
  // The form stays open after a refusal, emptied.
  await expect(card.getByLabel('New API key', { exact: true })).toHaveValue('');
  await card.getByLabel('New API key', { exact: true }).fill(fresh);
  await card.getByRole('button', { name: 'Save key' }).click();
  await expect(card.getByRole('alert')).toContainText('could not be checked', { timeout: 30_000 });
  await expect(card.getByText(`••••${oldKey.slice(-4)}`)).toBeVisible();
  await card.getByRole('button', { name: 'Store without checking' }).click();
  await expect(card.getByText(`••••${fresh.slice(-4)}`)).toBeVisible();
  sim.faults.clear();
  expect(await page.content()).not.toContain(fresh);
});

test('the command palette copies a token with the keyboard only', async ({ app: page, harness }) => {
  await startDemo(page);
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await page.keyboard.type('header demo');
  await expect(palette.getByRole('option', { selected: true })).toHaveText(/Copy Authorization header: demo/);
  await expectAccessible(page, 'command palette');
  await setTheme(page, harness, 'dark');
  await screenshot(page, 'command-palette-dark');
  await setTheme(page, harness, 'light');
  await screenshot(page, 'command-palette-light');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page.getByTestId('toast').filter({ hasText: 'Copied Authorization header for demo' })).toBeVisible();
  const clip = await readClipboard(page, harness);
  expect(clip.current).toMatch(/^Authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

  // And the plain token, via the palette again.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('copy token demo');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await readClipboard(page, harness)).current).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
});

test('profile page, settings and lock screen are accessible in both themes', async ({ app: page, harness }) => {
  await startDemo(page);
  await expect(page.getByText('No token is cached for this profile yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Mint a new token' }).click();
  await expect(page.locator('.big-countdown .countdown')).toHaveText(/\d+:\d\d/);
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, harness, theme);
    await expectAccessible(page, `profile (${theme})`);
    await screenshot(page, `profile-${theme}`);
  }
  await setTheme(page, harness, 'light');

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings', exact: true })).toBeVisible();
  // The theme control in the UI drives data-theme.
  await page.getByText('Dark', { exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectAccessible(page, 'settings (dark)');
  await screenshot(page, 'settings-dark');
  await page.getByText('Light', { exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expectAccessible(page, 'settings (light)');
  await screenshot(page, 'settings-light');

  await page.getByLabel('Clear the clipboard after').fill('45');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await harness.core.getSettings()).clipboardClearSeconds).toBe(45);

  // Lock from the core (as the idle timer would): the page shows the lock screen.
  await harness.core.lock();
  await expect(page.getByRole('heading', { name: 'Tessera is locked' })).toBeVisible();
  await expectAccessible(page, 'lock screen');
  await screenshot(page, 'lock-light');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Profiles' })).toBeVisible();

  // A fresh window with profiles opens on the overview of every profile.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Profiles' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy token for demo' })).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, harness, theme);
    await expectAccessible(page, `overview (${theme})`);
    await screenshot(page, `overview-${theme}`);
  }
  await page.getByRole('button', { name: 'Copy token for demo' }).click();
  await expect.poll(async () => (await readClipboard(page, harness)).current).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
});
