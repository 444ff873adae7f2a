import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App.js';
import { openProfile, useApp } from '../../src-renderer/stores/app.js';
import { FakeError, profile, tokenStatus } from './fake-bridge.js';
import { installBridge, useFreshState } from './setup.js';

useFreshState();

const yearAgo = () => new Date(Date.now() - 370 * 86_400_000).toISOString();

describe('first run', () => {
  it('offers the demo tenant and opens its profile', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Try the demo tenant' }));
    expect(bridge.callsTo('startDemo')).toHaveLength(1);
    expect(await screen.findByRole('heading', { level: 1, name: 'demo' })).toBeTruthy();
    // One name for it in the sidebar and on the page.
    expect(screen.getAllByText('Demo tenant', { selector: '.badge' })).toHaveLength(2);
    expect(screen.queryByText('Demo', { exact: true, selector: '.badge' })).toBeNull();
  });

  it('says where keys are kept: the file vault when it is in use', async () => {
    const bridge = installBridge();
    bridge.vault = 'open';
    render(<App />);
    const text = await screen.findByText(/Keep your Illumina Connected Software API keys/);
    await waitFor(() => expect(text.textContent).toContain('in the encrypted file vault'));
    expect(document.body.textContent).not.toContain('OS keychain');
  });
});

describe('sidebar', () => {
  it('shows tenant and region badges, token state and key warnings', async () => {
    const bridge = installBridge();
    bridge.profiles = [
      profile('core', { domain: 'core-lab', region: 'euc1' }),
      profile('old', { key: { fingerprint: 'zz99', storedAt: yearAgo() } }),
      profile('bad', { key: { fingerprint: 'yy88', storedAt: new Date().toISOString(), rejectedAt: new Date().toISOString() } }),
    ];
    bridge.tokens.set('core', tokenStatus('core', 42));
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Profiles' });
    const core = await within(nav).findByRole('button', { name: /^core/ });
    expect(within(core).getByText('core-lab')).toBeTruthy();
    expect(within(core).getByText('EU')).toBeTruthy();
    await waitFor(() => expect(core.textContent).toMatch(/4[12]:\d\d/));
    expect(within(nav).getByRole('button', { name: /^old/ }).textContent).toContain('Key due for rotation');
    expect(within(nav).getByRole('button', { name: /^bad/ }).textContent).toContain('Key rejected');
  });
});

