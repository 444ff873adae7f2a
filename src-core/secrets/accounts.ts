/**
 * Account names under the keychain service `Tessera` (and in the file vault).
 * They use the profile's stable id, so a profile's entries are found and removed together.
 */
export const SECRET_SERVICE = 'Tessera';

export const accounts = {
  /** The API key, or the password of a Basic profile. */
  credential: (profileId: string) => `profile/${profileId}/credential`,
  /** The cached JWT with its expiry, shared by the app and the CLI. */
  token: (profileId: string) => `profile/${profileId}/token`,
  /** 32 random bytes (base64) that encrypt the profile's offline cache. */
  cacheKey: (profileId: string) => `profile/${profileId}/cache-key`,
  /**
   * Temporary AWS credentials for ICA project data: one JSON map per profile, keyed by
   * project, folder and mode (aws/credentials.ts), so removal finds them in one account.
   */
  awsCredentials: (profileId: string) => `profile/${profileId}/aws-credentials`,
  /** Every account of a profile, for removal. */
  all: (profileId: string) => [accounts.credential(profileId), accounts.token(profileId), accounts.cacheKey(profileId), accounts.awsCredentials(profileId)],
} as const;

/** The profile id in an account name made by `accounts`, or null for other entries (e.g. a probe). */
export function profileIdOf(account: string): string | null {
  return /^profile\/([^/]+)\/[^/]+$/.exec(account)?.[1] ?? null;
}
