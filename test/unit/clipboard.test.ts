/**
 * Clipboard hygiene with a fake clipboard and manual timers: cleared after the timeout
 * only if it still holds what Tessera copied (KeePassXC behaviour).
 */
import { describe, expect, it } from 'vitest';
import { createClipboardHygiene } from '../../src-core/clipboard/hygiene.js';
import { formatToken } from '../../src-core/clipboard/format.js';
import { createEventBus } from '../../src-core/events.js';
import type { TesseraEvent } from '../../src-shared/contract.js';
import { fakeClipboard, manualTimers } from '../helpers/fakes.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(seconds = 30) {
  const clipboard = fakeClipboard();
  const timers = manualTimers();
  const bus = createEventBus();
  const events: TesseraEvent[] = [];
  bus.on((e) => events.push(e));
  const hygiene = createClipboardHygiene({ clipboard, timers, clock: { now: () => 1_000_000 }, clearSeconds: async () => seconds, events: bus });
  return { clipboard, timers, events, hygiene };
}

describe('clipboard hygiene', () => {
  it('clears after the timeout when the clipboard still holds the copy', async () => {
    const s = setup(30);
    const { clearsAt } = await s.hygiene.copy('jwt-one');
    expect(clearsAt).toBe(new Date(1_000_000 + 30_000).toISOString());
    expect(s.clipboard.text).toBe('jwt-one');
    expect([...s.timers.pending.values()][0]?.ms).toBe(30_000);
    s.timers.fire();
    await flush();
    expect(s.clipboard.text).toBe('');
    expect(s.events).toEqual([{ type: 'clipboard-cleared' }]);
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const s = setup(30);
    await s.hygiene.copy('jwt-one');
    s.clipboard.text = 'my own notes';
    s.timers.fire();
    await flush();
    expect(s.clipboard.text).toBe('my own notes');
    expect(s.clipboard.clears).toBe(0);
    expect(s.events).toEqual([]);
  });

  it('a second copy replaces the first timer', async () => {
    const s = setup(30);
    await s.hygiene.copy('jwt-one');
    await s.hygiene.copy('jwt-two');
    expect(s.timers.pending.size).toBe(1);
    s.timers.fire();
    await flush();
    expect(s.clipboard.text).toBe('');
  });

  it('clearSeconds 0 never clears', async () => {
    const s = setup(0);
    expect((await s.hygiene.copy('jwt-one')).clearsAt).toBeNull();
    expect(s.timers.pending.size).toBe(0);
  });

  it('clearNow (quit, lock) clears only our copy and cancels the timer', async () => {
    const s = setup(30);
    await s.hygiene.copy('jwt-one');
    expect(await s.hygiene.clearNow()).toBe(true);
    expect(s.clipboard.text).toBe('');
    expect(s.timers.pending.size).toBe(0);
    await s.hygiene.copy('jwt-two');
    s.clipboard.text = 'mine';
    expect(await s.hygiene.clearNow()).toBe(false);
    expect(s.clipboard.text).toBe('mine');
    expect(await s.hygiene.clearNow()).toBe(false);
  });

  it('remembers the copy with the timer off: clearNow still clears only our copy', async () => {
    const s = setup(0);
    await s.hygiene.copy('jwt-one');
    expect(await s.hygiene.clearNow()).toBe(true);
    expect(s.clipboard.text).toBe('');
    expect(s.events).toEqual([{ type: 'clipboard-cleared' }]);
    await s.hygiene.copy('jwt-two');
    s.clipboard.text = 'mine';
    expect(await s.hygiene.clearNow()).toBe(false);
    expect(s.clipboard.text).toBe('mine');
    expect(s.clipboard.clears).toBe(1);
  });

  it('after the timed clear found the person\'s own copy, a later clearNow leaves it too', async () => {
    const s = setup(30);
    await s.hygiene.copy('jwt-one');
    s.clipboard.text = 'mine';
    s.timers.fire();
    await flush();
    // The person copies the same text again by hand: it is theirs now.
    s.clipboard.text = 'jwt-one';
    expect(await s.hygiene.clearNow()).toBe(false);
    expect(s.clipboard.text).toBe('jwt-one');
  });

  it('without a clipboard port, copying is a typed error', async () => {
    const hygiene = createClipboardHygiene({ timers: manualTimers(), clock: { now: () => 0 }, clearSeconds: async () => 30 });
    expect(hygiene.available).toBe(false);
    await expect(hygiene.copy('x')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('token formats', () => {
  const target = { domain: 'demo-lab', tssUrl: 'https://demo-lab.trusight.illumina.com/', expiresAt: '2030-01-01T12:00:00.000Z', source: 'cache' as const };
  it('jwt, header, env', () => {
    expect(formatToken('jwt', 'a.b.c', target)).toBe('a.b.c');
    expect(formatToken('header', 'a.b.c', target)).toBe('Authorization: Bearer a.b.c');
    expect(formatToken('env', 'a.b.c', target)).toBe('export ICAV2_ACCESS_TOKEN=a.b.c');
  });
  it('json: a record for scripts, where `:refresh` counts as minted', () => {
    expect(JSON.parse(formatToken('json', 'a.b.c', target))).toEqual({ token: 'a.b.c', expiresAt: '2030-01-01T12:00:00.000Z', source: 'cache' });
    expect(JSON.parse(formatToken('json', 'a.b.c', { ...target, source: 'refreshed' })).source).toBe('minted');
  });
  it('curl against the TSS case search with domain and workgroup headers', () => {
    expect(formatToken('curl', 'a.b.c', target)).toBe(
      "curl -sS -H 'Authorization: Bearer a.b.c' -H 'X-ILMN-Domain: demo-lab' 'https://demo-lab.trusight.illumina.com/crs/api/v2/cases/search?pageNumber=0&pageSize=20'",
    );
    expect(formatToken('curl', 'a.b.c', { ...target, workgroup: "wg'1" })).toContain(`-H 'X-ILMN-Workgroup: wg'\\''1'`);
  });
});
