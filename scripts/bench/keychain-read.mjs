/**
 * The floor of a cached `tessera token`: Node starts, loads the keychain module and reads
 * one entry, nothing else. `node scripts/bench/keychain-read.mjs <service> <account>`
 * exits 0 when the entry holds a value (which it never prints), 1 when it is empty.
 * The module is loaded with require(), the cheapest way and the one the core uses
 * (src-core/secrets/keychain.ts), and pinned to the Secret Service as the core pins it.
 */
import { createRequire } from 'node:module';

const { Entry } = createRequire(import.meta.url)('@napi-rs/keyring');
const [service, account] = process.argv.slice(2);
const value = new Entry(service, account, { linux: { store: 'secret-service' } }).getPassword();
process.exit(value ? 0 : 1);
