/**
 * The TSS client (the TSS APIs as public client code uses them), over the shared HTTP helper
 * (timeouts, bounded retries on 429/5xx honouring Retry-After, typed errors that name
 * the endpoint and never a header value).
 *
 * - Credentials: an API key goes as `Authorization: ApiKey <key>` and, as public
 *   clients do, the same value in `X-Auth-Token`; a Basic profile sends its ICA JWT
 *   as `Authorization: Bearer <jwt>` (re-obtained once with `force` after a 401, in
 *   case it was revoked early). `X-ILMN-Domain` always, `X-ILMN-Workgroup` when set.
 * - Case search: v2 first, v1 on 404 (or the reverse when v1 is what worked last);
 *   the version that answered is reported through `onSearchVersion` so the profile
 *   remembers it.
 * - Every body is validated (schemas.ts; case pages and single cases by their
 *   hand-written twins in check.ts, with the schemas' messages on failure); a page that does not match is a
 *   MALFORMED_RESPONSE naming the endpoint and page, and is never written anywhere.
 *   So is a case-search page whose number is not the one asked for, or whose
 *   `totalPages` disagrees with `ceil(totalElements / size)` by more than one.
 * - Timeouts follow the `requestTimeoutSeconds` setting (through the HTTP helper),
 *   case-search pages included; only the audit log, known to be slow, waits
 *   AUDIT_TIMEOUT_SCALE times as long.
 */
import { createHash } from 'node:crypto';
import * as z from '../../src-shared/zod.js';
import { formatIssue } from '../../src-shared/issues.js';
import { TesseraError } from '../errors.js';
import { HttpStatusError } from '../http/errors.js';
import type { Http, QueryValue } from '../http/request.js';
import type { RetryPolicy } from '../http/retry.js';
import {
  TssAuditPageSchema,
  TssCasePageSchema,
  TssCaseSchema,
  TssReportEnvelopeSchema,
  TssReportSchema,
  TssTestDefinitionsSchema,
  type TssReport,
  type TssAuditPage,
  type TssCase,
  type TssCasePage,
  type TssTestDefinition,
} from './schemas.js';
import { checkCase, checkCasePage } from './check.js';

export interface CasePage {
  hash: string;
  page: TssCasePage | undefined;
}

export type TssCredential = { kind: 'api-key'; apiKey: string } | { kind: 'bearer'; token: string };
export type SearchVersion = 'v2' | 'v1';

export interface TssClientOptions {
  http: Http;
  /** `https://<domain>.<instance>` or a per-profile override (the simulator in tests). */
  baseUrl: string;
  domain: string;
  workgroup?: string;
  /** The credential for each request; `force` asks for a new bearer token after a 401. */
  credential(options?: { force?: boolean }): Promise<TssCredential>;
  /** The search version that worked last time for this profile. */
  searchVersion?: SearchVersion;
  onSearchVersion?(version: SearchVersion): void | Promise<void>;
  /** Per-attempt timeout of every call but the audit log's, case-search pages included; default the helper's (the requestTimeoutSeconds setting). */
  timeoutMs?: number;
  /** The audit log is known to be very slow (public users report it); the sync passes AUDIT_TIMEOUT_SCALE times the setting. */
  auditTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface CaseSearchParams {
  pageNumber: number;
  pageSize: number;
  displayId?: string;
  id?: string;
  testDefinitionId?: string;
  status?: string;
  subState?: string;
  tags?: string[];
}

export interface AuditSearchParams {
  fromDate: Date;
  toDate: Date;
  pageNumber: number;
  pageSize: number;
  caseId?: string;
}

export interface TssClient {
  readonly searchVersion: SearchVersion | undefined;
  testDefinitions(signal?: AbortSignal): Promise<TssTestDefinition[]>;
  searchCases(params: CaseSearchParams, signal?: AbortSignal): Promise<TssCasePage>;
  /**
   * One page of a sync with the SHA-256 of its body (base64url). When `known(hash)` says
   * the caller already stored a page with this body, the page is neither parsed nor
   * validated and `page` is undefined.
   */
  casePage(params: CaseSearchParams, known: (hash: string) => boolean, signal?: AbortSignal): Promise<CasePage>;
  getCase(id: string, directIdentifiers: boolean, signal?: AbortSignal): Promise<TssCase>;
  /** The id of the case with exactly this display id (search matches partially), or null. */
  findCaseId(displayId: string, signal?: AbortSignal): Promise<string | null>;
  auditLogs(params: AuditSearchParams, signal?: AbortSignal): Promise<TssAuditPage>;
  /** The case's report, parsed from the `jsonContent` string and validated. */
  caseReport(caseId: string, signal?: AbortSignal): Promise<TssReport>;
  /** One report type's PDF (bytes, `application/pdf`). */
  reportPdf(caseId: string, reportTypeId: string, signal?: AbortSignal): Promise<Uint8Array>;
}

/** A report JSON or PDF may be larger than a case page, but not without bound. */
export const MAX_REPORT_BYTES = 32 * 1024 * 1024;

/** The audit log's requests wait this many times `requestTimeoutSeconds` (30 s by default, so 5 minutes). */
export const AUDIT_TIMEOUT_SCALE = 10;
/** The audit timeout when the caller passes none: the scale times the setting's default. */
export const DEFAULT_AUDIT_TIMEOUT_MS = AUDIT_TIMEOUT_SCALE * 30_000;

/** `2021-10-25T14:12:06+0000`, the form public clients send to the audit service. */
export function auditDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

const isStatus = (error: unknown, status: number) => error instanceof TesseraError && error.status === status;

export function createTssClient(options: TssClientOptions): TssClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  let version: SearchVersion | undefined = options.searchVersion;

