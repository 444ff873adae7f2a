#!/usr/bin/env node
/**
 * Generates Tessera's icons from one geometry: resources/icons/icon.svg, the PNG app
 * icons (16..1024), and the tray images (colour for Linux/Windows, a black template
 * for the macOS menu bar). Plain Node (zlib) so no image tool is needed:
 *   node resources/make-icons.mjs
 *
 * The mark is a tessera, a mosaic tile: four small tiles on a dark rounded square,
 * the bright one standing for the key you hold.
 */
/* global console */
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const out = join(import.meta.dirname, 'icons');
mkdirSync(out, { recursive: true });

// Geometry on a 1024 grid: [x, y, w, h, radius, colour].
const BACKGROUND = [64, 64, 896, 896, 200, '#12343f'];
const TILES = [
  [224, 224, 272, 272, 56, '#3cc8a8'],
  [528, 224, 272, 272, 56, '#4f8fd0'],
  [224, 528, 272, 272, 56, '#4f8fd0'],
  [528, 528, 272, 272, 56, '#f4b63c'],
];

function svg() {
  const rect = ([x, y, w, h, r, fill]) => `  <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="${fill}"/>`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">',
    '  <title>Tessera</title>',
    rect(BACKGROUND),
    ...TILES.map(rect),
    '</svg>',
    '',
  ].join('\n');
}

const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

/** Coverage of a pixel by a rounded rectangle, 4x4 supersampled. */
function coverage(px, py, scale, [x, y, w, h, r]) {
  let hits = 0;
  for (let sy = 0; sy < 4; sy += 1) {
    for (let sx = 0; sx < 4; sx += 1) {
      const gx = (px + (sx + 0.5) / 4) / scale;
      const gy = (py + (sy + 0.5) / 4) / scale;
      if (gx < x || gy < y || gx > x + w || gy > y + h) continue;
      const cx = Math.min(Math.max(gx, x + r), x + w - r);
      const cy = Math.min(Math.max(gy, y + r), y + h - r);
      if ((gx - cx) ** 2 + (gy - cy) ** 2 <= r * r) hits += 1;
    }
  }
  return hits / 16;
}

/** RGBA pixels for `shapes` painted in order (source-over). */
function render(size, shapes, colourOf = (shape) => hex(shape[5])) {
  const scale = size / 1024;
  const data = new Float64Array(size * size * 4);
  for (const shape of shapes) {
    const [r, g, b] = colourOf(shape);
    for (let py = 0; py < size; py += 1) {
      for (let px = 0; px < size; px += 1) {
        const a = coverage(px, py, scale, shape);
        if (a === 0) continue;
        const i = (py * size + px) * 4;
        const da = data[i + 3];
        const oa = a + da * (1 - a);
        for (const [k, v] of [[0, r], [1, g], [2, b]]) data[i + k] = (v * a + data[i + k] * da * (1 - a)) / oa;
        data[i + 3] = oa;
      }
    }
  }
  const bytes = Buffer.alloc(size * size * 4);
  for (let i = 0; i < data.length; i += 4) {
    bytes[i] = Math.round(data[i]);
    bytes[i + 1] = Math.round(data[i + 1]);
    bytes[i + 2] = Math.round(data[i + 2]);
    bytes[i + 3] = Math.round(data[i + 3] * 255);
  }
  return bytes;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, payload) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), payload]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

writeFileSync(join(out, 'icon.svg'), svg());
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) writeFileSync(join(out, `icon-${size}.png`), png(size, render(size, [BACKGROUND, ...TILES])));
// electron-builder's Linux icon set is read from files named <size>x<size>.png.
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(out, `${size}x${size}.png`), png(size, render(size, [BACKGROUND, ...TILES])));

// Tray: the four tiles alone, larger, so they read at 16-22 px.
const TRAY_TILES = [
  [64, 64, 416, 416, 96],
  [544, 64, 416, 416, 96],
  [64, 544, 416, 416, 96],
  [544, 544, 416, 416, 96],
];
const trayColours = ['#3cc8a8', '#4f8fd0', '#4f8fd0', '#f4b63c'];
for (const [name, size] of [['tray.png', 22], ['tray@2x.png', 44]]) {
  writeFileSync(join(out, name), png(size, render(size, TRAY_TILES.map((t, i) => [...t, trayColours[i]]))));
}
// macOS template images: black plus alpha; the system tints them for light and dark menu bars.
for (const [name, size] of [['trayTemplate.png', 22], ['trayTemplate@2x.png', 44]]) {
  writeFileSync(join(out, name), png(size, render(size, TRAY_TILES.map((t) => [...t, '#000000']))));
}
console.log(`icons written to ${out}`);
