/**
 * The app's imports and snippets against the fake bridge: "Import from icav2" appears on
 * first run only when the core found a config.yaml with a key, and sends options (never a
 * key); a team file becomes "key needed" profiles with an Add key action; "Use it in…"
 * shows the profile's real values and copies through the bridge.
 */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App.js';
import { openProfile } from '../../src-renderer/stores/app.js';
import { profile } from './fake-bridge.js';
import { installBridge, useFreshState } from './setup.js';

useFreshState();

const FOUND = { path: '/home/me/.icav2/config.yaml', found: true, serverHost: 'ica.illumina.com', icaUrl: 'https://ica.illumina.com/ica/rest', hasKey: true };

describe('import from icav2 on first run', () => {
  it('is offered when the core found a key, and imports with the chosen name, region and scrub', async () => {
    const bridge = installBridge();
    bridge.icav2 = FOUND;
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Import from icav2' }));
    const form = screen.getByRole('form', { name: 'Import from icav2' });
    expect(form.textContent).toContain('/home/me/.icav2/config.yaml');
    const name = within(form).getByLabelText('Profile name');
    await user.clear(name);
    await user.type(name, 'lab-icav2');
    await user.selectOptions(within(form).getByLabelText('Region'), 'euw2');
    await user.click(within(form).getByLabelText(/remove the plain-text key/));
    await user.click(within(form).getByRole('button', { name: /Verify and import/ }));
    await waitFor(() => expect(bridge.callsTo('importIcav2')).toHaveLength(1));
    expect(bridge.callsTo('importIcav2')[0]!.args).toEqual([{ name: 'lab-icav2', region: 'euw2', scrub: true }]);
    expect(await screen.findByRole('heading', { level: 1, name: 'lab-icav2' })).toBeTruthy();
  });

  it('is not offered without a config.yaml', async () => {
    const bridge = installBridge();
    render(<App />);
    await screen.findByRole('button', { name: 'Try the demo tenant' });
    await waitFor(() => expect(bridge.callsTo('findIcav2Config')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: 'Import from icav2' })).toBeNull();
  });

  it('explains a file that cannot be imported', async () => {
    const bridge = installBridge();
    bridge.icav2 = { ...FOUND, hasKey: false, problem: 'holds no API key (x-api-key)' };
    render(<App />);
    expect(await screen.findByText(/cannot be imported: holds no API key/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Import from icav2' })).toBeNull();
  });
});

describe('team profile files', () => {
  it('imports a chosen file, shows the profiles as "key needed", and Add key stores one', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(<App />);
    const text = JSON.stringify({ format: 'tessera-profiles', version: 1, profiles: [{ name: 'team-us', domain: 'team', region: 'us', includeIdentifiers: false, credentialKind: 'api-key' }] });
    await user.upload(await screen.findByLabelText('Team profile file'), new File([text], 'team.json', { type: 'application/json' }));
    await waitFor(() => expect(bridge.callsTo('importProfiles')).toHaveLength(1));
    expect(bridge.callsTo('importProfiles')[0]!.args).toEqual([text]);
    expect(await screen.findByText(/Key needed: this profile came from a team file/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add key for team-us' }));
    const card = (await screen.findByRole('heading', { name: /API key/ })).closest('section')!;
    expect(within(card).getByText('Key needed')).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: /Add key/ }));
    await user.type(within(card).getByLabelText('API key'), 'abcdefgh12345678');
    await user.click(within(card).getByRole('button', { name: /Save key/ }));
    await waitFor(() => expect(bridge.callsTo('replaceCredential')).toHaveLength(1));
    await waitFor(() => expect(within(card).queryByText('Key needed')).toBeNull());
  });
});

describe('Use it in…', () => {
  it("shows each snippet with the profile's values and copies it through the bridge", async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab', { workgroup: 'wg-7', icaUrl: 'https://ica.example.org:8443/ica/rest' })];
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab'));
    const tabs = await screen.findByRole('tablist', { name: 'Use it in' });
    expect(screen.getByTestId('snippet-icav2').textContent).toContain('export ICAV2_SERVER_URL=ica.example.org:8443');
    await user.click(within(tabs).getByRole('tab', { name: 'curl (TSS)' }));
    const tss = screen.getByTestId('snippet-curl-tss').textContent!;
    expect(tss).toContain(`-H 'X-ILMN-Workgroup: wg-7'`);
    expect(tss).toContain('$(tessera token lab)');
    expect(tss).toContain('https://lab-lab.trusight.illumina.com/crs/api/v2/cases/search');
    await user.click(screen.getByRole('button', { name: 'Copy curl (TSS) commands' }));
    await waitFor(() => expect(bridge.callsTo('copySnippet').at(-1)?.args).toEqual(['lab', 'curl-tss']));
    expect(document.body.textContent).not.toContain('eyJ');
  });
});
