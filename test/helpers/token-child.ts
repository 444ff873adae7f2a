/**
 * A separate process that asks for a token, like a `tessera token` run next to the app:
 * used to prove the token cache and the mint lock work across processes.
 * Env: TESSERA_HOME (data dir), CHILD_PROFILE; prints `{source, expiresAt}` as JSON.
 */
import { createTessera } from '../../src-core/tessera.js';
import { createKeychainStore } from '../../src-core/secrets/keychain.js';
import { systemClock } from '../../src-core/ports.js';

const dataDir = process.env.TESSERA_HOME ?? '';
const core = createTessera({
  fetch: (input, init) => fetch(input, init),
  secrets: createKeychainStore({ service: 'Tessera-test' }),
  clock: systemClock,
  paths: { dataDir },
});
try {
  const status = await core.ensureToken(process.env.CHILD_PROFILE ?? 'lab');
  process.stdout.write(`${JSON.stringify({ source: status.source, expiresAt: status.expiresAt })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: (error as { code?: string }).code ?? 'INTERNAL' })}\n`);
  process.exitCode = 1;
} finally {
  await core.dispose();
}
