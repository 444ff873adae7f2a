/**
 * The desktop path of the encrypted file vault, in Chromium against the harness started
 * with the file backend and no TESSERA_VAULT_PASSPHRASE (as the desktop app on a machine
 * without a Secret Service): the first screen creates the vault with a confirmed
 * passphrase, the idle lock asks for it again, a wrong one says so and can be retried.
 * Every passphrase is recorded so the final secret scan proves none reached a file or log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordSecret } from '../helpers/env.js';
import { expect, expectAccessible, readClipboard, screenshot, startDemo, test } from './fixtures.js';

// `env: {}`: whatever the runner's environment holds, the passphrase must come from the page.
test.use({ harnessOptions: { sim: { cases: 40 }, secretBackend: 'file', env: {} } });

test('the file vault is created with a confirmed passphrase, and asked for again after the idle lock', async ({ app: page, harness }) => {
  const passphrase = `e2e vault ${process.pid} ${Date.now().toString(36)} correct horse`;
  const typo = `${passphrase}!`;
  const wrong = `not it ${Date.now().toString(36)} battery staple`;
  for (const p of [passphrase, typo, wrong]) recordSecret(p);

  // First screen: no vault yet, so the passphrase is chosen and typed twice.
  await expect(page.getByRole('heading', { level: 1, name: 'Set up the file vault' })).toBeVisible();
  const first = page.getByLabel('New vault passphrase');
  await expect(first).toBeFocused();
  await expectAccessible(page, 'vault setup');
  await screenshot(page, 'vault-create-light');
  await first.fill(passphrase);
  await page.getByLabel('Confirm passphrase').fill(typo);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'The two passphrases differ' })).toBeVisible();
  expect(await harness.core.getAppInfo()).toMatchObject({ locked: true, vault: 'new' });
  expect(existsSync(join(harness.dataDir, 'vault.json'))).toBe(false);

  await first.fill(passphrase);
  await page.getByLabel('Confirm passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault and unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Tessera' })).toBeVisible();
  expect(await harness.core.getAppInfo()).toMatchObject({ locked: false, vault: 'open' });

  // The demo tenant's key goes into the vault; a token works.
  await startDemo(page);
  await page.getByRole('button', { name: /^Copy JWT/ }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Copied JWT for demo' })).toBeVisible();
  const firstCopy = (await readClipboard(page, harness)).current;
  expect(firstCopy.split('.')).toHaveLength(3);

  // The idle lock (main calls the core's lock()): the vault forgets its key and the page asks again.
  await harness.core.lock();
  await expect(page.getByRole('heading', { level: 1, name: 'Tessera is locked' })).toBeVisible();
  const field = page.getByLabel('Vault passphrase');
  await expect(field).toBeFocused();
  await expect(page.getByLabel('Confirm passphrase')).toHaveCount(0);
  await expectAccessible(page, 'vault unlock');
  await screenshot(page, 'vault-unlock-light');

  // A wrong passphrase: the typed error with what to do, an empty field, still locked.
  await field.fill(wrong);
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert').filter({ hasText: 'Wrong passphrase' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('VAULT_BAD_PASSPHRASE');
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();
  expect(await harness.core.getAppInfo()).toMatchObject({ locked: true, vault: 'locked' });
  await expectAccessible(page, 'vault unlock error');

  // The right one, by keyboard: the app comes back and tokens work again.
  await page.keyboard.type(passphrase);
  await page.keyboard.press('Enter');
  const sidebar = page.getByRole('navigation', { name: 'Profiles' });
  await expect(sidebar.getByRole('button', { name: /demo/ })).toBeVisible();
  await sidebar.getByRole('button', { name: /demo/ }).click();
  await page.getByRole('button', { name: /^Copy JWT/ }).click();
  await expect.poll(async () => (await readClipboard(page, harness)).writes.length).toBe(2);

  // Nothing secret in the page or in the vault file.
  const html = await page.content();
  const onDisk = readFileSync(join(harness.dataDir, 'vault.json'), 'utf8');
  for (const secret of [passphrase, typo, wrong, harness.sim!.demo.apiKey, firstCopy]) {
    expect(html).not.toContain(secret);
    expect(onDisk).not.toContain(secret);
  }
});
