/**
 * The offline cache from the shell:
 *
 *   tessera sync <name> [--audit-days <n>] [--allow-mass-removal] [--reports [json|json+pdf]]
 *   tessera tests <name> [--json]
 *   tessera cases <name> [--search <text>] [--status <s>] [--test <id>] [--limit <n>] [--json] [--offline]
 *   tessera case <name> <displayId|id> [--json]
 *   tessera audit <name> [--case <displayId|id>] [--limit <n>] [--json]
 *
 * Results go to stdout (a table, or JSON with --json); progress and notices such as
 * "offline, showing data from …" go to stderr, so pipes get data only. SQLite is
 * loaded by the core on the first cache call, never by `tessera token`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BOUNDS, CASE_STATUSES, CASE_SUB_STATES, SYNC_REPORTS, resolveStatuses, type SyncReports } from '../../src-shared/rules.js';
import { TesseraError } from '../../src-core/index.js';
import type { AuditEvent, CaseDetail, CaseSummary, Freshness, SyncOptions, SyncProgress } from '../../src-shared/schemas.js';
import type { TesseraCore } from '../../src-core/index.js';
import type { CliContext, Registrar } from '../context.js';
import { ago, table } from '../format.js';
import { range, wholeNumberOption } from '../options.js';

const STALE_HINT_MS = 24 * 3600_000;

const parseLimit = wholeNumberOption(BOUNDS.caseListLimit);
/** The core answers at most this many cases per call; longer lists are read page by page. */
const PAGE = BOUNDS.caseLimit.max;

/** Repeatable options that also accept comma-separated values ("--status New,Draft"). */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

const parseAuditDays = wholeNumberOption(BOUNDS.syncAuditDays);

function parseReports(value: string): SyncReports {
  const v = value.trim().toLowerCase();
  if ((SYNC_REPORTS as readonly string[]).includes(v)) return v as SyncReports;
  throw new InvalidArgumentError(`Choose one of ${SYNC_REPORTS.join(', ')}.`);
}
const parseAuditLimit = wholeNumberOption(BOUNDS.auditLimit);

const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');

function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : 'never';
}

/**
 * Says on stderr how old the data is: always when offline or older than a day, and on a
 * terminal for every read ("live from the server", "data from 4 min ago"); scripts read
 * the same in the `--json` (case) and `--ndjson` (cases) output.
 * `live`: the read asked the server (tests, case), rather than only the cache (cases).
 */
export async function notice(ctx: CliContext, name: string, f: Freshness, forcedOffline: boolean, live = false): Promise<void> {
  if (f.syncedAt === null) {
    await ctx.err(`tessera: the offline cache of ${name} is empty; run \`tessera sync ${name}\` while online.\n`);
    return;
  }
  if (f.offline || forcedOffline) {
    await ctx.err(`tessera: offline, showing data from ${when(f.syncedAt)}\n`);
  } else if (f.stale && Date.now() - Date.parse(f.syncedAt) > STALE_HINT_MS) {
    await ctx.err(`tessera: showing data from ${when(f.syncedAt)}; run \`tessera sync ${name}\` to refresh it.\n`);
  } else if (process.stderr.isTTY) {
    await ctx.err(live ? `tessera: live from the server (cache of ${name} synced ${ago(f.syncedAt)})\n` : `tessera: data from ${ago(f.syncedAt)} (synced ${when(f.syncedAt)})\n`);
  }
}

/** How old the data is, for JSON output: `source` is "server" when this read asked the server, else "cache". */
function freshnessJson(f: Freshness, forcedOffline: boolean, live = false): { source: 'server' | 'cache'; syncedAt: string | null; offline: boolean; stale: boolean } {
  const offline = f.offline || forcedOffline;
  return { source: live && !offline ? 'server' : 'cache', syncedAt: f.syncedAt, offline, stale: f.stale };
}

