/**
 * electron-builder afterPack hook: flips Electron's fuses in the packaged binary
 * before it is signed, so the shipped app cannot be turned into a general Node
 * runtime or be inspected or redirected through environment variables.
 *
 *   RunAsNode off                          ELECTRON_RUN_AS_NODE cannot turn Tessera into `node`
 *   EnableNodeOptionsEnvironmentVariable off  NODE_OPTIONS cannot inject code
 *   EnableNodeCliInspectArguments off      --inspect cannot attach a debugger to main
 *   EnableCookieEncryption on              the session's cookie store is encrypted with the OS key
 *   EnableEmbeddedAsarIntegrityValidation on  app.asar is checked against its hash (macOS, Windows)
 *   OnlyLoadAppFromAsar on                 no unpacked app directory is searched instead of app.asar
 *   GrantFileProtocolExtraPrivileges off   the renderer uses app://, file:// needs no privileges
 */
'use strict';
/* global require, module, console */
// CommonJS on purpose: electron-builder loads hooks with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require('node:path');

/** Fuse name → state, by @electron/fuses' FuseV1Options names. */
const FUSES = Object.freeze({
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableCookieEncryption: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  GrantFileProtocolExtraPrivileges: false,
});

/** The file flipFuses edits: the .app bundle on macOS, the executable elsewhere. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    default:
      return path.join(appOutDir, packager.executableName);
  }
}

/** The config object flipFuses takes, built from FUSES with the library's enums. */
function fuseConfig(fuses, platform) {
  const config = {
    version: fuses.FuseVersion.V1,
    // Flipping fuses invalidates an ad-hoc signature (arm64 Macs refuse to run it): re-sign ad hoc.
    resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas',
  };
  for (const [name, state] of Object.entries(FUSES)) {
    const index = fuses.FuseV1Options[name];
    if (index === undefined) throw new Error(`@electron/fuses has no fuse named ${name}`);
    config[index] = state;
  }
  return config;
}

async function afterPack(context) {
  // @electron/fuses is ESM-only; this hook stays CommonJS for electron-builder.
  const fuses = await import('@electron/fuses');
  const target = electronBinaryPath(context);
  await fuses.flipFuses(target, fuseConfig(fuses, context.electronPlatformName));
  console.log(`  • fuses flipped in ${path.basename(target)}: ${Object.entries(FUSES).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`).join(', ')}`);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.electronBinaryPath = electronBinaryPath;
module.exports.fuseConfig = fuseConfig;
