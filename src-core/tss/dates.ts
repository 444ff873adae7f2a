/**
 * TSS sends dates in several ISO-8601 spellings (`…Z`, `…+0000`, `…+00:00`, with or
 * without fractions, sometimes a bare date). The cache stores one form, UTC
 * `toISOString()`, so that dates sort and compare correctly as text.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Normalises an ISO-8601 date or date-time to `YYYY-MM-DDTHH:MM:SS.sssZ`; null when it is not one. */
export function normalizeDate(text: string): string | null {
  // Fast path for what most servers send (and what we store): a sync checks about
  // fifteen dates per case. The round trip rejects 31 February, which Date.parse rolls over.
  if (CANONICAL.test(text)) {
    const t = Date.parse(text);
    return !Number.isNaN(t) && new Date(t).toISOString() === text ? text : null;
  }
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  // Date.UTC would roll 31 February over into March; that is not a date the server meant.
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  const ms = Number((frac + '000').slice(0, 3));
  // A date-time without a zone is taken as UTC: TSS stores UTC and some endpoints omit the suffix.
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const t = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Math.min(Number(s), 59), ms) - offsetMin * 60_000;
  const date = new Date(t);
  if (Number.isNaN(t) || date.getUTCFullYear() < 1000 || date.getUTCFullYear() > 9999) return null;
  return date.toISOString();
}

export function isDateText(text: string): boolean {
  return normalizeDate(text) !== null;
}
