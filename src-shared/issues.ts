/**
 * The one way a zod issue becomes a message for a person. Structural (no zod import),
 * so every face can use it.
 *
 * Input (IPC arguments, a profile to add, settings, a query): the schema's path is an
 * internal name (`credential.apiKey`, `1.minTtlSeconds`) and is never shown; a known
 * field is named by its label, an unknown one not at all. The rules' own messages
 * (./rules.ts) name their field already; zod's generic ones ("Invalid input: expected
 * number, received string") get the label in front.
 *
 * Documents (config.json, vault.json, a server's response): the path is a location in
 * a file that someone can open, so `location: true` keeps it (`… at settings.theme`).
 */

export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/** Labels of the fields people fill in, by their path in the input (array indices left out). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Profile name',
  domain: 'Tenant domain',
  region: 'Region',
  workgroup: 'Workgroup',
  icaUrl: 'ICA base URL',
  tssUrl: 'TSS base URL',
  includeIdentifiers: 'Include patient identifiers',
  credential: 'Credential',
  'credential.kind': 'Credential type',
  'credential.apiKey': 'API key',
  'credential.username': 'E-mail',
  'credential.password': 'Password',
  apiKey: 'API key',
  username: 'E-mail',
  password: 'Password',
  minTtlSeconds: 'Minimum token lifetime',
  clipboardClearSeconds: 'Clear the clipboard after',
  idleLockMinutes: 'Lock when idle for',
  globalShortcut: 'Global shortcut',
  theme: 'Theme',
  defaultProfile: 'Default profile',
  requestTimeoutSeconds: 'Request timeout',
  syncAuditDays: 'Days of audit log',
  auditDays: 'Days of audit log',
  force: 'Force',
  text: 'Search text',
  status: 'Status',
  subState: 'Sub-state',
  testId: 'Test',
  tag: 'Tag',
  createdFrom: 'Created from',
  createdTo: 'Created to',
  sort: 'Sort',
  order: 'Order',
  offset: 'Offset',
  limit: 'Limit',
  caseId: 'Case',
  since: 'Since',
};

export interface FormatIssueOptions {
  /** The issue is about a document (a file, a response body): name the location as `at a.b.c`. */
  location?: boolean;
}

export function formatIssue(issue: IssueLike | undefined, options: FormatIssueOptions = {}): string {
  if (!issue) return 'Invalid value.';
  const message = issue.message.trim() || 'Invalid value.';
  if (options.location) return issue.path.length ? `${message} at ${issue.path.map(String).join('.')}` : message;
  const key = issue.path.filter((p) => typeof p === 'string').join('.');
  const label = FIELD_LABELS[key];
  if (!label || message.toLowerCase().includes(label.toLowerCase())) return message;
  return `${label}: ${message}`;
}
