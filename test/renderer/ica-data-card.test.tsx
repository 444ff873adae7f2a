/** The ICA data card: projects on request, the folder's commands and expiry, copies through the bridge, errors shown. */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App.js';
import { openProfile } from '../../src-renderer/stores/app.js';
import { FakeError, profile } from './fake-bridge.js';
import { installBridge, useFreshState } from './setup.js';

useFreshState();

async function openLab() {
  const bridge = installBridge();
  bridge.profiles = [profile('lab')];
  const user = userEvent.setup();
  render(<App />);
  await screen.findByRole('navigation', { name: 'Profiles' });
  act(() => openProfile('lab'));
  const card = await screen.findByRole('region', { name: 'ICA data' });
  return { bridge, user, card };
}

describe('ICA data card', () => {
  it('asks for nothing until the person chooses, then shows the folder\'s commands and expiry and copies them through the bridge', async () => {
    const { bridge, user, card } = await openLab();
    expect(bridge.callsTo('listIcaProjects')).toHaveLength(0);
    await user.click(within(card).getByRole('button', { name: /Choose a project folder/ }));
    const select = await within(card).findByLabelText('Project');
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['Oncology Validation (US)', 'Pipeline Development (EU)']);
    await user.type(within(card).getByLabelText('Folder'), 'runs/2024');
    await user.click(within(card).getByRole('button', { name: /Get AWS commands/ }));
    const access = await within(card).findByTestId('ica-access');
    expect(bridge.callsTo('ensureAwsAccess').at(-1)?.args).toEqual(['lab', { project: bridge.icaProjects[0]!.id, path: 'runs/2024', readOnly: true }]);
    expect(access.textContent).toContain(`s3://stratus-gds-use1/tenant/${bridge.icaProjects[0]!.id}/runs/2024/`);
    expect(access.textContent).toMatch(/Credentials expire.*2030/);
    expect(access.querySelector('code[data-kind="awsLs"]')?.textContent).toMatch(/^aws s3 ls s3:\/\//);
    expect(access.querySelector('code[data-kind="credentialProcess"]')?.textContent).toMatch(/^credential_process = tessera aws-credentials lab /);
    for (const [label, kind] of [
      ['aws s3 ls command', 'awsLs'],
      ['credential_process line', 'credentialProcess'],
      ['aws-config command', 'awsConfig'],
    ] as const) {
      await user.click(within(access).getByRole('button', { name: `Copy the ${label}` }));
      await waitFor(() => expect(bridge.callsTo('copyAwsCommand').at(-1)?.args[2]).toBe(kind));
    }
  });

  it('shows the core\'s error when the folder is a file', async () => {
    const { bridge, user, card } = await openLab();
    bridge.overrides.ensureAwsAccess = () => {
      throw new FakeError('NOT_A_FOLDER', '/README.txt in project "Oncology Validation" is a file, not a folder.');
    };
    await user.click(within(card).getByRole('button', { name: /Choose a project folder/ }));
    await user.type(await within(card).findByLabelText('Folder'), '/README.txt');
    await user.click(within(card).getByRole('button', { name: /Get AWS commands/ }));
    expect((await within(card).findByRole('alert')).textContent).toContain('is a file, not a folder');
    expect(within(card).queryByTestId('ica-access')).toBeNull();
  });
});
