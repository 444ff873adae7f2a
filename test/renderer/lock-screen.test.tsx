/**
 * The lock screen with a file vault that waits for its passphrase: a new vault needs
 * the passphrase twice, an existing one once; wrong passphrases show the typed error
 * and leave an empty, focused field; the passphrase never stays in a store or the DOM.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App.js';
import { useApp } from '../../src-renderer/stores/app.js';
import { useProfiles } from '../../src-renderer/stores/profiles.js';
import { profile } from './fake-bridge.js';
import { installBridge, useFreshState } from './setup.js';

useFreshState();

const PASSPHRASE = 'correct horse battery staple';

/** No store and no element holds the passphrase. */
function expectForgotten(passphrase: string): void {
  expect(JSON.stringify(useApp.getState())).not.toContain(passphrase);
  expect(JSON.stringify(useProfiles.getState())).not.toContain(passphrase);
  for (const input of document.querySelectorAll('input')) expect(input.value).not.toContain(passphrase);
  expect(document.body.innerHTML).not.toContain(passphrase);
}

describe('file vault lock screen', () => {
  it('creates a new vault only with the passphrase typed twice, by keyboard alone', async () => {
    const bridge = installBridge();
    bridge.vault = 'new';
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Set up the file vault' })).toBeTruthy();
    const first = screen.getByLabelText('New vault passphrase');
    const confirm = screen.getByLabelText('Confirm passphrase');
    await waitFor(() => expect(document.activeElement).toBe(first));

    // Different twice: refused here, the core is not asked, both fields start over.
    await user.keyboard('first try 1234');
    await user.tab();
    expect(document.activeElement).toBe(confirm);
    await user.keyboard('first try 1235{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('The two passphrases differ');
    expect(bridge.callsTo('unlockVault')).toHaveLength(0);
    expect((first as HTMLInputElement).value).toBe('');
    expect((confirm as HTMLInputElement).value).toBe('');
    expect(first.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(first);

    // Too short for a new vault.
    await user.keyboard('short');
    await user.tab();
    await user.keyboard('short{Enter}');
    expect(screen.getByRole('alert').textContent).toContain('at least 8 characters');
    expect(bridge.callsTo('unlockVault')).toHaveLength(0);

    await user.clear(first);
    await user.clear(confirm);
    await user.type(first, PASSPHRASE);
    await user.type(confirm, `${PASSPHRASE}{Enter}`);
    await waitFor(() => expect(bridge.callsTo('unlockVault')).toHaveLength(1));
    expect(bridge.callsTo('unlockVault')[0]?.args).toEqual([PASSPHRASE, { create: true }]);
    expect(await screen.findByRole('button', { name: 'Try the demo tenant' })).toBeTruthy();
    expect(useApp.getState()).toMatchObject({ locked: false, vault: 'open' });
    expectForgotten(PASSPHRASE);
  });

  it('after an idle lock asks for the passphrase; a wrong one shows the typed error and can be retried', async () => {
    const bridge = installBridge();
    bridge.vault = 'open';
    bridge.vaultPassphrase = PASSPHRASE;
    bridge.profiles = [profile('lab')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });

    act(() => void bridge.lock());
    expect(await screen.findByRole('heading', { level: 1, name: 'Tessera is locked' })).toBeTruthy();
    const field = screen.getByLabelText('Vault passphrase') as HTMLInputElement;
    expect(screen.queryByLabelText('Confirm passphrase')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(field));

    await user.keyboard('not the passphrase{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Wrong passphrase');
    expect(alert.textContent).toContain('VAULT_BAD_PASSPHRASE');
    expect(alert.textContent).toContain('Try again');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.value).toBe('');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain(alert.parentElement!.id);
    expectForgotten('not the passphrase');

    await user.keyboard(`${PASSPHRASE}{Enter}`);
    expect(await screen.findByRole('navigation', { name: 'Profiles' })).toBeTruthy();
    expect(bridge.callsTo('unlockVault').map((c) => c.args)).toEqual([['not the passphrase', undefined], [PASSPHRASE, undefined]]);
    expectForgotten(PASSPHRASE);
  });

  it('starts on the passphrase form when the vault is locked at launch', async () => {
    const bridge = installBridge();
    bridge.vault = 'locked';
    bridge.vaultPassphrase = PASSPHRASE;
    render(<App />);
    expect(await screen.findByLabelText('Vault passphrase')).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Profiles' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Unlock' }).closest('form')).toBeTruthy();
  });

  it('a plain Unlock refused with VAULT_LOCKED switches to the passphrase form', async () => {
    const bridge = installBridge();
    bridge.vault = 'open';
    bridge.vaultPassphrase = PASSPHRASE;
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    // A locked event without the vault state (as from an older main process): the one-button screen first.
    act(() => {
      bridge.vault = 'locked';
      bridge.locked = true;
      bridge.emit({ type: 'locked' });
    });
    await user.click(await screen.findByRole('button', { name: 'Unlock' }));
    expect(await screen.findByLabelText('Vault passphrase')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('VAULT_LOCKED');
  });
});

describe('what the lock screen says the lock did', () => {
  it('with the OS keychain: a privacy screen, never claiming tokens are gone for good', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => {
      bridge.locked = true;
      bridge.emit({ type: 'locked' });
    });
    const main = await screen.findByRole('main');
    expect(main.textContent).toContain('privacy screen');
    expect(main.textContent).toContain('cleared its copy from the clipboard');
    expect(main.textContent).toContain('OS keychain stays unlocked');
    expect(main.textContent).not.toContain('Tokens were forgotten');
  });

  it('with the file vault: the vault key is forgotten and the passphrase is needed', async () => {
    const bridge = installBridge();
    bridge.vault = 'open';
    bridge.vaultPassphrase = PASSPHRASE;
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => {
      bridge.vault = 'locked';
      bridge.locked = true;
      bridge.emit({ type: 'locked', vault: 'locked' });
    });
    expect(await screen.findByLabelText('Vault passphrase')).toBeTruthy();
    const main = screen.getByRole('main');
    expect(main.textContent).toContain('forgot the file vault’s key');
    expect(main.textContent).toContain('Enter the vault passphrase');
    expect(main.textContent).not.toContain('keychain');
  });
});
