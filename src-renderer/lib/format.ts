/** Formatting helpers for times, durations and counts, in the user's locale. */

const numberFormat = new Intl.NumberFormat();
export const formatCount = (n: number): string => numberFormat.format(n);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Same time style as dateTime, so a time alone and a date with time read alike (1:00 PM, never 01:00 PM beside it).
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function toDate(value: string | number | Date | undefined | null): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value: string | number | Date | undefined | null): string {
  const d = toDate(value);
  return d ? dateTime.format(d) : '—';
}

export function formatDate(value: string | number | Date | undefined | null): string {
  const d = toDate(value);
  return d ? dateOnly.format(d) : '—';
}

/** Time of day when it is today, otherwise date and time. */
export function formatWhen(value: string | number | Date | undefined | null, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? timeOnly.format(d) : dateTime.format(d);
}

/** A countdown such as `59:12`, `1:02:03` or `expired`. */
export function formatCountdown(msLeft: number): string {
  if (msLeft <= 0) return 'expired';
  const total = Math.floor(msLeft / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Spoken form for screen readers and titles: `59 minutes left`. */
export function describeCountdown(msLeft: number): string {
  if (msLeft <= 0) return 'expired';
  const minutes = Math.floor(msLeft / 60_000);
  if (minutes >= 120) return `${Math.floor(minutes / 60)} hours left`;
  if (minutes >= 1) return `${minutes} minute${minutes === 1 ? '' : 's'} left`;
  return `${Math.max(1, Math.floor(msLeft / 1000))} seconds left`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** `3 minutes ago`, `in 2 hours`, `yesterday`. */
export function formatRelative(value: string | number | Date | undefined | null, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return 'never';
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86_400_000],
    ['month', 30 * 86_400_000],
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, ms] of units) {
    if (abs >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return abs < 10_000 ? 'just now' : relative.format(Math.round(diff / 1000), 'second');
}

/** Age in whole months between two instants (calendar-aware, never negative). */
export function monthsBetween(from: string | Date, to: Date = new Date()): number {
  const a = toDate(from);
  if (!a) return 0;
  let months = (to.getFullYear() - a.getFullYear()) * 12 + (to.getMonth() - a.getMonth());
  if (to.getDate() < a.getDate()) months -= 1;
  return Math.max(0, months);
}

export function formatAge(from: string | Date | undefined, now: Date = new Date()): string {
  if (!from) return 'unknown age';
  const d = toDate(from);
  if (!d) return 'unknown age';
  const months = monthsBetween(d, now);
  if (months >= 24) return `${Math.floor(months / 12)} years`;
  if (months >= 1) return `${months} month${months === 1 ? '' : 's'}`;
  const days = Math.floor((now.getTime() - d.getTime()) / 86_400_000);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  return 'less than a day';
}

/** Words that stay in capitals when an enum becomes a label (QC_WARNING → QC warning). */
const ACRONYMS = new Set(['QC', 'DNA', 'RNA', 'CTDNA', 'CFDNA', 'TMB', 'MSI', 'CNV', 'SNV', 'HRD', 'WGS', 'WES', 'TSO', 'ID', 'MRN', 'LIMS', 'FFPE', 'PCR', 'NGS', 'VCF', 'BAM', 'HLA']);
const SPELLED: Readonly<Record<string, string>> = { CTDNA: 'ctDNA', CFDNA: 'cfDNA' };

/**
 * The one label for TSS enum-like values shown to people: `READY_FOR_REVIEW` → `Ready for
 * review`, `QC_WARNING` → `QC warning`, `RARE_DISEASE` → `Rare disease`, `GERMLINE` →
 * `Germline`. Values already in mixed case (`In Progress`) are kept.
 */
export function humanize(value: string | undefined | null): string {
  if (!value) return '—';
  if (!/[_]/.test(value) && value !== value.toUpperCase()) return value;
  const words = value.split(/[_\s]+/).filter(Boolean);
  return words
    .map((w, i) => {
      const upper = w.toUpperCase();
      if (ACRONYMS.has(upper)) return SPELLED[upper] ?? upper;
      const lower = w.toLowerCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}
