/**
 * The desktop's `files` port: hands a report PDF to the person, and nothing else.
 *
 * - Save: Electron's save dialog (in main, attached to the window); the file is written
 *   only where the person chose, readable by them only (0600). Cancel writes nothing.
 * - Open: the PDF goes to a private temporary directory (0700, the file 0600) and the
 *   system viewer opens it (shell.openPath); the directories are removed when the app
 *   quits (`dispose`).
 *
 * The renderer asks for either only after the person confirmed writing patient data
 * to disk; the bytes never cross to the renderer. No path or content is logged.
 */
import { closeSync, fchmodSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TesseraError, type Ports } from '../src-core/index.js';

type SaveOptions = { title: string; defaultPath: string; filters: Array<{ name: string; extensions: string[] }> };
type SaveAnswer = Promise<{ canceled: boolean; filePath?: string }>;

/** Electron's dialog: attached to a window when there is one, else on its own. */
export interface SaveDialogLike {
  showSaveDialog(window: unknown, options: SaveOptions): SaveAnswer;
  showSaveDialog(options: SaveOptions): SaveAnswer;
}

export interface ElectronFilesDeps {
  dialog: SaveDialogLike;
  shell: { openPath(path: string): Promise<string> };
  /** The window the dialog belongs to. */
  window(): unknown;
  /** Where the viewer's private temporary directories go (os.tmpdir()). */
  tmpDir: string;
  /** The downloads folder the dialog starts in. */
  downloadsDir: string;
}

/** Writes `bytes` to `path` with mode 0600, replacing a file the person chose to replace in the dialog. */
export function writeOwnerOnly(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    // An existing file keeps its mode on open: tighten it before the first byte.
    fchmodSync(fd, 0o600);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}

export function createElectronFiles(deps: ElectronFilesDeps): NonNullable<Ports['files']> & { dispose(): void } {
  const temporary: string[] = [];
  return {
    async savePdf(suggestedName, bytes, { open }) {
      const name = basename(suggestedName);
      if (open) {
        const dir = mkdtempSync(join(deps.tmpDir, 'tessera-report-'));
        temporary.push(dir);
        const file = join(dir, name);
        writeOwnerOnly(file, bytes);
        const problem = await deps.shell.openPath(file);
        if (problem) throw new TesseraError('INTERNAL', 'The system could not open the PDF; save it instead and open it from there.');
        return name;
      }
      const options: SaveOptions = { title: 'Save report PDF', defaultPath: join(deps.downloadsDir, name), filters: [{ name: 'PDF', extensions: ['pdf'] }] };
      const window = deps.window();
      const result = await (window ? deps.dialog.showSaveDialog(window, options) : deps.dialog.showSaveDialog(options));
      if (result.canceled || !result.filePath) return null;
      writeOwnerOnly(result.filePath, bytes);
      return basename(result.filePath);
    },
    dispose() {
      for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