describe('profile page', () => {
  it('copies in each format through the bridge, reveals on request and forgets on hide', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    bridge.tokens.set('lab', tokenStatus('lab'));
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    for (const [label, format] of [
      ['Copy JWT', 'jwt'],
      ['Copy header', 'header'],
      ['Copy export', 'env'],
      ['Copy curl', 'curl'],
    ] as const) {
      await user.click(screen.getByRole('button', { name: new RegExp(`^${label}`) }));
      await waitFor(() => expect(bridge.callsTo('copyToken').at(-1)?.args).toEqual(['lab', format]));
    }
    expect(document.body.textContent).not.toContain('eyJ');
    await user.click(screen.getByRole('button', { name: 'Reveal token' }));
    const revealed = await screen.findByLabelText(/JWT \(hidden again/);
    expect((revealed as HTMLTextAreaElement).value).toMatch(/^eyJ/);
    await user.click(screen.getByRole('button', { name: 'Hide token' }));
    expect(screen.queryByLabelText(/JWT \(hidden again/)).toBeNull();
    expect(document.body.innerHTML).not.toContain('eyJhbGci');
    // Claims are readable.
    expect(screen.getByText('Audience').nextSibling?.textContent).toBe('ica');
    expect(screen.getByText('Tenant').nextSibling?.textContent).toContain('tenant-1');
  });

  it('a lock event replaces the app and drops a revealed token', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    await user.click(screen.getByRole('button', { name: 'Reveal token' }));
    await screen.findByLabelText(/JWT \(hidden again/);
    act(() => bridge.emit({ type: 'locked' }));
    expect(await screen.findByRole('heading', { name: 'Tessera is locked' })).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('eyJhbGci');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(bridge.callsTo('unlock')).toHaveLength(1);
    expect(await screen.findByRole('navigation', { name: 'Profiles' })).toBeTruthy();
    // Back on the profile, nothing is revealed any more.
    expect(screen.queryByLabelText(/JWT \(hidden again/)).toBeNull();
  });

  it('replaces the key from a dropped .txt file and keeps no copy of it', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    await user.click(screen.getByRole('button', { name: 'Replace key' }));
    const file = new File(['API Key: fresh-key-0123456789\n'], 'key.txt', { type: 'text/plain' });
    await user.upload(screen.getByLabelText('New API key file'), file);
    await screen.findByText('Key read from key.txt');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    await waitFor(() => expect(bridge.callsTo('replaceCredential')[0]?.args).toEqual(['lab', { kind: 'api-key', apiKey: 'fresh-key-0123456789' }]));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save key' })).toBeNull());
    expect(document.body.innerHTML).not.toContain('fresh-key-0123456789');
    expect(screen.getByText('••••new1')).toBeTruthy();
  });

  it('a refused new key is reported and the old key stays', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    bridge.overrides.replaceCredential = () => {
      throw new FakeError('CREDENTIALS_REJECTED', 'The platform refused the API key ending in 6789.');
    };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    await user.click(screen.getByRole('button', { name: 'Replace key' }));
    await user.type(screen.getByLabelText('New API key', { selector: 'input[type=password]' }), 'wrong-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your current key is kept');
    expect(screen.queryByRole('button', { name: 'Store without checking' })).toBeNull();
    // The badge and fingerprint are those of the old key; the key left the form.
    expect(screen.getByText('••••ab12')).toBeTruthy();
    expect(screen.getByText('OK')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('wrong-key-0123456789');
    expect(bridge.callsTo('replaceCredential')).toHaveLength(1);
  });

  it('when the platform is unreachable, offers to store the new key without checking', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const real = bridge.replaceCredential;
    bridge.overrides.replaceCredential = (...args: unknown[]) => {
      if (args.length < 3) throw new FakeError('NETWORK', 'The connection to ica.illumina.com was refused.');
      bridge.overrides.replaceCredential = undefined;
      bridge.calls.pop();
      return real(...(args as [string, object, object]));
    };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    await user.click(screen.getByRole('button', { name: 'Replace key' }));
    await user.type(screen.getByLabelText('New API key', { selector: 'input[type=password]' }), 'fresh-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('could not be checked');
    expect(alert.textContent).toContain('your current key is still stored');
    expect(screen.getByText('••••ab12')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Store without checking' }));
    await waitFor(() => expect(screen.getByText('••••new1')).toBeTruthy());
    const calls = bridge.callsTo('replaceCredential').map((c) => c.args.slice(2));
    expect(calls).toEqual([[], [{ verify: false }]]);
    expect(document.body.innerHTML).not.toContain('fresh-key-0123456789');
  });

  it('profile settings show the TSS URL in use: a custom one, not the region\'s host', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab', { customUrls: true, icaUrl: 'http://127.0.0.1:4000/ica/rest', tssUrl: 'http://127.0.0.1:4000' })];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    const hint = screen.getByText('http://127.0.0.1:4000').closest('p') as HTMLElement;
    expect(hint.textContent).toContain('custom URL');
    expect(screen.queryByText(/TSS host:/)).toBeNull();
    await user.clear(screen.getByLabelText('TSS base URL'));
    expect(screen.getByText(/TSS host:/).textContent).toContain('lab-lab.trusight.illumina.com');
  });

  it('profile settings check the workgroup id and URLs with the core\'s rules before saving', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    await user.type(screen.getByLabelText('Workgroup'), 'wg-1');
    await user.type(screen.getByLabelText('TSS base URL'), 'https://ada:pw@tss.example.com');
    expect(screen.getByText(/A workgroup id is a UUID/)).toBeTruthy();
    expect(screen.getByText(/The URL contains a user name or password/)).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.clear(screen.getByLabelText('Workgroup'));
    await user.type(screen.getByLabelText('Workgroup'), '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f');
    await user.clear(screen.getByLabelText('TSS base URL'));
    expect(save.disabled).toBe(false);
    await user.click(save);
    await waitFor(() => expect(bridge.callsTo('updateProfile')[0]?.args).toEqual(['lab', { workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f' }]));
  });
});

describe('add profile', () => {
  it('shows the TSS host for the region, verifies by minting, and says what is wrong', async () => {
    const bridge = installBridge();
    bridge.overrides.addProfile = () => {
      throw new FakeError('FORBIDDEN', 'The key ending in 5678 lacks access to workgroup 0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f.');
    };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'mylab');
    await user.selectOptions(screen.getByLabelText('Region'), 'aps2');
    expect(screen.getByText('mylab.aps2.trusight.illumina.com')).toBeTruthy();
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe('mylab-aps2');
    await user.type(screen.getByLabelText('Workgroup (optional)'), '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f');
    await user.type(screen.getByLabelText('API key', { selector: 'input[type=password]' }), 'key-0000-5678');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('lacks access to workgroup 0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f');
    expect(alert.textContent).toContain('"API Access" or "Lab Director"');
    expect(bridge.callsTo('addProfile')[0]?.args[0]).toMatchObject({ name: 'mylab-aps2', domain: 'mylab', region: 'aps2', workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f', verify: true, credential: { kind: 'api-key', apiKey: 'key-0000-5678' } });
    // Tips from the platform docs.
    expect(screen.getByText(/shown only once/)).toBeTruthy();
    expect(screen.getByText(/10 keys/)).toBeTruthy();
    expect(screen.getByText(/Rotate keys yearly/)).toBeTruthy();
    expect(screen.getByText(/administrator account/)).toBeTruthy();
  });

  it('titles an error by what happened: an insecure URL was never sent', async () => {
    const bridge = installBridge();
    bridge.overrides.addProfile = () => {
      throw new FakeError('INSECURE_URL', 'http://ica.example.com is not https.');
    };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'mylab');
    await user.type(screen.getByLabelText('API key', { selector: 'input[type=password]' }), 'key-0000-5678');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Insecure URL: nothing was sent');
    expect(alert.textContent).not.toContain('did not accept');
  });

  it('shows commands in help and error text as code, never as raw backticks', async () => {
    const bridge = installBridge();
    // The app's own advice names no CLI command; a message may still quote one.
    bridge.overrides.addProfile = () => {
      throw new FakeError('INTERNAL', 'Something failed; `tessera doctor` tells why.');
    };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'mylab');
    expect(screen.getByText('tessera token mylab-us', { selector: 'code' })).toBeTruthy();
    await user.type(screen.getByLabelText('API key', { selector: 'input[type=password]' }), 'key-0000-5678');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('tessera doctor', { selector: 'code' })).toBeTruthy();
    expect(document.querySelector('.page')?.textContent).not.toContain('`');
  });

  it('validates before calling the core', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'Bad Domain!');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    expect(screen.getByText(/letters, digits and dashes only/)).toBeTruthy();
    expect(screen.getByText('Paste the API key or drop its .txt file.')).toBeTruthy();
    expect(bridge.callsTo('addProfile')).toHaveLength(0);
  });

  it('refuses a name that differs from an existing one only in case, as the core does', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'mylab');
    const name = screen.getByLabelText('Profile name');
    await user.clear(name);
    await user.type(name, 'Lab');
    await user.type(screen.getByLabelText('API key', { selector: 'input[type=password]' }), 'key-0000-5678');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    expect(screen.getByText(/A profile with this name exists already/)).toBeTruthy();
    expect(bridge.callsTo('addProfile')).toHaveLength(0);
  });

  it('checks the workgroup id and custom URLs with the same rules as the core', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'mylab');
    await user.type(screen.getByLabelText('Workgroup (optional)'), 'wg-1');
    await user.type(screen.getByLabelText('API key', { selector: 'input[type=password]' }), 'key-0000-5678');
    await user.type(screen.getByLabelText('ICA base URL'), 'http://ica.example.com/ica/rest');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    expect(screen.getByText(/A workgroup id is a UUID/)).toBeTruthy();
    expect(screen.getByText(/Refusing plain http:\/\/ to ica.example.com/)).toBeTruthy();
    expect(bridge.callsTo('addProfile')).toHaveLength(0);
  });
});

