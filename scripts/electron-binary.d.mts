// Types for scripts/electron-binary.mjs (used by the packaging tests).
export type ElectronBinary = { ok: true; path: string; packageDir: string } | { ok: false; reason: string; packageDir?: string };
export function findElectronBinary(options: { root: string; env?: NodeJS.ProcessEnv }): ElectronBinary;
export function missingBinaryMessage(reason: string): string;
