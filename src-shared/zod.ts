/**
 * The zod every schema in Tessera is written with: zod/mini, with English messages.
 * Import it as `import * as z from '<path>/src-shared/zod.js'`, not from 'zod' or 'zod/mini'.
 *
 * zod/mini shares zod's core (the same checks, issues and messages) but has functions
 * where classic zod has methods: `z.optional(x)` for `x.optional()`,
 * `z.string().check(z.trim(), z.minLength(1))` for `z.string().trim().min(1)`,
 * `z._default(x, v)` for `x.default(v)`. It loads in a fraction of classic zod's time
 * (measured: ~7 ms instead of ~30 ms with the schemas `tessera token` needs), and every
 * `tessera` command pays that on start.
 *
 * Classic zod installs its English messages when its first schema is built; zod/mini
 * leaves that to the application, so it happens here, once, before any schema exists.
 */
import { config, globalConfig } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

if (!globalConfig.localeError) config(en());

// Re-exported name by name (not as one namespace object) so that bundlers keep only
// the parts of zod that are used.
export * from 'zod/mini';
