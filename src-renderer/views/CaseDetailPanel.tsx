/** The selected case, read from the cache (refreshed by the core when online). */
import { useEffect, useRef, type ReactNode } from 'react';
import type { CaseDetail } from '../../src-shared/schemas.js';
import { Badge, ErrorNotice, Spinner } from '../components/bits.js';
import { Icon } from '../components/Icon.js';
import { formatDate, formatDateTime, humanize } from '../lib/format.js';
import { selectCase, useCases } from '../stores/cases.js';
import { StatusPill } from '../components/StatusPill.js';
import { CaseReportSection } from './CaseReportSection.js';

export function CaseDetailPanel() {
  const selected = useCases((s) => s.selected);
  const profile = useCases((s) => s.profile);
  const closeRef = useRef<HTMLButtonElement>(null);
  const id = selected?.id;
  useEffect(() => {
    // Move focus into the panel when a case opens so keyboard users land on it.
    closeRef.current?.focus();
  }, [id]);
  if (!selected) return null;
  const data = selected.data?.data;

  return (
    <aside
      className="detail"
      aria-label="Case details"
      onKeyDown={(e) => {
        if (e.key === 'Escape') void selectCase(null);
      }}
    >
      <header className="detail-header">
        <div>
          <p className="detail-kicker">Case</p>
          <h2 className="detail-title mono">{data?.displayId ?? selected.id}</h2>
        </div>
        <button ref={closeRef} type="button" className="icon-button" aria-label="Close case details" onClick={() => void selectCase(null)}>
          <Icon name="x" />
        </button>
      </header>
      {selected.loading ? <Spinner label="Loading case" /> : null}
      {selected.error ? <ErrorNotice error={selected.error} /> : null}
      {data ? (
        <CaseBody detail={data} offline={!!selected.data?.offline} syncedAt={selected.data?.syncedAt ?? null}>
          {selected.report && profile ? <CaseReportSection profile={profile} state={selected.report} /> : null}
        </CaseBody>
      ) : null}
    </aside>
  );
}

function CaseBody({ detail, offline, syncedAt, children }: { detail: CaseDetail; offline: boolean; syncedAt: string | null; children?: ReactNode }) {
  const rows: [string, string][] = [
    ['Sub-state', humanize(detail.subState)],
    ['Test', detail.testDefinition?.name ?? detail.testDefinition?.id ?? '—'],
    ['Activation', humanize(detail.activationState)],
    ['Created', `${formatDateTime(detail.createdDate)}${detail.createdBy ? ` by ${detail.createdBy}` : ''}`],
    ['Updated', `${formatDateTime(detail.updatedDate)}${detail.updatedBy ? ` by ${detail.updatedBy}` : ''}`],
    ['Due', formatDate(detail.dueDate)],
    ['Completed', formatDate(detail.completedDate)],
    ['External case id', detail.externalCaseId ?? '—'],
    ['Case id', detail.id],
  ];
  return (
    <div className="detail-body">
      <div className="detail-status">
        <StatusPill status={detail.status} />
        {offline ? (
          <Badge tone="warning" icon="cloudOff">
            Offline copy
          </Badge>
        ) : null}
        {syncedAt ? <span className="muted small">Cached {formatDateTime(syncedAt)}</span> : null}
      </div>
      <dl className="kv kv-compact">
        {rows.map(([k, v]) => (
          <div key={k} className="kv-row">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {detail.tags.length ? (
        <div className="detail-section">
          <h3 className="section-title">Tags</h3>
          <div className="tag-list">
            {detail.tags.map((t) => (
              <Badge key={t}>{t}</Badge>
            ))}
          </div>
        </div>
      ) : null}
      <div className="detail-section">
        <h3 className="section-title">Subjects and samples</h3>
        {detail.caseSubjects.length === 0 ? <p className="muted small">No subjects recorded.</p> : null}
        {detail.caseSubjects.map((s, i) => {
          const person = s.subject;
          const name = [person?.firstName, person?.lastName].filter(Boolean).join(' ');
          return (
            <div key={s.id ?? i} className="subject">
              <p className="subject-title">
                {humanize(s.relationshipToProband) || 'Subject'}
                {name ? ` · ${name}` : ''}
                {person?.mrn ? ` · MRN ${person.mrn}` : ''}
              </p>
              {person?.dateOfBirth || person?.gender ? (
                <p className="muted small">{[person.dateOfBirth ? `Born ${formatDate(person.dateOfBirth)}` : '', person.gender ? humanize(person.gender) : ''].filter(Boolean).join(' · ')}</p>
              ) : null}
              <ul className="sample-list">
                {s.samples.map((sample, j) => (
                  <li key={sample.id ?? j}>
                    <span className="mono">{sample.externalSampleId ?? sample.id ?? 'sample'}</span>
                    {sample.externalSampleName ? ` ${sample.externalSampleName}` : ''}
                    <span className="muted small">{[sample.sampleType && humanize(sample.sampleType), sample.status && humanize(sample.status)].filter(Boolean).join(' · ')}</span>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
      {children}
      <details className="raw">
        <summary>All fields from the server</summary>
        <pre className="raw-json">{JSON.stringify(detail.raw, null, 2)}</pre>
      </details>
    </div>
  );
}
