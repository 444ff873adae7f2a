/**
 * The Electron clipboard port. A token is written together with the formats that
 * tell clipboard managers and history/cloud sync to skip it, the way KeePassXC
 * marks its copies:
 *   Linux   x-kde-passwordManagerHint = "secret"   (Klipper and friends)
 *   macOS   org.nspasteboard.ConcealedType         (nspasteboard.org convention)
 *   Windows ExcludeClipboardContentFromMonitorProcessing, CanIncludeInClipboardHistory = 0,
 *           CanUploadToCloudClipboard = 0          (Win+V history and cloud clipboard)
 * Electron 45's clipboard takes raw platform formats as `electron application/osclipboard;format="<name>"`
 * entries of one ClipboardItem, committed atomically with the text.
 *
 * The port only writes, reads and clears: whether the clipboard still holds Tessera's
 * copy is decided by the core's clipboard hygiene (src-core/clipboard/hygiene.ts).
 */
import type { ClipboardPort, Logger } from '../src-core/index.js';

export const rawFormat = (name: string): string => `electron application/osclipboard;format="${name}"`;

/** A Windows DWORD 0, little-endian: "no" for the history and cloud-clipboard formats. */
const DWORD_ZERO = () => new Blob([new Uint8Array(4)]);

/** The concealment formats written next to the text on each platform. */
export function concealmentFormats(platform: NodeJS.Platform): Record<string, string | Blob> {
  switch (platform) {
    case 'linux':
      return { [rawFormat('x-kde-passwordManagerHint')]: 'secret' };
    case 'darwin':
      // The type's presence is the signal; its payload is conventionally empty.
      return { [rawFormat('org.nspasteboard.ConcealedType')]: '' };
    case 'win32':
      return {
        [rawFormat('ExcludeClipboardContentFromMonitorProcessing')]: DWORD_ZERO(),
        [rawFormat('CanIncludeInClipboardHistory')]: DWORD_ZERO(),
        [rawFormat('CanUploadToCloudClipboard')]: DWORD_ZERO(),
      };
    default:
      return {};
  }
}

/** The part of Electron's clipboard module the port uses. */
export interface ElectronClipboardLike {
  write(items: unknown[]): Promise<void>;
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
  clear(): void;
}

export type ClipboardItemCtor = new (items: Record<string, string | Blob>) => unknown;

export interface ElectronClipboardPort extends ClipboardPort {
  writeSecret(text: string): Promise<void>;
  readText(): Promise<string>;
  clear(): Promise<void>;
}

export function createElectronClipboard(options: {
  clipboard: ElectronClipboardLike;
  ClipboardItem: ClipboardItemCtor;
  platform: NodeJS.Platform;
  logger?: Logger;
}): ElectronClipboardPort {
  const { clipboard, ClipboardItem, platform, logger } = options;
  return {
    async writeSecret(text) {
      const item = new ClipboardItem({ 'text/plain': text, ...concealmentFormats(platform) });
      try {
        await clipboard.write([item]);
      } catch (error) {
        // A platform that refuses a raw format still gets the text; the timed clear
        // (core hygiene) is what does not depend on clipboard managers.
        logger?.warn('Clipboard refused the concealment formats; wrote plain text only', {
          platform,
          reason: error instanceof Error ? error.name : 'unknown',
        });
        await clipboard.writeText(text);
      }
    },
    async readText() {
      return clipboard.readText();
    },
    async clear() {
      clipboard.clear();
    },
  };
}
