/**
 * From TSS JSON to what the cache stores and indexes.
 *
 * Patient identifiers: unless the profile opted in, every `caseSubjects[].subject` is
 * reduced to a short allow-list (`id`, `gender`) before anything is stored, whatever
 * the server sent. An allow-list rather than a deny-list, because a tenant may add
 * identifying fields (middle name, address) that we have never seen.
 */
import type { CaseReport, CaseSummary, ReportTypeView, ReportVariant, TestDefinition } from '../../src-shared/schemas.js';
import { normalizeDate } from './dates.js';
import type { TssCase, TssReport, TssTestDefinition } from './schemas.js';
import { isJsonObject, type JsonObject } from '../json.js';

/** A case as the cache stores it: the contract's summary fields plus the server's JSON. */
export interface CaseInput extends CaseSummary {
  /** The server's JSON for this case, identifiers removed unless the profile opted in. */
  json: Record<string, unknown>;
}

const SAFE_SUBJECT_KEYS: ReadonlySet<string> = new Set(['id', 'gender']);

function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

function date(v: unknown): string | undefined {
  const t = text(v);
  return t ? (normalizeDate(t) ?? undefined) : undefined;
}

/** A copy of a case's JSON with every subject reduced to non-identifying fields. */
export function redactIdentifiers(json: JsonObject): JsonObject {
  const subjects = json.caseSubjects;
  if (!Array.isArray(subjects)) return json;
  return {
    ...json,
    caseSubjects: subjects.map((cs: unknown) => {
      if (!isJsonObject(cs) || !isJsonObject(cs.subject)) return cs;
      const subject: JsonObject = {};
      for (const [k, v] of Object.entries(cs.subject)) if (SAFE_SUBJECT_KEYS.has(k)) subject[k] = v;
      return { ...cs, subject };
    }),
  };
}

export function tagsOf(json: JsonObject): string[] {
  const raw = Array.isArray(json.tags) ? json.tags : [];
  const out: string[] = [];
  for (const t of raw) {
    const value = typeof t === 'string' ? t.trim() : isJsonObject(t) ? (text(t.name) ?? text(t.value)) : undefined;
    if (value && !out.includes(value)) out.push(value);
  }
  return out;
}

export function toCaseInput(c: TssCase, includeIdentifiers: boolean): CaseInput {
  const json: JsonObject = includeIdentifiers ? (c as JsonObject) : redactIdentifiers(c as JsonObject);
  const td = c.testDefinition;
  const input: CaseInput = {
    id: c.id.trim(),
    displayId: c.displayId.trim(),
    status: c.status,
    tags: tagsOf(json),
    json,
  };
  const subState = text(c.subState);
  if (subState) input.subState = subState;
  if (td) {
    input.testDefinition = { id: td.id.trim() };
    const name = text(td.name);
    const type = text(td.type);
    if (name) input.testDefinition.name = name;
    if (type) input.testDefinition.type = type;
  }
  for (const key of ['createdDate', 'updatedDate', 'dueDate', 'completedDate'] as const) {
    const d = date(c[key]);
    if (d) input[key] = d;
  }
  return input;
}

/** What the full-text index holds besides the summary columns. */
export interface SearchFields {
  /** externalSampleId and externalSampleName of every sample. */
  samples: string[];
  /** First and last names and MRNs; empty unless identifiers are included. */
  identifiers: string[];
}

export function searchFieldsOf(json: JsonObject | null | undefined, includeIdentifiers: boolean): SearchFields {
  const samples: string[] = [];
  const identifiers: string[] = [];
  const subjects = json && Array.isArray(json.caseSubjects) ? json.caseSubjects : [];
  for (const cs of subjects) {
    if (!isJsonObject(cs)) continue;
    for (const s of Array.isArray(cs.samples) ? cs.samples : []) {
      if (!isJsonObject(s)) continue;
      for (const v of [text(s.externalSampleId), text(s.externalSampleName)]) if (v && !samples.includes(v)) samples.push(v);
    }
    if (includeIdentifiers && isJsonObject(cs.subject)) {
      for (const v of [text(cs.subject.firstName), text(cs.subject.lastName), text(cs.subject.mrn)]) {
        if (v && !identifiers.includes(v)) identifiers.push(v);
      }
    }
  }
  return { samples, identifiers };
}

