import { decodeJwt, createRemoteJWKSet, jwtVerify } from 'jose';
import { expect, expectAccessible, readClipboard, screenshot, setTheme, startDemo, test } from './fixtures.js';

test('first run offers the demo tenant, which mints and copies a valid token', async ({ app: page, harness }) => {
  await expect(page.getByRole('heading', { name: 'Welcome to Tessera' })).toBeVisible();
  await expectAccessible(page, 'first run');
  await setTheme(page, harness, 'light');
  await screenshot(page, 'first-run-light');
  await setTheme(page, harness, 'dark');
  await screenshot(page, 'first-run-dark');
  await setTheme(page, harness, 'light');

  await startDemo(page);
  const sidebar = page.getByRole('navigation', { name: 'Profiles' });
  await expect(sidebar.getByRole('button', { name: /demo/ })).toBeVisible();
  await expect(sidebar.getByText('demo-lab')).toBeVisible();

  await page.getByRole('button', { name: /^Copy JWT/ }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Copied JWT for demo' })).toBeVisible();

  const clip = await readClipboard(page, harness);
  const jwt = clip.current;
  expect(jwt.split('.')).toHaveLength(3);
  const sim = harness.sim!;
  const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${sim.url}/.well-known/jwks.json`)));
  expect(payload.gty).toBe('api_key');
  expect(payload.aud).toContain('ica');
  expect(decodeJwt(jwt).exp! * 1000).toBeGreaterThan(Date.now());

  // The countdown and claims come from TokenStatus, never from the JWT in the page.
  await expect(page.locator('.big-countdown .countdown')).toHaveText(/\d+:\d\d/);
  await expect(page.getByRole('definition').filter({ hasText: 'API key' })).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(jwt);
  expect(html).not.toContain(sim.demo.apiKey);
  await expectAccessible(page, 'profile page');
});
