/**
 * An in-memory `window.tessera` for component tests. It implements the contract's
 * shapes faithfully enough for the views (profiles, token status, copy, cases with
 * facets, sync progress events) and records every call. The real core is covered by
 * the e2e suite; here we test the renderer's behaviour in isolation.
 */
import type { TesseraBridge, TesseraEvent } from '../../src-shared/contract.js';
import type { CopyFormat, CopyOrigin } from '../../src-shared/token-formats.js';
import type {
  AwsAccess,
  AwsAccessRequest,
  AwsCommandCopy,
  AwsCommandKind,
  IcaProjectSummary,
  AddProfileInput,
  Icav2ConfigFacts,
  Icav2AppImport,
  ProfileFile,
  CaseDetail,
  CaseReport,
  CaseQuery,
  CaseSearchResult,
  CaseFacets,
  CaseSummary,
  Facet,
  ProfileView,
  Settings,
  SettingsPatch,
  TestDefinition,
  TokenStatus,
  VaultState,
  VaultUnlockOptions,
} from '../../src-shared/schemas.js';

export class FakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function profile(name: string, patch: Partial<ProfileView> = {}): ProfileView {
  const now = new Date().toISOString();
  return {
    name,
    domain: `${name}-lab`,
    region: 'us',
    credentialKind: 'api-key',
    icaUrl: 'https://ica.illumina.com/ica/rest',
    tssUrl: `https://${name}-lab.trusight.illumina.com`,
    customUrls: false,
    includeIdentifiers: false,
    createdAt: now,
    updatedAt: now,
    key: { fingerprint: 'ab12', storedAt: now },
    ...patch,
  };
}

export function tokenStatus(name: string, minutesLeft = 42): TokenStatus {
  const exp = Math.floor(Date.now() / 1000) + minutesLeft * 60;
  return {
    profile: name,
    expiresAt: new Date(exp * 1000).toISOString(),
    source: 'minted',
    grant: 'api-key',
    claims: { exp, iat: exp - 3600, nbf: exp - 3600, aud: ['ica'], tenantId: 'tenant-1', tns: 'lab', gty: 'api_key', sub: 'user-1' },
    skewSeconds: 0,
  };
}

const STATUSES = ['New', 'In Progress', 'Complete', 'Canceled'];
const SUBSTATES = ['READY_FOR_REVIEW', 'PROCESSING', 'DELIVERED'];

export function makeCases(n: number, tests: TestDefinition[]): CaseSummary[] {
  const out: CaseSummary[] = [];
  for (let i = 0; i < n; i++) {
    const t = tests[i % tests.length]!;
    out.push({
      id: `id-${i}`,
      displayId: `CASE-${String(i + 1).padStart(6, '0')}`,
      status: STATUSES[i % STATUSES.length]!,
      subState: SUBSTATES[i % SUBSTATES.length]!,
      testDefinition: { id: t.id, name: t.name },
      tags: i % 5 === 0 ? ['urgent'] : [],
      createdDate: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
      updatedDate: new Date(Date.UTC(2024, 6, 1) + i * 3_600_000).toISOString(),
    });
  }
  return out;
}

