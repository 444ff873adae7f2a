/**
 * Seeded tenants and TSS data. Cases are held as small "core" records (what search
 * filters and mutations touch); subjects and samples are derived from each case's own
 * seed when a response needs them, which keeps 200,000 cases quick to build and light
 * in memory.
 */
import { Rng, mixSeed } from './prng.js';
import type { SimAuditEvent, SimCase, SimCaseSubject, SimSample, SimTestDefinition } from './types.js';

export interface CaseCore {
  seed: number;
  seq: number;
  id: string;
  displayId: string;
  status: string;
  subState: string;
  created: number;
  updated: number;
  testIdx: number;
  tags: string[];
  ownerIdx: number;
  /** How often the case's report was edited since it was generated (reports.ts derives content and editStatus from it). */
  reportEdits: number;
}

export interface SimUserRecord {
  id: string;
  email: string;
  password?: string;
  firstName: string;
  lastName: string;
}

export type KeyState = 'active' | 'revoked' | 'forbidden';

export interface ApiKeyRecord {
  key: string;
  name: string;
  userId: string;
  state: KeyState;
}

export interface TenantState {
  domain: string;
  tenantId: string;
  name: string;
  namespace: string;
  accountId: string;
  displayPrefix: string;
  users: SimUserRecord[];
  workgroups: string[];
  keys: ApiKeyRecord[];
  testDefinitions: SimTestDefinition[];
  cases: CaseCore[];
  byId: Map<string, CaseCore>;
  nextSeq: number;
  /** Simulated time of the latest change; additions and updates move it forward. */
  clock: number;
  /** Where the generated history ends (see dataEnd). */
  dataEnd: number;
  mutations: Rng;
  seed: number;
}

const DAY = 86_400_000;

/**
 * Where the generated history ends: midnight UTC of the given day (default today), so
 * the demo's open cases are due in the coming weeks and a recent audit window holds
 * events. For one seed and one date the data is identical; tests that need it fixed
 * pass a date.
 */