describe('command palette', () => {
  it('opens with Ctrl+K, filters, and copies with Enter', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('alpha'), profile('beta')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Command palette' });
    const input = within(dialog).getByRole('combobox');
    expect(document.activeElement).toBe(input);
    await user.type(input, 'beta env');
    expect(within(dialog).getByRole('option', { selected: true }).textContent).toContain('Copy export line: beta');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(bridge.callsTo('copyToken')[0]?.args).toEqual(['beta', 'env', 'palette']));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('jumps to a case by its display id, from the offline cache', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('alpha')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Command palette' });
    await user.type(within(dialog).getByRole('combobox'), 'case-000123');
    await waitFor(() => expect(within(dialog).getByRole('option', { selected: true }).textContent).toContain('Open case CASE-000123'));
    await user.keyboard('{Enter}');
    const panel = await screen.findByRole('complementary', { name: 'Case details' });
    expect(within(panel).getByRole('heading', { name: 'CASE-000123' })).toBeTruthy();
    expect(bridge.callsTo('getCase').at(-1)?.args).toEqual(['alpha', 'id-122']);
    expect(screen.getByRole('tab', { name: 'Cases', selected: true })).toBeTruthy();
  });

  it('confirms a palette copy once, and a tray copy of the same token right after it too', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('beta')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Command palette' });
    await user.type(within(dialog).getByRole('combobox'), 'beta env');
    await user.keyboard('{Enter}');
    const toasts = () => screen.queryAllByTestId('toast').map((t) => t.textContent ?? '');
    await waitFor(() => expect(toasts().filter((t) => t.includes('Copied export line for beta'))).toHaveLength(1));
    const result = { profile: 'beta', format: 'env' as const, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), clearsAt: null };
    // The core announces every copy; the palette's own is already confirmed.
    act(() => bridge.emit({ type: 'copied', result: { ...result, origin: 'palette' } }));
    expect(toasts().filter((t) => t.includes('Copied export line for beta'))).toHaveLength(1);
    // The same format for the same profile from the tray a moment later is a copy of its own.
    act(() => bridge.emit({ type: 'copied', result: { ...result, origin: 'tray' } }));
    await waitFor(() => expect(toasts().filter((t) => t.includes('Copied export line for beta'))).toHaveLength(2));
  });
});

