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
 * The port remembers only a SHA-256 digest of what it wrote, so "is the clipboard
 * still ours?" can be answered after an idle lock has forgotten every token.
 */
import { createHash } from 'node:crypto';
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
  /** True while the clipboard may still hold the last secret Tessera wrote. */
  readonly holdsSecret: boolean;
  /** Clears the clipboard only if it still holds Tessera's last copy; returns whether it did. */
  clearIfOwned(): Promise<boolean>;
}

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function createElectronClipboard(options: {
  clipboard: ElectronClipboardLike;
  ClipboardItem: ClipboardItemCtor;
  platform: NodeJS.Platform;
  logger?: Logger;
}): ElectronClipboardPort {
  const { clipboard, ClipboardItem, platform, logger } = options;
  let ownedDigest: string | null = null;

  const port: ElectronClipboardPort = {
    get holdsSecret() {
      return ownedDigest !== null;
    },
    async writeSecret(text) {
      const item = new ClipboardItem({ 'text/plain': text, ...concealmentFormats(platform) });
      try {
        await clipboard.write([item]);
      } catch (error) {
        // A platform that refuses a raw format still gets the text; the timed clear
        // below is the hygiene that does not depend on clipboard managers.
        logger?.warn('Clipboard refused the concealment formats; wrote plain text only', {
          platform,
          reason: error instanceof Error ? error.name : 'unknown',
        });
        await clipboard.writeText(text);
      }
      ownedDigest = digest(text);
    },
    async readText() {
      return clipboard.readText();
    },
    async clear() {
      clipboard.clear();
      ownedDigest = null;
    },
    async clearIfOwned() {
      if (ownedDigest === null) return false;
      let current: string;
      try {
        current = await clipboard.readText();
      } catch {
        return false;
      }
      if (digest(current) !== ownedDigest) {
        // Someone copied something else since: it is theirs now, leave it.
        ownedDigest = null;
        return false;
      }
      clipboard.clear();
      ownedDigest = null;
      return true;
    },
  };
  return port;
}