export function dataEnd(at: number | string | Date = Date.now()): number {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${String(at)}`);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}
const DATA_SPAN = 3 * 365 * DAY;

const TEST_CATALOGUE: ReadonlyArray<{ name: string; type: string; testType: string; pedigree: number; reports: string[] }> = [
  { name: 'TruSight Oncology 500', type: 'ONCOLOGY', testType: 'Somatic', pedigree: 1, reports: ['Oncology Report', 'Biomarker Summary'] },
  { name: 'TruSight Oncology 500 ctDNA', type: 'ONCOLOGY', testType: 'Somatic', pedigree: 1, reports: ['Liquid Biopsy Report'] },
  { name: 'TruSight Oncology Comprehensive', type: 'ONCOLOGY', testType: 'Somatic', pedigree: 1, reports: ['Comprehensive Genomic Profile'] },
  { name: 'TruSight Tumor 170', type: 'ONCOLOGY', testType: 'Somatic', pedigree: 1, reports: ['Tumor Report'] },
  { name: 'Rare Disease Trio WGS', type: 'RARE_DISEASE', testType: 'Germline', pedigree: 3, reports: ['Trio Interpretation Report', 'Secondary Findings'] },
  { name: 'Rare Disease Singleton WGS', type: 'RARE_DISEASE', testType: 'Germline', pedigree: 1, reports: ['Singleton Report'] },
  { name: 'Rare Disease Trio WES', type: 'RARE_DISEASE', testType: 'Germline', pedigree: 3, reports: ['Exome Trio Report'] },
  { name: 'Hereditary Cancer Panel', type: 'GERMLINE', testType: 'Germline', pedigree: 1, reports: ['Hereditary Risk Report'] },
  { name: 'Cardiomyopathy Panel', type: 'GERMLINE', testType: 'Germline', pedigree: 1, reports: ['Cardio Panel Report'] },
  { name: 'Newborn Rapid WGS', type: 'RARE_DISEASE', testType: 'Germline', pedigree: 3, reports: ['Rapid Preliminary Report', 'Final Report'] },
  { name: 'Pharmacogenomics Panel', type: 'GERMLINE', testType: 'Germline', pedigree: 1, reports: ['PGx Report'] },
  { name: 'Whole Genome Quad', type: 'RARE_DISEASE', testType: 'Germline', pedigree: 4, reports: ['Family Report'] },
];

const FIRST_NAMES_F = ['Olivia', 'Emma', 'Amelia', 'Sofia', 'Mia', 'Ava', 'Isla', 'Freya', 'Chloe', 'Grace', 'Hannah', 'Leila', 'Maya', 'Nora', 'Priya', 'Zoe', 'Ingrid', 'Aiko', 'Fatima', 'Lucia'];
const FIRST_NAMES_M = ['Liam', 'Noah', 'Oliver', 'Elijah', 'James', 'Lucas', 'Mateo', 'Arjun', 'Kenji', 'Omar', 'Henrik', 'Samuel', 'Thomas', 'Daniel', 'Felix', 'Ivan', 'Jonas', 'Rafael', 'Tariq', 'Wei'];
const LAST_NAMES = ['Anderson', 'Bauer', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hughes', 'Ibrahim', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Nakamura', 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Urquhart', 'Vasquez', 'Walsh', 'Xu', 'Yilmaz', 'Zimmermann', 'Novak', 'Silva', 'Murphy', 'Khan', 'Lindqvist', 'Oconnell', 'Petrov', 'Santos', 'Nguyen', 'Müller'];
const TAGS = ['urgent', 'research', 'rerun', 'external', 'validation', 'priority', 'pediatric', 'send-out', 'clinical-trial', 'reanalysis', 'batch-a', 'batch-b'];
const PHENOTYPES = ['Seizures', 'Global developmental delay', 'Hypotonia', 'Short stature', 'Intellectual disability', 'Cardiomyopathy', 'Microcephaly', 'Failure to thrive', 'Hearing impairment', 'Ataxia'];

export const STATUSES = ['Draft', 'New', 'In Progress', 'Complete', 'Canceled', 'Deletion'] as const;

/** subStates that go with each status (the public values; the pairing is a plausible workflow). */
const SUBSTATES: Record<string, readonly string[]> = {
  Draft: ['MISSING_SAMPLE_INFORMATION'],
  New: ['MISSING_SAMPLE_INFORMATION', 'AWAITING_MOLECULAR_DATA', 'READY_FOR_PROCESSING'],
  'In Progress': ['PROCESSING', 'READY_FOR_INTERPRETATION', 'READY_FOR_REVIEW', 'REPORTS_AVAILABLE', 'READY_FOR_DELIVERY', 'DELIVERY_IN_PROGRESS', 'HAS_ISSUE', 'QC_WARNING'],
  Complete: ['DELIVERED', 'CLOSED'],
  Canceled: ['CLOSED'],
  Deletion: ['DELETION_IN_PROGRESS', 'DELETION_HAS_ISSUE'],
};

/** Older cases are mostly finished; recent ones are mostly still moving. */
function pickStatus(rng: Rng, ageFraction: number): string {
  if (ageFraction > 0.15) {
    return rng.weighted([['Complete', 74], ['In Progress', 6], ['New', 2], ['Draft', 2], ['Canceled', 12], ['Deletion', 4]]);
  }
  return rng.weighted([['Complete', 20], ['In Progress', 40], ['New', 20], ['Draft', 10], ['Canceled', 6], ['Deletion', 4]]);
}

function pickSubState(rng: Rng, status: string): string {
  return rng.pick(SUBSTATES[status] ?? ['PROCESSING']);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function buildTestDefinitions(rng: Rng, end: number): SimTestDefinition[] {
  return TEST_CATALOGUE.map((t, i) => {
    const created = end - DATA_SPAN - (i + 1) * 30 * DAY;
    return {
      id: rng.uuid(),
      name: t.name,
      version: `${rng.int(1, 4)}.${rng.int(0, 9)}.${rng.int(0, 3)}`,
      type: t.type,
      testType: t.testType,
      description: `${t.name} (simulated test definition)`,
      status: 'ACTIVE',
      pedigreeSize: t.pedigree,
      createdDate: iso(created),
      updatedDate: iso(created + rng.int(1, 400) * DAY),
      reports: t.reports.map((name) => ({ id: rng.uuid(), name })),
    };
  });
}

function newCaseCore(t: TenantState, rng: Rng, created: number, ageFraction: number): CaseCore {
  const seq = t.nextSeq++;
  const seed = mixSeed(t.seed, seq);
  const status = pickStatus(rng, ageFraction);
  const tags: string[] = [];
  const tagCount = rng.weighted([[0, 45], [1, 35], [2, 15], [3, 5]]);
  for (let k = 0; k < tagCount; k++) {
    const tag = rng.pick(TAGS);
    if (!tags.includes(tag)) tags.push(tag);
  }
  const updated = Math.min(created + Math.floor(rng.next() * 60 * DAY), Math.max(created, t.clock));
  return {
    seed,
    seq,
    id: rng.uuid(),
    displayId: `${t.displayPrefix}-${String(seq).padStart(6, '0')}`,
    status,
    subState: pickSubState(rng, status),
    created,
    updated,
    testIdx: rng.int(0, t.testDefinitions.length - 1),
    tags,
    ownerIdx: rng.int(0, t.users.length - 1),
    reportEdits: 0,
  };
}

function generateCases(t: TenantState, count: number, end: number): void {
  const rng = new Rng(mixSeed(t.seed, 0x0ca5e5));
  const start = end - DATA_SPAN;
  const step = DATA_SPAN / Math.max(count, 1);
  for (let i = 0; i < count; i++) {
    // Strictly increasing creation times: the array is then already in search order.
    const created = Math.floor(start + i * step + rng.next() * step * 0.9);
    const core = newCaseCore(t, rng, created, 1 - i / Math.max(count, 1));
    t.cases.push(core);
    t.byId.set(core.id, core);
  }
}

export interface TenantSpec {
  domain: string;
  name: string;
  displayPrefix: string;
  cases: number;
  users: Array<{ email: string; firstName: string; lastName: string; password?: boolean }>;
  workgroups: number;
  keys: number;
}

function password(rng: Rng): string {
  return `Sim-${rng.alnum(6)}-${rng.alnum(6)}!${rng.digits(2)}`;
}

export function apiKeyString(rng: Rng): string {
  return rng.alnum(40);
}

export function buildTenant(spec: TenantSpec, seed: number, userPool: Map<string, SimUserRecord>, end: number = dataEnd()): TenantState {
  const rng = new Rng(seed);
  const tenantId = rng.uuid();
  const users = spec.users.map((u) => {
    // A person who belongs to several tenants is one account: one id, one password.
    const existing = userPool.get(u.email);
    if (existing) return existing;
    const record: SimUserRecord = { id: rng.uuid(), email: u.email, firstName: u.firstName, lastName: u.lastName };
    if (u.password) record.password = password(rng);
    userPool.set(u.email, record);
    return record;
  });
  const t: TenantState = {
    domain: spec.domain,
    tenantId,
    name: spec.name,
    namespace: spec.domain.replace(/-/g, ''),
    accountId: rng.digits(10),
    displayPrefix: spec.displayPrefix,
    users,
    workgroups: Array.from({ length: spec.workgroups }, () => rng.uuid()),
    keys: [],
    testDefinitions: buildTestDefinitions(rng, end),
    cases: [],
    byId: new Map(),
    nextSeq: 1,
    clock: end,
    dataEnd: end,
    mutations: new Rng(mixSeed(seed, 0x5eed)),
    seed,
  };
  for (let k = 0; k < spec.keys; k++) {
    const owner = users[k % users.length];
    if (!owner) break;
    t.keys.push({ key: apiKeyString(rng), name: `sim-key-${k + 1}`, userId: owner.id, state: 'active' });
  }
  generateCases(t, spec.cases, end);
  return t;
}

const GENDERS = ['Female', 'Male'] as const;
const RELATIONSHIPS = ['Proband', 'Mother', 'Father', 'Sibling'];

function relationshipOf(s: number): string {
  return RELATIONSHIPS[s] ?? 'Relative';
}

function sampleTypesOf(test: SimTestDefinition): string[] {
  return test.type === 'ONCOLOGY' ? ['FFPE_DNA', 'FFPE_RNA'] : ['BLOOD'];
}

function externalSampleId(c: CaseCore, s: number, k: number): string {
  return `SMP-${String(c.seq).padStart(6, '0')}-${s + 1}${k + 1}`;
}

function externalSampleName(t: TenantState, c: CaseCore, s: number, sampleType: string): string {
  return `${t.displayPrefix}${String(c.seq).padStart(6, '0')}_${relationshipOf(s).toUpperCase()}_${sampleType}`;
}

/**
 * Patient identifiers that search filters need come from their own small stream, so
 * filtering on lastname or MRN does not build whole cases.
 */
function identityOf(c: CaseCore, pedigreeSize: number): { lastName: string; mrns: string[]; rng: Rng } {
  const rng = new Rng(mixSeed(c.seed, 1));
  const lastName = rng.pick(LAST_NAMES);
  const mrns: string[] = [];
  for (let s = 0; s < pedigreeSize; s++) mrns.push(`MRN-${rng.digits(7)}`);
  return { lastName, mrns, rng };
}

function testOf(t: TenantState, c: CaseCore): SimTestDefinition {
  const test = t.testDefinitions[c.testIdx] ?? t.testDefinitions[0];
  if (!test) throw new Error('tenant has no test definitions');
  return test;
}

/** Canceled and Deletion cases are inactive (and their reports cannot be fetched). */
export function activationStateOf(c: CaseCore): string | null {
  return c.status === 'Canceled' || c.status === 'Deletion' ? 'INACTIVE' : 'ACTIVE';
}

/** The full case, derived from its core record; `identifiers` decides whether names, MRN and DOB appear. */
export function materialize(t: TenantState, c: CaseCore, identifiers: boolean): SimCase {
  const rng = new Rng(c.seed);
  const test = testOf(t, c);
  const identity = identityOf(c, test.pedigreeSize);
  const owner = t.users[c.ownerIdx] ?? t.users[0];
  const ownerEmail = owner?.email ?? 'unknown';
  const subjects: SimCaseSubject[] = [];
  const probandBirth = test.type === 'RARE_DISEASE' ? c.created - identity.rng.int(0, 17 * 365) * DAY : c.created - identity.rng.int(25 * 365, 85 * 365) * DAY;
  for (let s = 0; s < test.pedigreeSize; s++) {
    const relationship = relationshipOf(s);
    const gender = relationship === 'Mother' ? 'Female' : relationship === 'Father' ? 'Male' : rng.pick(GENDERS);
    const samples: SimSample[] = [];
    sampleTypesOf(test).forEach((sampleType, k) => {
      const collected = c.created - rng.int(1, 20) * DAY;
      const received = rng.chance(0.9) ? collected + rng.int(1, 5) * DAY : null;
      samples.push({
        id: rng.uuid(),
        externalSampleId: externalSampleId(c, s, k),
        externalSampleName: externalSampleName(t, c, s, sampleType),
        sampleType,
        status: received === null ? 'PENDING' : 'RECEIVED',
        dateReceived: received === null ? null : iso(received),
        dateCollected: iso(collected),
      });
    });
    const phenotypes = test.type === 'RARE_DISEASE' && s === 0 ? [{ id: `HP:${rng.digits(7)}`, name: rng.pick(PHENOTYPES) }] : [];
    const subject: SimCaseSubject['subject'] = { id: rng.uuid(), gender };
    if (identifiers) {
      const firstName = identity.rng.pick(gender === 'Female' ? FIRST_NAMES_F : FIRST_NAMES_M);
      const birth = s === 0 ? probandBirth : relationship === 'Sibling' ? probandBirth - identity.rng.int(1, 6) * 365 * DAY : probandBirth - identity.rng.int(20, 40) * 365 * DAY;
      subject.firstName = firstName;
      subject.lastName = identity.lastName;
      subject.mrn = identity.mrns[s] ?? '';
      subject.dateOfBirth = isoDate(birth);
    }
    subjects.push({ id: rng.uuid(), relationshipToProband: relationship, isProband: s === 0, subject, phenotypes, samples });
  }
  const tatDays = rng.int(10, 45);
  const due = c.created + tatDays * DAY;
  const done = c.status === 'Complete';
  return {
    id: c.id,
    displayId: c.displayId,
    status: c.status,
    subState: c.subState,
    activationState: activationStateOf(c),
    createdDate: iso(c.created),
    updatedDate: iso(c.updated),
    createdBy: ownerEmail,
    updatedBy: ownerEmail,
    startDate: c.status === 'Draft' ? null : iso(c.created + DAY),
    dueDate: iso(due),
    completedDate: done ? iso(c.updated) : null,
    tat: done ? Math.max(1, Math.round((c.updated - c.created) / DAY)) : null,
    tags: [...c.tags],
    caseOwners: [ownerEmail],
    testDefinition: { id: test.id, name: test.name, type: test.type },
    testType: test.testType,
    clientId: `client-${(c.seed % 7) + 1}`,
    pedigreeSize: test.pedigreeSize,
    externalCaseId: `EXT-${(c.seed % 900000) + 100000}`,
    caseSubjects: subjects,
  };
}

/** Search results carry no patient identifiers, like the full case without `directIdentifiers`. */
export function searchView(t: TenantState, c: CaseCore): SimCase {
  return materialize(t, c, false);
}

/** Subject and sample values that search filters look at, without building the whole case. */
export function filterFacts(t: TenantState, c: CaseCore): { lastName: string; mrns: string[]; sampleIds: string[]; sampleNames: string[] } {
  const test = testOf(t, c);
  const { lastName, mrns } = identityOf(c, test.pedigreeSize);
  const sampleIds: string[] = [];
  const sampleNames: string[] = [];
  const types = sampleTypesOf(test);
  for (let s = 0; s < test.pedigreeSize; s++) {
    types.forEach((sampleType, k) => {
      sampleIds.push(externalSampleId(c, s, k));
      sampleNames.push(externalSampleName(t, c, s, sampleType));
    });
  }
  return { lastName, mrns, sampleIds, sampleNames };
}

// ---- mutations (resync tests) ----

function advanceClock(t: TenantState): number {
  t.clock += t.mutations.int(1, 90) * 60_000;
  return t.clock;
}

export function addCases(t: TenantState, n: number): CaseCore[] {
  const out: CaseCore[] = [];
  const last = t.cases[t.cases.length - 1];
  if (last && t.clock <= last.created) t.clock = last.created + 1;
  for (let i = 0; i < n; i++) {
    const created = advanceClock(t);
    const core = newCaseCore(t, t.mutations, created, 0);
    core.updated = created;
    t.cases.push(core);
    t.byId.set(core.id, core);
    out.push(core);
  }
  return out;
}

/** Moves a case along its workflow (or back, for issues): a new status, subState and updatedDate. */
export function updateCases(t: TenantState, n: number): CaseCore[] {
  const count = Math.min(n, t.cases.length);
  const chosen = pickDistinct(t, count);
  for (const c of chosen) {
    const previous = `${c.status}/${c.subState}`;
    for (let tries = 0; tries < 10 && `${c.status}/${c.subState}` === previous; tries++) {
      c.status = t.mutations.pick(STATUSES);
      c.subState = pickSubState(t.mutations, c.status);
    }
    c.updated = Math.max(advanceClock(t), c.created + 1);
    c.reportEdits++;
  }
  return chosen;
}

/** Sets a case's free-text fields to what a test chooses (hostile server content) and marks it updated. */
export function editCase(t: TenantState, idOrDisplayId: string, fields: { status?: string; subState?: string; tags?: string[] }): CaseCore {
  const c = t.byId.get(idOrDisplayId) ?? t.cases.find((x) => x.displayId === idOrDisplayId);
  if (!c) throw new Error(`no case ${idOrDisplayId} in ${t.domain}`);
  if (fields.status !== undefined) c.status = fields.status;
  if (fields.subState !== undefined) c.subState = fields.subState;
  if (fields.tags !== undefined) c.tags = [...fields.tags];
  c.updated = Math.max(advanceClock(t), c.created + 1);
  c.reportEdits++;
  return c;
}

export function removeCases(t: TenantState, n: number): CaseCore[] {
  const count = Math.min(n, t.cases.length);
  const chosen = pickDistinct(t, count);
  const gone = new Set(chosen);
  t.cases = t.cases.filter((c) => !gone.has(c));
  for (const c of chosen) t.byId.delete(c.id);
  return chosen;
}

function pickDistinct(t: TenantState, count: number): CaseCore[] {
  const picked = new Set<number>();
  while (picked.size < count) picked.add(t.mutations.int(0, t.cases.length - 1));
  return [...picked].sort((a, b) => a - b).map((i) => t.cases[i]).filter((c): c is CaseCore => c !== undefined);
}

// ---- audit log ----

export interface AuditEntry {
  at: number;
  eventName: string;
  entityType: string;
  entityId: string;
  userName: string;
  make: () => SimAuditEvent;
}

/**
 * The events one case produced: created, sample accessioned (cases past Draft) and its
 * latest status change. Objects are built only for events that survive the filters.
 */
export function auditEventsFor(t: TenantState, c: CaseCore): AuditEntry[] {
  const owner = t.users[c.ownerIdx] ?? t.users[0];
  const userName = owner?.email ?? 'unknown';
  const entry = (k: number, at: number, eventName: string, entityType: string, entityId: string, description: string): AuditEntry => ({
    at,
    eventName,
    entityType,
    entityId,
    userName,
    make: () => ({
      id: new Rng(mixSeed(c.seed, 1000 + k)).uuid(),
      createdDate: iso(at),
      userName,
      eventName,
      entityType,
      entityId,
      caseId: c.id,
      caseDisplayId: c.displayId,
      description,
    }),
  });
  const out = [entry(0, c.created, 'CASE_CREATED', 'CASE', c.id, `Case ${c.displayId} created`)];
  if (c.status !== 'Draft') {
    const sampleEntity = new Rng(mixSeed(c.seed, 77)).uuid();
    out.push(entry(1, c.created + 3_600_000, 'SAMPLE_ACCESSIONED', 'SAMPLE', sampleEntity, `Sample accessioned for ${c.displayId}`));
  }
  if (c.updated > c.created + 3_600_000) {
    out.push(entry(2, c.updated, 'CASE_STATUS_UPDATED', 'CASE', c.id, `Case ${c.displayId} moved to ${c.status} (${c.subState})`));
  }
  return out;
}
