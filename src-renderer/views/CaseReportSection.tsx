/**
 * The case's report in the detail panel: each report type with its status, edit status
 * and reported variants (a virtualised grid when the list is long), and "Save PDF…" /
 * "Open", which write patient data to disk and therefore ask first. The PDF itself is
 * written by main (the save dialog, or the system viewer); the renderer never holds it.
 */
import { useState } from 'react';
import type { CaseReport, ReportTypeView, ReportVariant } from '../../src-shared/schemas.js';
import { Badge, ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { ConfirmDialog } from '../components/Modal.js';
import { VirtualGrid, type GridColumn } from '../components/VirtualGrid.js';
import { tessera } from '../lib/bridge.js';
import { formatDateTime, humanize } from '../lib/format.js';
import { toast, toastError } from '../stores/app.js';
import type { CaseDetailState } from '../stores/cases.js';

/** Above this many variants the table is virtualised. */
export const VIRTUALISE_AFTER = 30;

/** The virtualised grid: one line per row, so the notations get a column each. */
const COLUMNS: GridColumn<ReportVariant>[] = [
  { key: 'gene', header: 'Gene', className: 'col-gene', render: (v) => <span className="mono">{v.gene ?? '—'}</span> },
  { key: 'hgvsc', header: 'HGVS c.', className: 'col-hgvs', render: (v) => <span className="mono">{v.hgvsc ?? '—'}</span> },
  { key: 'hgvsp', header: 'HGVS p.', className: 'col-hgvs', render: (v) => <span className="mono">{v.hgvsp ?? '—'}</span> },
  { key: 'position', header: 'Position', className: 'col-pos', render: (v) => <span className="mono">{v.chromosome && v.start !== undefined ? `${v.chromosome}:${v.start}` : (v.chromosome ?? '—')}</span> },
  { key: 'consequence', header: 'Consequence', className: 'col-consequence', render: (v) => humanize(v.consequences[0]) || '—' },
];

/** The short table of the narrow panel: the c. and p. notations stacked in one cell. */
const TABLE_COLUMNS: GridColumn<ReportVariant>[] = [
  COLUMNS[0]!,
  {
    key: 'hgvs',
    header: 'HGVS',
    className: 'col-hgvs',
    render: (v) => (
      <>
        <span className="mono nowrap">{v.hgvsc ?? '—'}</span>{' '}
        {v.hgvsp ? <span className="mono nowrap muted">{v.hgvsp}</span> : null}
      </>
    ),
  },
  COLUMNS[3]!,
  COLUMNS[4]!,
];

function unavailableText(reason: string | undefined): string {
  if (reason === 'inactive' || reason === '403') return 'The case is inactive or its report is not open to this profile.';
  return 'There is no report for this case yet.';
}

export function CaseReportSection({ profile, state }: { profile: string; state: NonNullable<CaseDetailState['report']> }) {
  const report = state.data?.data;
  return (
    <div className="detail-section report" aria-label="Report">
      <h3 className="section-title">Report</h3>
      {state.loading ? <Spinner label="Loading report" /> : null}
      {state.error ? <ErrorNotice error={state.error} /> : null}
      {report && !report.available ? <p className="muted small">{unavailableText(report.unavailableReason)}</p> : null}
      {report?.available ? <ReportBody profile={profile} report={report} offline={!!state.data?.offline} fetchedAt={state.data?.syncedAt ?? null} /> : null}
    </div>
  );
}

function ReportBody({ profile, report, offline, fetchedAt }: { profile: string; report: CaseReport; offline: boolean; fetchedAt: string | null }) {
  const versions = [report.versions.truSightSoftwareSuite && `TSS ${report.versions.truSightSoftwareSuite}`, report.versions.dragen && `DRAGEN ${report.versions.dragen}`].filter(Boolean).join(' · ');
  return (
    <>
      <p className="muted small">
        {offline ? 'Offline copy · ' : ''}
        {fetchedAt ? `Fetched ${formatDateTime(fetchedAt)}` : ''}
        {versions ? ` · ${versions}` : ''}
      </p>
      {report.reportTypes.length === 0 ? <p className="muted small">The report lists no report types.</p> : null}
      {report.reportTypes.map((t, i) => (
        <ReportType key={t.reportTypeId ?? t.id ?? i} profile={profile} caseId={report.caseId} type={t} />
      ))}
    </>
  );
}

function ReportType({ profile, caseId, type }: { profile: string; caseId: string; type: ReportTypeView }) {
  const [confirm, setConfirm] = useState<'save' | 'open' | null>(null);
  const [busy, setBusy] = useState(false);
  const title = type.reportType ?? type.name ?? 'Report';
  async function exportPdf(open: boolean) {
    if (!type.reportTypeId) return;
    setBusy(true);
    try {
      const result = await tessera().exportReportPdf(profile, caseId, type.reportTypeId, { open });
      if (result.saved) toast('success', open ? `Opened ${result.fileName ?? 'the PDF'}` : `Saved ${result.fileName ?? 'the PDF'}`);
    } catch (error) {
      toastError(error, 'Could not export the PDF');
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="report-type" aria-label={title}>
      <div className="report-type-header">
        <p className="subject-title">{title}</p>
        <div className="report-badges">
          {type.status ? <Badge>{humanize(type.status)}</Badge> : null}
          {type.subState ? <Badge>{humanize(type.subState)}</Badge> : null}
          <Badge tone={type.editStatus ? 'warning' : 'neutral'}>{type.editStatus ?? 'Original'}</Badge>
        </div>
      </div>
      {type.variants.length === 0 ? <p className="muted small">No reported variants.</p> : <Variants variants={type.variants} label={`Reported variants, ${title}`} />}
      {type.reportTypeId ? (
        <div className="row-actions">
          <button type="button" className="button" disabled={busy} onClick={() => setConfirm('save')}>
            <Icon name="file" /> Save PDF…
          </button>
          <button type="button" className="button button-ghost" disabled={busy} onClick={() => setConfirm('open')}>
            Open
          </button>
        </div>
      ) : null}
      {confirm ? (
        <ConfirmDialog
          title={confirm === 'save' ? 'Save the report PDF?' : 'Open the report PDF?'}
          body={
            <p>
              The PDF holds patient data. {confirm === 'save' ? 'It is saved where you choose' : 'It is written to a private temporary file for your PDF viewer'}, unencrypted and readable by
              you only. Keep it only as long as you need it.
            </p>
          }
          confirmLabel={confirm === 'save' ? 'Choose where to save' : 'Open PDF'}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const open = confirm === 'open';
            setConfirm(null);
            void exportPdf(open);
          }}
        />
      ) : null}
    </section>
  );
}

function Variants({ variants, label }: { variants: ReportVariant[]; label: string }) {
  if (variants.length > VIRTUALISE_AFTER) {
    return (
      <VirtualGrid
        label={label}
        className="variant-grid"
        columns={COLUMNS}
        rowCount={variants.length}
        getRow={(i) => variants[i]}
        rowKey={(v) => `${v.gene ?? ''}|${v.hgvsc ?? ''}|${v.start ?? ''}|${v.transcript ?? ''}`}
        rowHeight={32}
      />
    );
  }
  return (
    <table className="variant-table" aria-label={label}>
      <thead>
        <tr>
          {TABLE_COLUMNS.map((c) => (
            <th key={c.key} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {variants.map((v, i) => (
          <tr key={i}>
            {TABLE_COLUMNS.map((c) => (
              <td key={c.key} className={c.className}>
                {c.render(v)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