export function toTestDefinition(t: TssTestDefinition): TestDefinition & { raw: JsonObject } {
  const out: TestDefinition & { raw: JsonObject } = {
    id: t.id.trim(),
    name: text(t.name) ?? t.id.trim(),
    reports: (t.reports ?? []).map((r) => ({ id: r.id.trim() })),
    raw: t as JsonObject,
  };
  const version = text(t.version);
  const type = text(t.type) ?? text(t.testType);
  if (version) out.version = version;
  if (type) out.type = type;
  return out;
}

// ---- case reports ----

/** A report as the cache stores it: the views the faces show, and the text the search indexes. */
export interface ReportInput {
  reportTypes: Omit<ReportTypeView, 'pdfCached'>[];
  versions: CaseReport['versions'];
  raw: JsonObject;
  /** Genes, HGVS notations and transcripts of every reported variant, one variant after another. */
  searchText: string;
}

function position(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function variantOf(v: TssReport['reportTypes'] extends (infer R)[] | null | undefined ? R : never): ReportVariant[] {
  const out: ReportVariant[] = [];
  for (const raw of v.reportDetails?.variants ?? []) {
    const t = raw.transcript ?? undefined;
    const variant: ReportVariant = { consequences: (t?.consequences ?? []).filter((c) => c.trim() !== '') };
    const fields: Array<[keyof ReportVariant, unknown]> = [
      ['gene', raw.gene],
      ['chromosome', raw.chromosome],
      ['refAllele', raw.refAllele],
      ['altAllele', raw.altAllele],
      ['transcript', t?.name],
      ['hgvsc', t?.hgvsc],
      ['hgvsp', t?.hgvsp],
      ['exons', t?.exons],
      ['proteinId', t?.proteinId],
    ];
    for (const [k, value] of fields) {
      const s = text(value);
      if (s) (variant as unknown as Record<string, unknown>)[k] = s;
    }
    const start = position(raw.start);
    const stop = position(raw.stop);
    if (start !== undefined) variant.start = start;
    if (stop !== undefined) variant.stop = stop;
    out.push(variant);
  }
  return out;
}

/** The searchable words of one variant: gene, HGVS c. and p., transcript. */
export function variantSearchText(v: ReportVariant): string {
  return [v.gene, v.hgvsc, v.hgvsp, v.transcript].filter(Boolean).join(' ');
}

/** How a variant is named in a search hit: `BRCA1 c.5266dupC`. */
export function variantLabel(v: ReportVariant): string {
  return [v.gene, v.hgvsc ?? v.hgvsp].filter(Boolean).join(' ');
}

export function toReportInput(report: TssReport): ReportInput {
  const reportTypes = (report.reportTypes ?? []).map((rt) => {
    const d = rt.reportDetails ?? undefined;
    const view: Omit<ReportTypeView, 'pdfCached'> = { variants: variantOf(rt) };
    const fields: Array<[keyof ReportTypeView, unknown]> = [
      ['id', rt.id],
      ['reportType', rt.reportType],
      ['reportTypeId', rt.reportTypeId],
      ['reportId', d?.reportId],
      ['name', d?.name],
      ['status', d?.status],
      ['subState', d?.subState],
      ['editStatus', d?.editStatus],
    ];
    for (const [k, value] of fields) {
      const s = text(value);
      if (s) (view as unknown as Record<string, unknown>)[k] = s;
    }
    return view;
  });
  const versions: CaseReport['versions'] = {};
  const tss = text(report.truSightSoftwareSuiteVersion);
  const dragen = text(report.dragenVersion);
  if (tss) versions.truSightSoftwareSuite = tss;
  if (dragen) versions.dragen = dragen;
  const words: string[] = [];
  for (const rt of reportTypes) {
    for (const v of rt.variants) {
      const w = variantSearchText(v);
      if (w && !words.includes(w)) words.push(w);
    }
  }
  return { reportTypes, versions, raw: report as JsonObject, searchText: words.join(' ; ') };
}
