import { describe, expect, it, vi } from 'vitest';
import { buildTrayMenu, resolveDefaultProfile, toMenuTemplate, type TrayMenuItem } from '../../src-main/tray-menu.js';
import { createTrayController } from '../../src-main/tray.js';
import { profile } from './fakes.js';

const labels = (items: readonly TrayMenuItem[]) => items.map((i) => (i.kind === 'separator' ? '---' : i.label));

describe('tray menu model', () => {
  it('has one submenu per profile with the three copy formats, then Open and Quit', () => {
    const items = buildTrayMenu({ profiles: [profile('core-lab'), profile('partner', { region: 'euw2', isDemo: true })], defaultProfile: 'partner', locked: false, shortcut: 'CommandOrControl+Shift+T' });
    expect(labels(items)).toEqual(['core-lab — core-lab-lab (US)', 'partner — partner-lab (EUW2, demo, default)', '---', 'Open Tessera', '---', 'Quit Tessera']);
    const partner = items[1] as Extract<TrayMenuItem, { kind: 'submenu' }>;
    expect(partner.items.map((i) => (i.kind === 'item' ? [i.label, i.action] : null))).toEqual([
      ['Copy token', { type: 'copy', profile: 'partner', format: 'jwt' }],
      ['Copy as Authorization header', { type: 'copy', profile: 'partner', format: 'header' }],
      ['Copy as export line', { type: 'copy', profile: 'partner', format: 'env' }],
    ]);
    // The shortcut hint sits on the default profile's "Copy token" only.
    expect((partner.items[0] as { accelerator?: string }).accelerator).toBe('CommandOrControl+Shift+T');
    const core = items[0] as Extract<TrayMenuItem, { kind: 'submenu' }>;
    expect((core.items[0] as { accelerator?: string }).accelerator).toBeUndefined();
  });

  it('offers to open the window when there are no profiles', () => {
    expect(labels(buildTrayMenu({ profiles: [], locked: false }))).toEqual(['No profiles yet', '---', 'Open Tessera to add a profile', '---', 'Quit Tessera']);
  });

  it('hides every copy entry while locked', () => {
    const items = buildTrayMenu({ profiles: [profile('lab')], locked: true });
    expect(labels(items)[0]).toMatch(/locked/);
    expect(JSON.stringify(items)).not.toContain('"copy"');
  });

  it('falls back to the first profile as default when the configured one is gone', () => {
    expect(resolveDefaultProfile([profile('a'), profile('b')], 'b')).toBe('b');
    expect(resolveDefaultProfile([profile('a'), profile('b')], 'gone')).toBe('a');
    expect(resolveDefaultProfile([], undefined)).toBeUndefined();
  });

  it('turns into an Electron template whose clicks route the actions', () => {
    const onAction = vi.fn();
    const template = toMenuTemplate(buildTrayMenu({ profiles: [profile('lab')], locked: false, shortcut: 'Ctrl+T' }), onAction);
    const submenu = template[0]!.submenu as { click?: () => void; accelerator?: string; registerAccelerator?: boolean }[];
    submenu[1]!.click!();
    expect(onAction).toHaveBeenCalledWith({ type: 'copy', profile: 'lab', format: 'header' });
    expect(submenu[0]).toMatchObject({ accelerator: 'Ctrl+T', registerAccelerator: false });
    template.find((t) => t.label === 'Quit Tessera')!.click!({} as never, undefined, {} as never);
    expect(onAction).toHaveBeenLastCalledWith({ type: 'quit' });
    expect(template[1]).toEqual({ type: 'separator' });
  });
});

describe('tray controller', () => {
  function deps() {
    const tray = { setContextMenu: vi.fn(), setToolTip: vi.fn(), destroy: vi.fn(), on: vi.fn() };
    return { tray, deps: { createTray: vi.fn(() => tray), buildMenu: vi.fn((t: unknown) => ({ template: t }) as never), image: {} as never } };
  }

  it('rebuilds the menu from the profiles on refresh (as main does on profiles-changed)', async () => {
    const { tray, deps: d } = deps();
    let profiles = [profile('lab')];
    const controller = createTrayController(d, async () => ({ profiles, locked: false }), vi.fn());
    expect(tray.setToolTip).toHaveBeenCalledWith('Tessera');
    await controller.refresh();
    expect(labels(controller.model)[0]).toMatch(/^lab/);
    profiles = [profile('lab'), profile('second')];
    await controller.refresh();
    expect(labels(controller.model).filter((l) => l !== '---')).toHaveLength(4);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(3);
  });

  it('shows only the newest of two racing refreshes, and survives a failing load', async () => {
    const { deps: d } = deps();
    const resolvers: ((v: { profiles: ReturnType<typeof profile>[]; locked: boolean }) => void)[] = [];
    const controller = createTrayController(d, () => new Promise((r) => resolvers.push(r)), vi.fn());
    const first = controller.refresh();
    const second = controller.refresh();
    resolvers[1]!({ profiles: [profile('new')], locked: false });
    await second;
    resolvers[0]!({ profiles: [profile('old')], locked: false });
    await first;
    expect(labels(controller.model)[0]).toMatch(/^new/);
    const failing = createTrayController(deps().deps, async () => {
      throw new Error('core gone');
    }, vi.fn());
    await expect(failing.refresh()).resolves.toBeUndefined();
    expect(labels(failing.model)[0]).toBe('No profiles yet');
  });
});
