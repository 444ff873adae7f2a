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
});

describe('add profile', () => {
  it('shows the TSS host for the region, verifies by minting, and says what is wrong', async () => {
    const bridge = installBridge();
    bridge.overrides.addProfile = () => {
      throw new FakeError('FORBIDDEN', 'The key ending in 5678 lacks access to workgroup wg-1.');
    };
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'add-profile' } }));
    await user.type(screen.getByLabelText('Tenant domain'), 'mylab');
    await user.selectOptions(screen.getByLabelText('Region'), 'aps2');
    expect(screen.getByText('mylab.aps2.trusight.illumina.com')).toBeTruthy();
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe('mylab-aps2');
    await user.type(screen.getByLabelText('Workgroup (optional)'), 'wg-1');
    await user.type(screen.getByLabelText('API key', { selector: 'input[type=password]' }), 'key-0000-5678');
    await user.click(screen.getByRole('button', { name: 'Verify and save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('lacks access to workgroup wg-1');
    expect(alert.textContent).toContain('"API Access" or "Lab Director"');
    expect(bridge.callsTo('addProfile')[0]?.args[0]).toMatchObject({ name: 'mylab-aps2', domain: 'mylab', region: 'aps2', workgroup: 'wg-1', verify: true, credential: { kind: 'api-key', apiKey: 'key-0000-5678' } });
    // Tips from the platform docs.
    expect(screen.getByText(/shown only once/)).toBeTruthy();
    expect(screen.getByText(/10 keys/)).toBeTruthy();
    expect(screen.getByText(/Rotate keys yearly/)).toBeTruthy();
    expect(screen.getByText(/administrator account/)).toBeTruthy();
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
    expect(within(statusGroup).getByLabelText(/Complete\s*250/)).toBeTruthy();

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
});
