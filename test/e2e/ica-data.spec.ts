/**
 * The ICA data card against the simulator: pick a project and a folder, see where the
 * temporary AWS credentials lead and until when, copy the commands; the keys never reach
 * the page.
 */
import { expect, expectAccessible, readClipboard, screenshot, setTheme, startDemo, test } from './fixtures.js';

test('open an ICA project folder for the AWS tools: commands, expiry, copies, and no key in the page', async ({ app: page, harness }) => {
  await startDemo(page);
  const card = page.getByRole('region', { name: 'ICA data' });
  await card.getByRole('button', { name: 'Choose a project folder' }).click();
  await card.getByLabel('Project').selectOption({ label: 'Oncology Validation (US)' });
  await card.getByRole('textbox', { name: 'Folder' }).fill('/runs/2024-run-01');
  await card.getByRole('button', { name: 'Get AWS commands' }).click();

  const access = card.getByTestId('ica-access');
  await expect(access).toBeVisible({ timeout: 15_000 });
  const sim = harness.sim!;
  const issued = sim.aws.issued().at(-1)!;
  expect(issued.readOnly).toBe(true);
  const uri = `s3://${issued.bucket}/${issued.objectPrefix}`;
  await expect(access.getByText(uri, { exact: true })).toBeVisible();
  await expect(access).toContainText(issued.region);
  await expect(access).toContainText('(read-only)');
  await expect(access.locator('code[data-kind="awsLs"]')).toHaveText(new RegExp(`^aws s3 ls ${uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --profile demo-`));
  await expect(access.locator('code[data-kind="credentialProcess"]')).toContainText('credential_process = tessera aws-credentials demo --project ');

  // The keys stay in the core: neither the secret key, nor the session token, nor the key id is in the page.
  const html = await page.content();
  for (const secret of [issued.secretKey, issued.sessionToken, issued.accessKey]) expect(html.includes(secret), 'no AWS key in the page').toBe(false);

  await access.getByRole('button', { name: 'Copy the aws-config command' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Copied the aws-config command' })).toBeVisible();
  const clipboard = await readClipboard(page, harness);
  expect(clipboard.current).toMatch(/^tessera aws-config demo --project [0-9a-f-]{36} --path \/runs\/2024-run-01\/ --read-only --name demo-/);

  await expectAccessible(page, 'ICA data card');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'ica-data-light');
  await setTheme(page, harness, 'dark');
  await screenshot(page, 'ica-data-dark');
  await setTheme(page, harness, 'light');

  // A file is not a folder: the core's message, in the card.
  await card.getByRole('textbox', { name: 'Folder' }).fill('/README.txt');
  await card.getByRole('button', { name: 'Get AWS commands' }).click();
  await expect(card.getByRole('alert')).toContainText('is a file, not a folder');
});
