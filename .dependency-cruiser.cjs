/**
 * Layering rules (docs/architecture.md): shared <- core <- faces {main, cli, harness};
 * renderer -> shared only; sim independent; tooling (scripts) never reaches into test/.
 * `npm run deps:check` and `npm test` run it over every source folder, scripts/ and test/.
 */
module.exports = {
  forbidden: [
    { name: 'core-no-electron', severity: 'error', comment: 'src-core is plain Node: the Electron ports are injected by src-main.',
      from: { path: '^src-core' }, to: { path: '^electron$|node_modules/electron/', dependencyTypes: ['npm', 'npm-dev', 'core', 'unknown', 'undetermined'] } },
    { name: 'core-no-electron-name', severity: 'error', from: { path: '^src-core' }, to: { path: 'electron', pathNot: 'node_modules/(electron-to-chromium)' } },
    { name: 'shared-is-leaf', severity: 'error', comment: 'src-shared is the contract and imports no other layer.',
      from: { path: '^src-shared' }, to: { path: '^(src-core|src-main|src-renderer|src-cli|sim)/' } },
    { name: 'core-only-shared', severity: 'error', from: { path: '^src-core' }, to: { path: '^(src-main|src-renderer|src-cli|sim)/' } },
    { name: 'renderer-only-shared', severity: 'error', comment: 'The renderer talks only to window.tessera (the contract).',
      from: { path: '^src-renderer' }, to: { path: '^(src-core|src-main|src-cli|sim)/' } },
    { name: 'renderer-no-node', severity: 'error', from: { path: '^src-renderer' }, to: { dependencyTypes: ['core'] } },
    { name: 'main-cli-apart', severity: 'error', from: { path: '^(src-main|src-cli)' }, to: { path: '^src-renderer/' },
      comment: 'Faces compose the core; they may start the simulator for the demo tenant, never the renderer code.' },
    { name: 'faces-use-core-index', severity: 'error',
      comment: 'The faces compose the core through its public surface (src-core/index.ts) only; it exports lazy loaders for what must not load at start-up.',
      from: { path: '^(src-main|src-cli|harness)/' }, to: { path: '^src-core/', pathNot: '^src-core/index\\.ts$' } },
    { name: 'product-not-test', severity: 'error', comment: 'Product code and tooling never import the tests (or their helpers).',
      from: { path: '^(src-[a-z]+|sim|harness|scripts)/' }, to: { path: '^test/' } },
    { name: 'sources-not-tooling', severity: 'error', comment: 'The application does not depend on the harness or the build and bench scripts.',
      from: { path: '^(src-[a-z]+|sim)/' }, to: { path: '^(harness|scripts)/' } },
    { name: 'sim-independent', severity: 'error', comment: 'The simulator and the clients must not share one misunderstanding.',
      from: { path: '^sim' }, to: { path: '^(src-shared|src-core|src-main|src-renderer|src-cli)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