describe('cases view', () => {
  // happy-dom has no layout: give the grid's scroll container a viewport so TanStack Virtual renders rows.
  const proto = HTMLElement.prototype;
  const original = { h: Object.getOwnPropertyDescriptor(proto, 'clientHeight'), w: Object.getOwnPropertyDescriptor(proto, 'clientWidth') };
  beforeAll(() => {
    Object.defineProperty(proto, 'clientHeight', { configurable: true, get(this: HTMLElement) { return this.classList?.contains('grid-scroll') ? 600 : 0; } });
    Object.defineProperty(proto, 'clientWidth', { configurable: true, get(this: HTMLElement) { return this.classList?.contains('grid-scroll') ? 1000 : 0; } });
  });
  afterAll(() => {
    if (original.h) Object.defineProperty(proto, 'clientHeight', original.h);
    if (original.w) Object.defineProperty(proto, 'clientWidth', original.w);
  });

  it('renders virtual rows, facets with counts, searches and opens a case', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab', 'cases'));
    expect(await screen.findByText('1,000 cases')).toBeTruthy();
    const grid = screen.getByRole('grid', { name: 'Cases' });
    // Virtualised: far fewer rows than cases in the DOM.
    const rows = within(grid).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(80);
    const statusGroup = screen.getByRole('group', { name: 'Status' });
    expect(await within(statusGroup).findByLabelText(/Complete\s*250/)).toBeTruthy();

    await user.type(screen.getByRole('searchbox', { name: 'Search cases' }), 'CASE-00004');
    await waitFor(() => expect(screen.getByText('10 cases')).toBeTruthy());
    await user.click(within(grid).getAllByRole('row')[1]!);
    const detail = await screen.findByRole('complementary', { name: 'Case details' });
    expect(await within(detail).findByRole('heading', { name: 'CASE-000040' })).toBeTruthy();
    expect(bridge.callsTo('getCase')[0]?.args).toEqual(['lab', 'id-39']);

    await user.click(within(statusGroup).getByLabelText(/Complete/));
    await waitFor(() => expect(bridge.callsTo('searchCases').at(-1)?.args[1]).toMatchObject({ text: 'CASE-00004', status: ['Complete'] }));
  });

  it('shows the offline banner when the cache answers offline', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    bridge.overrides.searchCases = async () => ({ items: bridge.cases.slice(0, 200), total: bridge.cases.length, facets: { status: [], subState: [], test: [] }, syncedAt: '2025-01-01T00:00:00Z', stale: true, offline: true });
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab', 'cases'));
    expect(await screen.findByText('Offline: the server cannot be reached')).toBeTruthy();
    expect(screen.getByText(/Showing data from the offline cache/)).toBeTruthy();
  });
});

