/**
 * Deterministic pseudo-random numbers: every piece of simulated data derives from the
 * sim's seed, so two runs with one seed serve byte-identical data (tests compare
 * caches to server state; benchmarks compare runs).
 */

/** Mixes two integers into one well-spread 32-bit seed (used to give each case its own stream). */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const UUID_CODES: number[] = new Array<number>(36).fill(48);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A small, fast generator (mulberry32): cheap enough to build 200,000 cases in well under a second. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /**
   * A version-4-shaped GUID, as TSS and ICA use for ids. Built from char codes in one
   * go so the result is a flat string (concatenated pieces would cost several times the
   * memory across 200,000 cases).
   */
  uuid(): string {
    const codes = UUID_CODES;
    let pos = 0;
    for (let word = 0; word < 4; word++) {
      let n = this.u32();
      for (let i = 0; i < 8; i++) {
        if (pos === 8 || pos === 13 || pos === 18 || pos === 23) codes[pos++] = 45; // '-'
        let nibble = n & 15;
        n >>>= 4;
        if (pos === 14) nibble = 4;
        else if (pos === 19) nibble = 8 + (nibble & 3);
        codes[pos++] = HEX_CODES[nibble] ?? 48;
      }
    }
    return String.fromCharCode(...codes);
  }

  alnum(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALNUM[Math.floor(this.next() * ALNUM.length)];
    return s;
  }

  digits(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}
