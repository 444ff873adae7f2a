#!/usr/bin/env node
/**
 * The baseline for the sync bench: the same case-search pages a sync reads (page size
 * 1000, the same number in flight), fetched with Node's fetch and read to the end,
 * with nothing parsed, validated or stored.
 *
 *   node scripts/bench/bare-download.mjs <tssBaseUrl> <domain> <keyFile> <concurrency>
 */
import { readFileSync } from 'node:fs';

const [base, domain, keyFile, concurrencyArg] = process.argv.slice(2);
const key = readFileSync(keyFile, 'utf8').trim();
const headers = { Authorization: `ApiKey ${key}`, 'X-Auth-Token': `ApiKey ${key}`, 'X-ILMN-Domain': domain, Accept: 'application/json' };
const pageUrl = (n) => `${base}/crs/api/v2/cases/search?pageNumber=${n}&pageSize=1000`;

async function get(n) {
  const res = await fetch(pageUrl(n), { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`page ${n}: ${res.status}`);
  return text;
}

// Page 0 first, for the page count, as the sync does.
const first = JSON.parse(await get(0));
let next = 1;
let bytes = 0;
await Promise.all(
  Array.from({ length: Number(concurrencyArg) || 3 }, async () => {
    while (next < first.totalPages) bytes += (await get(next++)).length;
  }),
);
process.stdout.write(`${first.totalElements} ${first.totalPages} ${bytes}\n`);