describe('settings', () => {
  it('applies the theme as data-theme and saves the other settings', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    await user.click(await screen.findByLabelText('Dark'));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    const clip = screen.getByLabelText('Clear the clipboard after');
    await user.clear(clip);
    await user.type(clip, '90');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(bridge.settings.clipboardClearSeconds).toBe(90));
  });

  it('picking a theme keeps unsaved edits in the form below it', async () => {
    installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    const clip = await screen.findByLabelText('Clear the clipboard after');
    await user.clear(clip);
    await user.type(clip, '90');
    await user.click(screen.getByLabelText('Dark'));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect((screen.getByLabelText('Clear the clipboard after') as HTMLInputElement).value).toBe('90');
  });

  it('the default profile can be set back to "First profile"', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab'), profile('core')];
    bridge.settings = { ...bridge.settings, defaultProfile: 'core' };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    const select = await screen.findByLabelText('Default profile (tray and shortcut)');
    expect((select as HTMLSelectElement).value).toBe('core');
    await user.selectOptions(select, 'First profile');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(bridge.callsTo('updateSettings').at(-1)?.args[0]).toMatchObject({ defaultProfile: null }));
    expect(bridge.settings).not.toHaveProperty('defaultProfile');
  });

  it('shows a backend that is not in use as such, without its advice', async () => {
    const bridge = installBridge();
    bridge.overrides.doctor = () => ({
      ok: true,
      dataDir: '/tmp/x',
      secretBackend: 'keychain',
      checks: [
        { name: 'keychain', ok: true, selected: true, detail: 'The OS keychain works' },
        { name: 'file-vault', ok: false, selected: false, detail: 'No passphrase is available', hint: 'Set TESSERA_VAULT_PASSPHRASE.' },
      ],
    });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    await user.click(await screen.findByRole('button', { name: 'Run checks' }));
    const checks = await screen.findByRole('list', { name: 'Diagnostic checks' });
    const vault = within(checks).getByText('file-vault').closest('li') as HTMLElement;
    expect(vault.className).toBe('check-na');
    expect(within(vault).getByText('Not in use')).toBeTruthy();
    expect(checks.textContent).not.toContain('TESSERA_VAULT_PASSPHRASE');
  });

  it('offers Save only once something changed, as profile settings do', async () => {
    installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    const idle = await screen.findByLabelText('Lock when idle for');
    const save = screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.clear(idle);
    await user.type(idle, '20');
    expect(save.disabled).toBe(false);
    await user.clear(idle);
    await user.type(idle, '15');
    expect(save.disabled).toBe(true);
  });

  it('says the range of a number it refuses', async () => {
    installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    const clip = await screen.findByLabelText('Clear the clipboard after');
    await user.clear(clip);
    await user.type(clip, '5000');
    expect(screen.getByText('Enter a whole number from 0 to 3600 (seconds).')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
