/**
 * Account names under the keychain service `Tessera` (and in the file vault): the one
 * place that makes and parses them.
 *
 * An account reads `profile <name>: <kind> (<profile id>)`, e.g.
 * `profile lab: credential (6f1c…)`. The name is there for people: the keychain
 * tools show the account (Seahorse's label is `keyring:<account>@Tessera`, Keychain
 * Access and the Windows Credential Manager show it as the account or target), and the
 * keyring library sets no label of its own. The id keeps the account unique and is what
 * the code relies on: names change, so parsing takes the kind and the id from the end
 * and never trusts the name.
 *
 * Earlier versions named accounts `profile/<id>/<kind>`; such legacy entries (and
 * entries under a profile's former name) are adopted by the profile repository when
 * read (profiles/repository.ts).
 */
export const SECRET_SERVICE = 'Tessera';

/** The secrets a profile can have, one entry each. */
export const SECRET_KINDS = [
  /** The API key, or the password of a Basic profile. */
  'credential',
  /** The cached JWT with its expiry, shared by the app and the CLI. */
  'token',
  /** 32 random bytes (base64) that encrypt the profile's offline cache. */
  'cache-key',
  /**
   * Temporary AWS credentials for ICA project data: one JSON map per profile, keyed by
   * project, folder and mode (aws/credentials.ts), so removal finds them in one account.
   */
  'aws-credentials',
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

/** Whose entry: the profile's stable id and its current name. */
export interface SecretOwner {
  readonly id: string;
  readonly name: string;
}

/** The account of one secret of a profile, labelled with the profile's current name. */
export function accountName(owner: SecretOwner, kind: SecretKind): string {
  return `profile ${owner.name}: ${kind} (${owner.id})`;
}

/** The account earlier versions used for the same secret (no name in it). */
export function legacyAccountName(profileId: string, kind: SecretKind): string {
  return `profile/${profileId}/${kind}`;
}

export const accounts = {
  credential: (owner: SecretOwner) => accountName(owner, 'credential'),
  token: (owner: SecretOwner) => accountName(owner, 'token'),
  cacheKey: (owner: SecretOwner) => accountName(owner, 'cache-key'),
  awsCredentials: (owner: SecretOwner) => accountName(owner, 'aws-credentials'),
  /** Every account of a profile under its current name. */
  all: (owner: SecretOwner) => SECRET_KINDS.map((kind) => accountName(owner, kind)),
} as const;

export interface ParsedAccount {
  profileId: string;
  kind: string;
  /** The profile name the entry is labelled with; null for a legacy entry. */
  name: string | null;
}

const KINDS = SECRET_KINDS.join('|');
// Greedy name, anchored kind and id: whatever a (hand-edited) name holds, the last
// `: <kind> (<id>)` is the real one, and ids have no spaces or parentheses.
const NAMED = new RegExp(`^profile (.*): (${KINDS}) \\(([^\\s()]+)\\)$`, 's');
const LEGACY = /^profile\/([^/]+)\/([^/]+)$/;

/** The profile id and kind of an account made here (either form), or null for other entries (e.g. a probe). */
export function parseAccount(account: string): ParsedAccount | null {
  const named = NAMED.exec(account);
  if (named) return { profileId: named[3]!, kind: named[2]!, name: named[1]! };
  const legacy = LEGACY.exec(account);
  if (legacy) return { profileId: legacy[1]!, kind: legacy[2]!, name: null };
  return null;
}

/** The profile id in an account name made here (either form), or null for other entries. */
export function profileIdOf(account: string): string | null {
  return parseAccount(account)?.profileId ?? null;
}