/** A JSON array written element by element, byte for byte what `JSON.stringify(array, null, 2)` prints. */
function jsonArrayWriter(ctx: CliContext): { write(items: unknown[]): Promise<void>; end(): Promise<void> } {
  let count = 0;
  return {
    async write(items) {
      if (items.length === 0) return;
      const body = items.map((i) => `  ${JSON.stringify(i, null, 2).replace(/\n/g, '\n  ')}`).join(',\n');
      await ctx.out(`${count === 0 ? '[\n' : ',\n'}${body}`);
      count += items.length;
    },
    async end() {
      await ctx.out(count === 0 ? '[]\n' : '\n]\n');
    },
  };
}

function summaryJson(c: CaseSummary): CaseSummary {
  return {
    id: c.id,
    displayId: c.displayId,
    status: c.status,
    ...(c.subState !== undefined ? { subState: c.subState } : {}),
    ...(c.testDefinition ? { testDefinition: c.testDefinition } : {}),
    tags: c.tags,
    ...(c.createdDate ? { createdDate: c.createdDate } : {}),
    ...(c.updatedDate ? { updatedDate: c.updatedDate } : {}),
    ...(c.dueDate ? { dueDate: c.dueDate } : {}),
    ...(c.completedDate ? { completedDate: c.completedDate } : {}),
    ...(c.match ? { match: c.match } : {}),
  };
}

