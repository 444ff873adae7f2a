/**
 * The desktop's report-PDF port with Electron's dialog and shell faked: the file is
 * written only where the person chose (0600, replacing one they chose to replace),
 * cancel writes nothing, "Open" goes through a private temporary file removed on quit.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createElectronFiles } from '../../src-main/files.js';
import { newDataDir } from '../helpers/env.js';

const PDF = new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n'));

function setup(answer: { canceled: boolean; filePath?: string }, openProblem = '', hasWindow = true) {
  const dir = newDataDir('files-port');
  const dialog = { showSaveDialog: vi.fn(async (..._args: unknown[]) => answer) };
  const shell = { openPath: vi.fn(async () => openProblem) };
  const window = { id: 1 };
  const files = createElectronFiles({ dialog, shell, window: () => (hasWindow ? window : null), tmpDir: dir, downloadsDir: join(dir, 'Downloads') });
  return { dir, dialog, shell, window, files };
}

describe('report PDFs on the desktop', () => {
  it('saves where the person chose, owner-only, suggesting the file name in Downloads', async () => {
    const target = join(newDataDir('files-target'), 'chosen.pdf');
    const { files, dialog, window, dir } = setup({ canceled: false, filePath: target });
    await expect(files.savePdf('CASE-000001-Oncology_Report.pdf', PDF, { open: false })).resolves.toBe('chosen.pdf');
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(window, expect.objectContaining({ defaultPath: join(dir, 'Downloads', 'CASE-000001-Oncology_Report.pdf') }));
    expect(readFileSync(target)).toEqual(Buffer.from(PDF));
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('replaces a file the person chose to replace, and tightens its mode', async () => {
    const target = join(newDataDir('files-target'), 'old.pdf');
    writeFileSync(target, 'old content that is longer than the pdf itself', { mode: 0o644 });
    const { files } = setup({ canceled: false, filePath: target });
    await files.savePdf('x.pdf', PDF, { open: false });
    expect(readFileSync(target)).toEqual(Buffer.from(PDF));
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('without a window the dialog opens on its own', async () => {
    const { files, dialog } = setup({ canceled: true }, '', false);
    await files.savePdf('x.pdf', PDF, { open: false });
    expect(dialog.showSaveDialog.mock.calls[0]).toHaveLength(1);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const { files, shell } = setup({ canceled: true });
    await expect(files.savePdf('x.pdf', PDF, { open: false })).resolves.toBeNull();
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  it('opens through a private temporary file, removed on dispose; a suggested name cannot leave that directory', async () => {
    const { files, shell, dialog } = setup({ canceled: true });
    await expect(files.savePdf('../../escape.pdf', PDF, { open: true })).resolves.toBe('escape.pdf');
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
    const opened = (shell.openPath.mock.calls[0] as unknown as [string])[0];
    expect(opened.endsWith('/escape.pdf')).toBe(true);
    expect(statSync(opened).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(opened)).mode & 0o777).toBe(0o700);
    files.dispose();
    expect(existsSync(dirname(opened))).toBe(false);
  });

  it('says so when the system viewer cannot open it', async () => {
    const { files } = setup({ canceled: true }, 'No application is registered');
    await expect(files.savePdf('x.pdf', PDF, { open: true })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