  async function headers(force: boolean): Promise<{ headers: Record<string, string>; bearer: boolean }> {
    const credential = await options.credential(force ? { force } : undefined);
    const h: Record<string, string> = { 'X-ILMN-Domain': options.domain };
    if (options.workgroup) h['X-ILMN-Workgroup'] = options.workgroup;
    if (credential.kind === 'api-key') {
      h.Authorization = `ApiKey ${credential.apiKey}`;
      h['X-Auth-Token'] = `ApiKey ${credential.apiKey}`;
    } else {
      h.Authorization = `Bearer ${credential.token}`;
    }
    return { headers: h, bearer: credential.kind === 'bearer' };
  }

  /**
   * TSS tells an unknown domain (404 TENANT_NOT_FOUND) from a credential of another
   * tenant (401): the first is the profile's domain, not a missing case or a stale id.
   */
  function tenantError(error: unknown): unknown {
    if (error instanceof HttpStatusError && error.status === 404 && error.problem?.code === 'TENANT_NOT_FOUND') {
      return new TesseraError('TENANT_NOT_FOUND', `TSS at ${base} has no tenant with domain ${options.domain}.`, { status: 404, cause: error });
    }
    if (error instanceof HttpStatusError && error.status === 401) {
      return new HttpStatusError('CREDENTIALS_REJECTED', `${error.message} (the credential is wrong, or belongs to another tenant than ${options.domain})`, {
        status: 401,
        endpoint: error.endpoint,
        ...(error.problem ? { problem: error.problem } : {}),
      });
    }
    return error;
  }

  async function get<T>(
    path: string,
    schema: z.core.$ZodType<T> | 'pdf',
    init: {
      query?: Record<string, QueryValue>;
      timeoutMs?: number;
      signal?: AbortSignal | undefined;
      maxBodyBytes?: number;
      /** The schema's hand-written twin (check.ts), for bodies read by the thousand. */
      check?: (value: unknown) => T | undefined;
      /** Whether the caller already holds this exact body (the http helper's `known`). */
      known?: (bytes: Buffer) => boolean;
    },
  ): Promise<T> {
    const call = async (force: boolean) => {
      const h = await headers(force);
      try {
        const result = await options.http({
          method: 'GET',
          url: `${base}${path}`,
          headers: h.headers,
          ...(schema === 'pdf' ? { accept: ['application/pdf'], binary: true } : { accept: ['application/json'], schema }),
          ...(init.check ? { check: init.check } : {}),
          ...(init.maxBodyBytes ? { maxBodyBytes: init.maxBodyBytes } : {}),
          ...(init.known ? { known: init.known } : {}),
          ...(init.query ? { query: init.query } : {}),
          ...((init.timeoutMs ?? options.timeoutMs) !== undefined ? { timeoutMs: init.timeoutMs ?? options.timeoutMs } : {}),
          ...(options.retry ? { retry: options.retry } : {}),
          ...(init.signal ? { signal: init.signal } : {}),
        });
        return result.body as T;
      } catch (error) {
        if (!force && h.bearer && isStatus(error, 401)) return null;
        throw tenantError(error);
      }
    };
    const first = await call(false);
    if (first !== null) return first;
    // A JWT can be revoked before it expires; one fresh token, then the server's answer stands.
    return (await call(true)) as T;
  }

  function searchPath(v: SearchVersion): string {
    return `/crs/api/${v}/cases/search`;
  }