/** Progress on stderr: a redrawn bar on a terminal, a plain line per phase and every tenth otherwise. */
function progressPrinter(ctx: CliContext, name: string): { update(p: SyncProgress): void; end(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let lastPhase = '';
  let lastTenth = -1;
  let drawn = false;
  return {
    update(p) {
      if (p.profile !== name || p.phase === 'done' || p.phase === 'failed' || p.phase === 'cancelled') return;
      // A kept removal is reported once, after the summary, with what to do about it.
      if (p.phase === 'cleanup' && p.message) return;
      const label = p.message ?? (p.phase === 'tests' ? 'test definitions' : p.phase === 'cleanup' ? 'removing deleted cases' : 'cases');
      if (tty) {
        const width = 30;
        const fraction = p.total ? Math.min(1, p.done / p.total) : 0;
        const filled = Math.round(fraction * width);
        const count = p.total ? `${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}` : p.done ? p.done.toLocaleString('en') : '';
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${label} ${count}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = p.total ? Math.floor((p.done / p.total) * 10) : 0;
      if (p.phase === lastPhase && tenth === lastTenth) return;
      lastPhase = p.phase;
      lastTenth = tenth;
      void ctx.err(`tessera: sync ${name}: ${label} ${p.done}${p.total !== null ? `/${p.total}` : ''}\n`);
    },
    end() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

async function runSync(ctx: CliContext, core: TesseraCore, name: string, options?: SyncOptions): Promise<void> {
  const printer = progressPrinter(ctx, name);
  const off = core.onEvent((e) => {
    if (e.type === 'sync') printer.update(e.progress);
  });
  // The first Ctrl-C cancels cleanly (the cache stays consistent); a second one is the default: exit.
  const onInterrupt = () => {
    process.removeListener('SIGINT', onInterrupt);
    void core.cancelSync(name);
  };
  process.on('SIGINT', onInterrupt);
  try {
    const r = await core.sync(name, options);
    printer.end();
    const removed = r.removed ? `, ${r.removed} removed` : '';
    const audit = r.audit !== undefined ? `, ${r.audit} audit events` : '';
    const reports = r.reports
      ? `, ${r.reports.fetched} reports${r.reports.unavailable ? ` (${r.reports.unavailable} cases without one)` : ''}${r.reports.pdfs ? `, ${r.reports.pdfs} PDFs` : ''}`
      : '';
    await ctx.out(`synced ${r.profile}: ${r.cases} cases, ${r.tests} test definitions${removed}${audit}${reports} in ${(r.durationMs / 1000).toFixed(1)} s\n`);
    if (r.removalDeferred) {
      await ctx.err(
        `tessera: ${r.removalDeferred} cached cases of ${r.profile} are no longer listed by the server but were kept, because that is most of the cache; ` +
          `the next sync removes them if the server still does not list them (or run \`tessera sync ${r.profile} --allow-mass-removal\`).\n`,
      );
    }
  } finally {
    printer.end();
    process.removeListener('SIGINT', onInterrupt);
    off();
  }
}

function renderCase(c: CaseDetail): string {
  const lines: string[] = [];
  const field = (label: string, value: string | undefined) => {
    if (value) lines.push(`${label.padEnd(16)}${value}`);
  };
  field('Case', c.displayId);
  field('Id', c.id);
  field('Status', c.subState ? `${c.status} (${c.subState})` : c.status);
  field('Test', c.testDefinition ? `${c.testDefinition.name ?? c.testDefinition.id}${c.testDefinition.type ? ` [${c.testDefinition.type}]` : ''}` : undefined);
  field('Tags', c.tags.join(', '));
  field('Created', c.createdDate);
  field('Updated', c.updatedDate);
  field('Due', c.dueDate);
  field('Completed', c.completedDate);
  field('External id', c.externalCaseId);
  for (const [i, s] of c.caseSubjects.entries()) {
    const who = [s.subject?.firstName, s.subject?.lastName].filter(Boolean).join(' ');
    const mrn = s.subject?.mrn ? `MRN ${s.subject.mrn}` : '';
    lines.push(`Subject ${i + 1}`.padEnd(16) + [s.relationshipToProband, who, mrn].filter(Boolean).join(', '));
    for (const sample of s.samples) {
      lines.push(`${''.padEnd(18)}sample ${[sample.externalSampleId, sample.externalSampleName, sample.sampleType, sample.status].filter(Boolean).join(' · ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const registerCache: Registrar = (program: Command, ctx: CliContext) => {
  program
    .command('sync')
    .description('download the TSS test definitions and cases of a profile into its encrypted offline cache')
    .argument('<name>', 'profile name')
    .option('--audit-days <n>', `also cache this many days of audit log (${range(BOUNDS.syncAuditDays)}; overrides the syncAuditDays setting for this run)`, parseAuditDays)
    .option('--allow-mass-removal', 'remove the cases the server no longer lists even when that is most of the cache, without waiting for a confirming sync')
    .option('--reports [what]', `also keep the reports of new or changed cases offline: json (the default) or json+pdf (${SYNC_REPORTS.join(', ')}; overrides the syncReports setting for this run)`, parseReports)
    .action(async (name: string, opts: { auditDays?: number; allowMassRemoval?: boolean; reports?: SyncReports | true }) => {
      const options: SyncOptions = {
        ...(opts.auditDays !== undefined ? { auditDays: opts.auditDays } : {}),
        ...(opts.allowMassRemoval ? { allowMassRemoval: true } : {}),
        ...(opts.reports !== undefined ? { reports: opts.reports === true ? 'json' : opts.reports } : {}),
      };
      await runSync(ctx, await ctx.core(), name, Object.keys(options).length > 0 ? options : undefined);
    });

  program
    .command('tests')
    .description('list the TSS test definitions (from the offline cache, refreshed when online)')
    .argument('<name>', 'profile name')
    .option('--json', 'print a JSON array')
    .action(async (name: string, opts: { json?: boolean }) => {
      const result = await (await ctx.core()).listTests(name);
      await notice(ctx, name, result, false, true);
      if (opts.json) {
        await ctx.out(`${JSON.stringify(result.data, null, 2)}\n`);
        return;
      }
      await ctx.out(table(['ID', 'NAME', 'VERSION', 'TYPE'], result.data.map((t) => [t.id, t.name, t.version ?? '', t.type ?? ''])));
    });

  program
    .command('cases')
    .description('list and search cases in the offline cache')
    .argument('<name>', 'profile name')
    .option('--search <text>', 'words to find (prefixes of display ids, test names, statuses, tags, samples; patients when opted in)')
    .option('--status <status>', 'only this status or sub-state, in any case ("in progress", qc_warning; repeatable, or comma-separated)', collect)
    .option('--test <id>', 'only this test definition id or name (repeatable)', collect)
    .option('--limit <n>', 'at most this many cases (default 50)', parseLimit)
    .option('--all', 'every matching case (for exports: with --json or --ndjson the output is streamed)')
    .option('--json', 'print a JSON array')
    .option('--ndjson', 'print one JSON object per line: first {"freshness", "total"}, then one line per case')
    .option('--offline', 'never touch the network: read the cache only')
    .action(async (name: string, opts: { search?: string; status?: string[]; test?: string[]; limit?: number; all?: boolean; json?: boolean; ndjson?: boolean; offline?: boolean }) => {
      if (opts.all && opts.limit !== undefined) throw new TesseraError('INVALID_INPUT', 'Give --limit or --all, not both.');
      if (opts.json && opts.ndjson) throw new TesseraError('INVALID_INPUT', 'Give --json or --ndjson, not both.');
      const core = await ctx.core();
      if (!opts.offline) {
        // Refreshing the test definitions is one cheap request: it tells us whether we are online.
        const tests = await core.listTests(name);
        if (tests.syncedAt === null && !tests.offline) {
          await ctx.err(`tessera: the offline cache of ${name} is empty; syncing it first (\`tessera sync ${name}\`).\n`);
          await runSync(ctx, core, name);
        }
      }
      let testIds = opts.test;
      let statuses: { status: string[]; subState: string[] } | undefined;
      if (testIds?.length || opts.status?.length) {
        // The facets know every cached test's id and name, and every status present.
        const facets = await core.caseFacets(name, {});
        if (testIds?.length) testIds = testIds.map((t) => facets.test.find((f) => f.value === t || f.label?.toLowerCase() === t.toLowerCase())?.value ?? t);
        if (opts.status?.length) {
          const resolved = resolveStatuses(opts.status, [...CASE_STATUSES, ...facets.status.map((f) => f.value)], [...CASE_SUB_STATES, ...facets.subState.map((f) => f.value)]);
          if (resolved.problem !== null) throw new TesseraError('INVALID_INPUT', resolved.problem);
          statuses = resolved;
        }
      }
      const query = {
        ...(opts.search ? { text: opts.search } : {}),
        ...(statuses?.status.length ? { status: statuses.status } : {}),
        ...(statuses?.subState.length ? { subState: statuses.subState } : {}),
        ...(testIds?.length ? { testId: testIds } : {}),
      };
      const wanted = opts.all ? Infinity : (opts.limit ?? 50);
      // Page through the cache PAGE cases at a time, writing each page before reading the
      // next: an export of 100,000 cases never holds more than one page.
      const first = await core.searchCases(name, { ...query, offset: 0, limit: Math.min(PAGE, wanted) });
      await notice(ctx, name, first, Boolean(opts.offline));
      if (first.total === 0 && first.syncedAt !== null) {
        const filtered = Boolean(opts.search || statuses || testIds?.length);
        await ctx.err(filtered ? `tessera: no cached case of ${name} matches this search.\n` : `tessera: the offline cache of ${name} holds no cases.\n`);
      }
      const rowsOf = (items: CaseSummary[]) =>
        items.map((c) => [c.displayId, c.status, c.subState ?? '', c.testDefinition?.name ?? c.testDefinition?.id ?? '', day(c.createdDate), day(c.updatedDate), day(c.dueDate), c.match ?? '']);
      const array = opts.json ? jsonArrayWriter(ctx) : undefined;
      if (opts.ndjson) await ctx.out(`${JSON.stringify({ freshness: freshnessJson(first, Boolean(opts.offline)), total: first.total })}\n`);
      // A table is aligned over all its rows, so it is printed whole; JSON and NDJSON stream.
      const rows: string[][] = [];
      let shown = 0;
      let page = first;
      for (;;) {
        const items = page.items.slice(0, Math.max(0, wanted - shown));
        if (array) await array.write(items.map(summaryJson));
        else if (opts.ndjson) {
          if (items.length) await ctx.out(`${items.map((c) => JSON.stringify(summaryJson(c))).join('\n')}\n`);
        } else rows.push(...rowsOf(items));
        shown += items.length;
        if (items.length === 0 || shown >= wanted || shown >= page.total) break;
        page = await core.searchCases(name, { ...query, offset: shown, limit: Math.min(PAGE, wanted - shown) });
      }
      if (array) await array.end();
      else if (!opts.ndjson) {
        // What a search matched in a report ("BRCA1 c.5266dupC") gets a column when any row has it.
        const matched = rows.some((r) => r[7]);
        const header = ['DISPLAY ID', 'STATUS', 'SUBSTATE', 'TEST', 'CREATED', 'UPDATED', 'DUE', ...(matched ? ['MATCH'] : [])];
        await ctx.out(table(header, matched ? rows : rows.map((r) => r.slice(0, 7))));
      }
      if (first.total > shown) await ctx.err(`tessera: showing ${shown} of ${first.total} cases; narrow the search, raise --limit or use --all.\n`);
    });

  program
    .command('case')
    .description('show one case (from the offline cache, refreshed from the server when online)')
    .argument('<name>', 'profile name')
    .argument('<id>', 'display id (e.g. CASE-000123) or case id')
    .option('--json', 'print a JSON object')
    .action(async (name: string, id: string, opts: { json?: boolean }) => {
      const result = await (await ctx.core()).getCase(name, id);
      await notice(ctx, name, result, false, true);
      if (opts.json) {
        const { raw: _raw, ...detail } = result.data;
        // An object: a field more breaks no reader.
        await ctx.out(`${JSON.stringify({ ...detail, freshness: freshnessJson(result, false, true) }, null, 2)}\n`);
        return;
      }
      await ctx.out(renderCase(result.data));
    });

  program
    .command('audit')
    .description('list audit-log events from the offline cache, newest first (never touches the network)')
    .argument('<name>', 'profile name')
    .option('--case <id>', 'only events of this case (display id or case id)')
    .option('--limit <n>', `at most this many events (${range(BOUNDS.auditLimit)}, default 50)`, parseAuditLimit)
    .option('--json', 'print a JSON array')
    .action(async (name: string, opts: { case?: string; limit?: number; json?: boolean }) => {
      const core = await ctx.core();
      const result = await core.listAuditEvents(name, { ...(opts.case ? { caseId: opts.case } : {}), limit: opts.limit ?? 50 });
      await notice(ctx, name, result, false);
      if (result.data.length === 0 && !opts.case) {
        // The audit log is opt-in: say whether it was never fetched, or fetched and empty.
        await ctx.err(
          result.window === null
            ? `tessera: no audit log is cached for ${name}; enable it with --audit-days (\`tessera sync ${name} --audit-days 30\`) or the syncAuditDays setting.\n`
            : `tessera: the audit log of ${name} has no events in the ${result.window.days} days before ${when(result.window.syncedAt)} (the last sync that fetched it).\n`,
        );
      }
      if (opts.json) {
        await ctx.out(`${JSON.stringify(result.data, null, 2)}\n`);
        return;
      }
      await ctx.out(table(['TIME', 'EVENT', 'USER', 'ENTITY'], result.data.map(auditRow)));
    });
};

function auditRow(e: AuditEvent): string[] {
  // The case itself reads best by its display id; other entities (samples) by their own id.
  const id = e.entityId !== undefined && e.entityId === e.caseId ? (e.caseDisplayId ?? e.entityId) : e.entityId;
  const entity = [e.entityType, id].filter(Boolean).join(' ');
  return [when(e.createdDate || null), e.eventName, e.userName ?? '', entity];
}