function facet(items: CaseSummary[], pick: (c: CaseSummary) => string | undefined): Facet[] {
  const counts = new Map<string, number>();
  for (const c of items) {
    const v = pick(c);
    if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
}

type Handler = (...args: unknown[]) => unknown;

export class FakeBridge implements TesseraBridge {
  profiles: ProfileView[] = [];
  tokens = new Map<string, TokenStatus>();
  settings: Settings = { minTtlSeconds: 300, clipboardClearSeconds: 30, idleLockMinutes: 15, globalShortcut: 'CommandOrControl+Shift+T', theme: 'system', requestTimeoutSeconds: 30, syncAuditDays: 0, syncReports: 'off' };
  tests: TestDefinition[] = [
    { id: 't-wgs', name: 'Whole genome', version: '2', reports: [{ id: 'r1' }] },
    { id: 't-exome', name: 'Exome', version: '1', reports: [] },
  ];
  cases: CaseSummary[] = makeCases(1000, this.tests);
  locked = false;
  /** The file vault (null: the OS keychain). `locked`/`new` make the app locked until unlockVault. */
  vault: VaultState | null = null;
  /** The passphrase that opens the fake vault (set by a create). */
  vaultPassphrase: string | null = null;
  calls: { method: string; args: unknown[] }[] = [];
  /** Per-method overrides: throw or return something else. */
  overrides: Partial<Record<string, Handler>> = {};
  /** Resolves searchCases only when released (for latest-wins tests). */
  searchGate: (() => Promise<void>) | null = null;
  private listeners = new Set<(e: TesseraEvent) => void>();

  emit(event: TesseraEvent): void {
    for (const l of this.listeners) l(event);
  }

  onEvent(listener: (e: TesseraEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async run<T>(method: string, args: unknown[], body: () => T | Promise<T>): Promise<T> {
    this.calls.push({ method, args });
    const o = this.overrides[method];
    if (o) return (await o(...args)) as T;
    return body();
  }

  callsTo(method: string) {
    return this.calls.filter((c) => c.method === method);
  }

  private find(name: string): ProfileView {
    const p = this.profiles.find((x) => x.name === name);
    if (!p) throw new FakeError('PROFILE_NOT_FOUND', `No profile named ${name}`);
    return p;
  }

  listProfiles = () => this.run('listProfiles', [], () => [...this.profiles]);
  addProfile = (input: AddProfileInput) =>
    this.run('addProfile', [input], () => {
      const p = profile(input.name, { domain: input.domain, region: 'us' });
      this.profiles.push(p);
      return p;
    });
  updateProfile = (name: string, patch: object) =>
    this.run('updateProfile', [name, patch], () => {
      const p = { ...this.find(name), ...patch } as ProfileView;
      this.profiles = this.profiles.map((x) => (x.name === name ? p : x));
      return p;
    });
  removeProfile = (name: string) =>
    this.run('removeProfile', [name], () => {
      this.profiles = this.profiles.filter((p) => p.name !== name);
    });
  replaceCredential = (name: string, credential: object, options?: object) =>
    this.run('replaceCredential', options ? [name, credential, options] : [name, credential], () => {
      const { needsKey: _, ...rest } = this.find(name);
      const p = { ...rest, key: { fingerprint: 'new1', storedAt: new Date().toISOString() } };
      this.profiles = this.profiles.map((x) => (x.name === name ? p : x));
      return p;
    });
  /** What findIcav2Config answers (no file by default). */
  icav2: Icav2ConfigFacts = { path: '/home/me/.icav2/config.yaml', found: false, serverHost: null, icaUrl: null, hasKey: false };
  exportProfiles = (names?: string[]) =>
    this.run('exportProfiles', [names], (): ProfileFile => ({ format: 'tessera-profiles', version: 1, profiles: [] }));
  importProfiles = (text: string) =>
    this.run('importProfiles', [text], () => {
      const file = JSON.parse(text) as ProfileFile;
      const created = file.profiles.map((e) => ({ ...profile(e.name, { domain: e.domain, region: 'us' }), needsKey: true, key: { fingerprint: '', storedAt: new Date().toISOString() } }));
      this.profiles.push(...created);
      return created;
    });
  findIcav2Config = () => this.run('findIcav2Config', [], () => ({ ...this.icav2 }));
  importIcav2 = (options: Icav2AppImport) =>
    this.run('importIcav2', [options], () => {
      const p = profile(options.name, { domain: options.domain ?? 'from-token', region: 'us' });
      this.profiles.push(p);
      return { profile: p, path: this.icav2.path, domainFrom: options.domain ? ('option' as const) : ('token' as const), scrubbed: options.scrub === true };
    });
  copySnippet = (name: string, snippet: string) =>
    this.run('copySnippet', [name, snippet], () => {
      this.find(name);
    });
  getTokenStatus = (name: string) => this.run('getTokenStatus', [name], () => this.tokens.get(name) ?? null);
  ensureToken = (name: string, options?: object) =>
    this.run('ensureToken', [name, options], () => {
      const s = tokenStatus(name);
      this.tokens.set(name, s);
      return s;
    });
  revealToken = (name: string, options?: object) =>
    this.run('revealToken', [name, options], () => {
      const s = tokenStatus(name);
      this.tokens.set(name, s);
      return { token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln', status: s };
    });
  copyToken = (name: string, format: CopyFormat, origin?: CopyOrigin) =>
    this.run('copyToken', origin === undefined ? [name, format] : [name, format, origin], () => {
      this.find(name);
      return { profile: name, format, origin: origin ?? 'window', expiresAt: tokenStatus(name).expiresAt, clearsAt: new Date(Date.now() + 30_000).toISOString() };
    });
  icaProjects: IcaProjectSummary[] = [
    { id: '5b1a3c1e-8f0e-4c1a-9d6e-2f3b4c5d6e7f', name: 'Oncology Validation', region: 'US' },
    { id: '7c2b4d2f-9a1f-4d2b-8e7f-3a4b5c6d7e8f', name: 'Pipeline Development', region: 'EU' },
  ];
  listIcaProjects = (name: string) =>
    this.run('listIcaProjects', [name], () => {
      this.find(name);
      return [...this.icaProjects];
    });
  ensureAwsAccess = (name: string, request: AwsAccessRequest) =>
    this.run('ensureAwsAccess', [name, request], (): AwsAccess => {
      this.find(name);
      const project = this.icaProjects.find((p) => p.id === request.project || p.name === request.project);
      if (!project) throw new FakeError('PROJECT_NOT_FOUND', `No ICA project named "${request.project}" in this tenant.`);
      const path = `/${request.path.split('/').filter(Boolean).join('/')}/`;
      const prefix = `tenant/${project.id}${path}`;
      const awsProfile = `${name}-${project.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${path.split('/').filter(Boolean).join('-')}${request.readOnly ? '-ro' : ''}`;
      const selection = `${name} --project ${project.id} --path ${path}${request.readOnly ? ' --read-only' : ''}`;
      return {
        projectId: project.id,
        projectName: project.name,
        path,
        readOnly: request.readOnly === true,
        bucket: 'stratus-gds-use1',
        prefix,
        region: 'us-east-1',
        s3Uri: `s3://stratus-gds-use1/${prefix}`,
        expiresAt: '2030-01-02T11:00:00.000Z',
        awsProfile,
        commands: {
          awsLs: `aws s3 ls s3://stratus-gds-use1/${prefix} --profile ${awsProfile}`,
          credentialProcess: `credential_process = tessera aws-credentials ${selection}`,
          awsConfig: `tessera aws-config ${selection} --name ${awsProfile}`,
        },
      };
    });
  copyAwsCommand = (name: string, request: AwsAccessRequest, kind: AwsCommandKind) =>
    this.run('copyAwsCommand', [name, request, kind], (): AwsCommandCopy => {
      this.find(name);
      return { kind, clearsAt: new Date(Date.now() + 30_000).toISOString() };
    });
  getSettings = () => this.run('getSettings', [], () => ({ ...this.settings }));
  updateSettings = (patch: SettingsPatch) =>
    this.run('updateSettings', [patch], () => {
      // As the core: a null removes the setting.
      this.settings = Object.fromEntries(Object.entries({ ...this.settings, ...patch }).filter(([, v]) => v !== null)) as Settings;
      return { ...this.settings };
    });
  doctor = () => this.run('doctor', [], () => ({ ok: true, dataDir: '/tmp/x', secretBackend: 'keychain' as const, checks: [{ name: 'keychain', ok: true, detail: 'reachable' }] }));
  getAppInfo = () => this.run('getAppInfo', [], () => ({ version: 'test', platform: 'linux', dataDir: '/tmp/x', locked: this.locked || this.vault === 'locked' || this.vault === 'new', vault: this.vault, versions: {} }));
  listTests = (name: string) => this.run('listTests', [name], () => ({ data: this.tests, syncedAt: '2025-01-01T00:00:00Z', stale: false, offline: false }));
  private matching(query: CaseQuery): CaseSummary[] {
    const text = query.text?.toLowerCase();
    return this.cases.filter(
      (c) =>
        (!text || c.displayId.toLowerCase().includes(text)) &&
        (!query.status?.length || query.status.includes(c.status)) &&
        (!query.testId?.length || query.testId.includes(c.testDefinition?.id ?? '')),
    );
  }
  searchCases = (name: string, query: CaseQuery) =>
    this.run('searchCases', [name, query], async (): Promise<CaseSearchResult> => {
      if (this.searchGate) await this.searchGate();
      let items = this.matching(query);
      if (query.sort === 'displayId') items = [...items].sort((a, b) => a.displayId.localeCompare(b.displayId) * (query.order === 'desc' ? -1 : 1));
      const offset = query.offset ?? 0;
      return {
        items: items.slice(offset, offset + (query.limit ?? 50)),
        total: items.length,
        syncedAt: '2025-01-01T00:00:00Z',
        stale: false,
        offline: false,
      };
    });
  /** Resolves caseFacets only when released (for out-of-order answers). */
  facetsGate: ((query: CaseQuery) => Promise<void>) | null = null;
  caseFacets = (name: string, query: CaseQuery) =>
    this.run('caseFacets', [name, query], async (): Promise<CaseFacets> => {
      if (this.facetsGate) await this.facetsGate(query);
      const items = this.matching(query);
      return { status: facet(items, (c) => c.status), subState: facet(items, (c) => c.subState), test: facet(items, (c) => c.testDefinition?.id) };
    });
  getCase = (name: string, id: string) =>
    this.run('getCase', [name, id], () => {
      const c = this.cases.find((x) => x.id === id || x.displayId === id);
      if (!c) throw new FakeError('NOT_FOUND', 'No such case');
      const detail: CaseDetail = { ...c, caseSubjects: [{ relationshipToProband: 'PROBAND', samples: [{ externalSampleId: 'S-1', sampleType: 'Blood' }] }], raw: { id: c.id } };
      return { data: detail, syncedAt: '2025-01-01T00:00:00Z', stale: false, offline: false };
    });
  /** Reports by case id; a case without one answers `available: false` like a case without a report on the server. */
  reports = new Map<string, CaseReport>();
  getReport = (name: string, id: string) =>
    this.run('getReport', [name, id], () => {
      const c = this.cases.find((x) => x.id === id || x.displayId === id);
      if (!c) throw new FakeError('NOT_FOUND', 'No such case');
      const data: CaseReport = this.reports.get(c.id) ?? { caseId: c.id, displayId: c.displayId, available: false, unavailableReason: '404', reportTypes: [], versions: {}, fetchedAt: '2025-01-01T00:00:00Z', raw: {} };
      return { data, syncedAt: data.fetchedAt, stale: false, offline: false };
    });
  /** What exportReportPdf was asked to write (the fake writes nothing). */
  exported: Array<{ id: string; reportTypeId: string; open: boolean }> = [];
  exportReportPdf = (name: string, id: string, reportTypeId: string, options?: { open?: boolean }) =>
    this.run('exportReportPdf', [name, id, reportTypeId, options], () => {
      this.exported.push({ id, reportTypeId, open: options?.open === true });
      return { saved: true, fileName: `${id}.pdf` };
    });
  getCacheStatus = (name: string) => this.run('getCacheStatus', [name], () => ({ profile: name, syncedAt: '2025-01-01T00:00:00Z', cases: this.cases.length, tests: this.tests.length, syncing: false, includeIdentifiers: false }));
  sync = (name: string) =>
    this.run('sync', [name], () => ({ profile: name, tests: this.tests.length, cases: this.cases.length, removed: 0, syncedAt: new Date().toISOString(), durationMs: 5 }));
  cancelSync = (name: string) => this.run('cancelSync', [name], () => undefined);
  // The renderer shows no audit log yet; an empty cached answer keeps the bridge complete.
  listAuditEvents = (name: string) => this.run('listAuditEvents', [name], () => ({ data: [], window: null, syncedAt: null, stale: false, offline: false }));
  startDemo = () =>
    this.run('startDemo', [], () => {
      const p = profile('demo', { domain: 'demo-lab', isDemo: true });
      this.profiles.push(p);
      return p;
    });
  lock = () =>
    this.run('lock', [], () => {
      this.locked = true;
      if (this.vault === 'open') this.vault = 'locked';
      this.emit(this.vault ? { type: 'locked', vault: this.vault } : { type: 'locked' });
    });
  unlock = () =>
    this.run('unlock', [], () => {
      if (this.vault === 'locked' || this.vault === 'new') throw new FakeError('VAULT_LOCKED', 'The file vault is locked: enter its passphrase to unlock Tessera.');
      this.locked = false;
      this.emit({ type: 'unlocked' });
    });
  unlockVault = (passphrase: string, options?: VaultUnlockOptions) =>
    this.run('unlockVault', [passphrase, options], () => {
      if (this.vault === null) throw new FakeError('INVALID_INPUT', 'No file vault here.');
      if (this.vault === 'new') {
        if (!options?.create) throw new FakeError('VAULT_LOCKED', 'There is no file vault yet: choose a passphrase and confirm it to create one.');
        this.vaultPassphrase = passphrase;
      } else if (passphrase !== this.vaultPassphrase) {
        throw new FakeError('VAULT_BAD_PASSPHRASE', 'The passphrase does not open the file vault.');
      }
      this.vault = 'open';
      this.locked = false;
      this.emit({ type: 'unlocked' });
    });
}