  async function casePage(params: CaseSearchParams, known: (hash: string) => boolean, signal?: AbortSignal): Promise<CasePage> {
    const query: Record<string, QueryValue> = {
      pageNumber: params.pageNumber,
      pageSize: params.pageSize,
      displayId: params.displayId,
      id: params.id,
      testDefinitionId: params.testDefinitionId,
      status: params.status,
      subState: params.subState,
      tags: params.tags,
    };
    const order: SearchVersion[] = version === 'v1' ? ['v1', 'v2'] : ['v2', 'v1'];
    let firstError: unknown;
    for (const v of order) {
      try {
        let hash = '';
        const isKnown = (bytes: Buffer) => known((hash = createHash('sha256').update(bytes).digest('base64url')));
        const page = await get(searchPath(v), TssCasePageSchema, { query, signal, check: checkCasePage, known: isKnown });
        if (page === undefined) return { hash, page };
        if (page.number !== params.pageNumber) {
          // Storing page 3's cases as page 4 would be harmless, but a server that ignores
          // paging would make the sync believe it saw everything: refuse it.
          throw new TesseraError(
            'MALFORMED_RESPONSE',
            `GET ${base}${searchPath(v)} returned page ${page.number} when page ${params.pageNumber} was asked for`,
          );
        }
        const size = page.size || params.pageSize;
        const expectedPages = Math.ceil(page.totalElements / size);
        if (Math.abs(page.totalPages - expectedPages) > 1) {
          // The page count drives how many requests a sync makes: it must agree with the data
          // (one page of slack for a total that changed between two counts on the server).
          throw new TesseraError(
            'MALFORMED_RESPONSE',
            `GET ${base}${searchPath(v)} claims ${page.totalPages} pages for ${page.totalElements} cases of ${size} per page`,
          );
        }
        if (version !== v) {
          version = v;
          await options.onSearchVersion?.(v);
        }
        return { hash, page };
      } catch (error) {
        if (error instanceof TesseraError && error.code === 'MALFORMED_RESPONSE') {
          throw new TesseraError('MALFORMED_RESPONSE', `${error.message} (case search, page ${params.pageNumber})`, { cause: error });
        }
        if (!isStatus(error, 404)) throw error;
        firstError ??= error;
      }
    }
    throw firstError;
  }

  async function searchCases(params: CaseSearchParams, signal?: AbortSignal): Promise<TssCasePage> {
    return (await casePage(params, () => false, signal)).page!;
  }

  return {
    get searchVersion() {
      return version;
    },

    async testDefinitions(signal) {
      const body: { items?: TssTestDefinition[]; content?: TssTestDefinition[] } = await get('/tms/api/v1/testDefinitions', TssTestDefinitionsSchema, { signal });
      return body.items ?? body.content ?? [];
    },

    searchCases,
    casePage,

    async getCase(id, directIdentifiers, signal) {
      return get(`/crs/api/v1/cases/${encodeURIComponent(id)}`, TssCaseSchema, { query: { directIdentifiers }, signal, check: checkCase });
    },

    async findCaseId(displayId, signal) {
      const wanted = displayId.trim().toLowerCase();
      const page = await searchCases({ pageNumber: 0, pageSize: 50, displayId: displayId.trim() }, signal);
      return page.content.find((c) => c.displayId.trim().toLowerCase() === wanted)?.id ?? null;
    },

    async caseReport(caseId, signal) {
      const path = `/crs/api/v1/cases/${encodeURIComponent(caseId)}/reports/json`;
      const envelope = await get(path, TssReportEnvelopeSchema, { signal, maxBodyBytes: MAX_REPORT_BYTES });
      let data: unknown;
      try {
        data = JSON.parse(envelope.jsonContent);
      } catch (error) {
        throw new TesseraError('MALFORMED_RESPONSE', `GET ${base}${path} returned a jsonContent that is not valid JSON`, { cause: error });
      }
      const parsed = z.safeParse(TssReportSchema, data);
      if (!parsed.success) {
        throw new TesseraError('MALFORMED_RESPONSE', `GET ${base}${path} returned an unexpected report (${formatIssue(parsed.error.issues[0], { location: true })})`);
      }
      return parsed.data;
    },

    async reportPdf(caseId, reportTypeId, signal) {
      const path = `/drs/v1/draftreport/case/${encodeURIComponent(caseId)}/reports/${encodeURIComponent(reportTypeId)}/pdf`;
      const bytes = await get<Uint8Array>(path, 'pdf', { signal, maxBodyBytes: MAX_REPORT_BYTES });
      if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') {
        throw new TesseraError('MALFORMED_RESPONSE', `GET ${base}${path} returned something that is not a PDF`);
      }
      return bytes;
    },

    async auditLogs(params, signal) {
      const query: Record<string, QueryValue> = {
        fromDate: auditDate(params.fromDate),
        toDate: auditDate(params.toDate),
        pageNumber: params.pageNumber,
        pageSize: params.pageSize,
        orderBy: '+createdDate',
        caseId: params.caseId,
      };
      return get('/als/api/v1/auditlogs/search', TssAuditPageSchema, {
        query,
        timeoutMs: options.auditTimeoutMs ?? DEFAULT_AUDIT_TIMEOUT_MS,
        signal,
      });
    },
  };
}
