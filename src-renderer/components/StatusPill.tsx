/** A case status as a coloured pill; unknown statuses are shown as data, in neutral. */
function statusTone(status: string): string {
  const s = status.toLowerCase();
  if (s === 'complete') return 'success';
  if (s === 'in progress') return 'info';
  if (s === 'new') return 'accent';
  if (s === 'canceled' || s === 'cancelled' || s === 'deletion') return 'danger';
  return 'neutral';
}

export function StatusPill({ status }: { status: string }) {
  return <span className={`pill pill-${statusTone(status)}`}>{status}</span>;
}
