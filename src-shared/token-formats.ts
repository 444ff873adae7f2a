/**
 * The shapes a token is handed out in, and the words every face uses for them: the
 * desktop window, the command palette, the tray, notifications and `tessera token
 * --format`. The text itself is produced by one formatter in the core
 * (src-core/clipboard/format.ts). Plain data, no zod, so the renderer and the CLI's
 * token path can import it at no cost; base-schemas.ts builds the schemas from it.
 */

export const TOKEN_FORMAT_IDS = ['jwt', 'header', 'env', 'curl', 'json'] as const;
export type TokenFormat = (typeof TOKEN_FORMAT_IDS)[number];

export interface TokenFormatInfo {
  /** The format's name in lists and confirmations ("Copied JWT for lab"). */
  label: string;
  /** What a sentence calls the copied text ("Token copied for lab", "Copy export line: lab"). */
  noun: string;
  /** One word for a button ("Copy header"). */
  short: string;
  /** What the text looks like. */
  description: string;
  /** Words people type in the command palette to find it, beyond its label. */
  keywords: string;
  /** Offered for the clipboard (window, palette, tray, shortcut). */
  clipboard: boolean;
  /** Offered by `tessera token --format`. */
  cli: boolean;
}

export const TOKEN_FORMATS = {
  jwt: { label: 'JWT', noun: 'token', short: 'JWT', description: 'the bare token', keywords: 'jwt bearer', clipboard: true, cli: true },
  header: {
    label: 'Authorization header',
    noun: 'Authorization header',
    short: 'header',
    description: 'Authorization: Bearer …',
    keywords: 'bearer authorization',
    clipboard: true,
    cli: true,
  },
  env: {
    label: 'export line',
    noun: 'export line',
    short: 'export',
    description: 'export ICAV2_ACCESS_TOKEN=…',
    keywords: 'env environment icav2_access_token shell',
    clipboard: true,
    cli: true,
  },
  curl: { label: 'curl command', noun: 'curl command', short: 'curl', description: 'a TSS API call', keywords: 'curl tss api command', clipboard: true, cli: true },
  // A record for scripts (token, expiry, where it came from): nothing a person pastes.
  json: {
    label: 'JSON',
    noun: 'JSON record',
    short: 'JSON',
    description: '{"token", "expiresAt", "source"}',
    keywords: 'json script',
    clipboard: false,
    cli: true,
  },
} as const satisfies Record<TokenFormat, TokenFormatInfo>;

type Where = 'clipboard' | 'cli';
type FormatsFor<W extends Where> = { [F in TokenFormat]: (typeof TOKEN_FORMATS)[F][W] extends true ? F : never }[TokenFormat];

/** The formats the clipboard takes. */
export type CopyFormat = FormatsFor<'clipboard'>;
/** The formats `tessera token` prints. */
export type CliFormat = FormatsFor<'cli'>;

const formatsFor = <W extends Where>(where: W) =>
  TOKEN_FORMAT_IDS.filter((id) => TOKEN_FORMATS[id][where]) as unknown as readonly [FormatsFor<W>, ...FormatsFor<W>[]];

export const COPY_FORMAT_IDS = formatsFor('clipboard');
export const CLI_FORMAT_IDS = formatsFor('cli');

/** Where a copy was asked for; the window uses it to confirm only copies it did not start itself. */
export const COPY_ORIGINS = ['window', 'tray', 'shortcut', 'palette', 'cli'] as const;
export type CopyOrigin = (typeof COPY_ORIGINS)[number];

