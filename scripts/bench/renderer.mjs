/**
 * Bench section for the renderer: the built UI in Debian's Chromium over the e2e
 * harness, with 100,000 cases in the encrypted cache (and 1,000 for the keystroke ratio). The measuring runs in
 * scripts/bench/renderer-page.ts (TypeScript, through tsx); this file builds the renderer,
 * runs it, and turns its JSON into the section's table.
 */
import { join } from 'node:path';
import { root, timedEnv, timeSpawn } from './lib.mjs';

const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '—');
const kb = (v) => `${(v / 1024).toFixed(1)} KiB`;

export const renderer = {
  title: 'renderer in Chromium with 100,000 cached cases: search keystrokes, opening Cases, scrolling, bundle size',
  async run() {
    const build = await timeSpawn(join(root, 'node_modules', '.bin', 'electron-vite'), ['build']);
    if (build.code !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
    const r = await timeSpawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'bench', 'renderer-page.ts')], { env: timedEnv() });
    if (r.code !== 0) throw new Error(`renderer bench failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    const rows = [
      ['metric', 'p50', 'p95', 'max', 'n'],
      ['---', '---:', '---:', '---:', '---:'],
      [`keystroke → updated list (${out.keystroke.queries.length} queries typed char by char)`, ms(out.keystroke.p50), ms(out.keystroke.p95), ms(out.keystroke.max), out.keystroke.n],
      [`the same keystrokes at ${out.small.cases.toLocaleString('en-US')} cases (interleaved)`, ms(out.small.keystroke.p50), ms(out.small.keystroke.p95), ms(out.small.keystroke.max), out.small.keystroke.n],
      ['open Cases view → first rendered rows (cold store)', ms(out.openCases.p50), ms(out.openCases.p95), ms(out.openCases.max), out.openCases.n],
      [`frame time while scrolling (${out.scroll.rowsScrolled.toLocaleString('en-US')} rows in ${out.scroll.seconds} s)`, ms(out.scroll.p50), ms(out.scroll.p95), ms(out.scroll.max), out.scroll.n],
    ];
    const lines = rows.map((r) => `| ${r.join(' | ')} |`);
    lines.push(
      '',
      `Keystroke → updated list p50, ${out.cases.toLocaleString('en-US')} / ${out.small.cases.toLocaleString('en-US')} cases: ${(out.keystroke.p50 / out.small.keystroke.p50).toFixed(2)}× (p95 ${(out.keystroke.p95 / out.small.keystroke.p95).toFixed(2)}×); queries ${out.keystroke.queries.map((q) => `"${q}"`).join(', ')}.`,
      `Keystrokes include the core's searchCases over the harness (first page of 200 rows, as the renderer asks for it): p50 ${ms(out.keystroke.coreSearch.p50)}, p95 ${ms(out.keystroke.coreSearch.p95)} per call (n=${out.keystroke.coreSearch.n}) at ${out.cases.toLocaleString('en-US')} cases, p50 ${ms(out.small.keystroke.coreSearch.p50)} at ${out.small.cases.toLocaleString('en-US')}.`,
      `Scrolling: p99 ${ms(out.scroll.p99)}, ${out.scroll.over33ms} of ${out.scroll.n} frames over 33 ms (two frames at 60 Hz).`,
      `Bundle: JavaScript ${kb(out.bundle.js)} (gzip ${kb(out.bundle.jsGzip)}), CSS ${kb(out.bundle.css)} (gzip ${kb(out.bundle.cssGzip)}).`,
      `Setup: ${out.cases.toLocaleString('en-US')} cases synced in ${(out.syncMs / 1000).toFixed(1)} s; ${out.chromium}, headless, --disable-gpu.`,
    );
    return lines.join('\n');
  },
};
