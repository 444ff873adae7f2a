/**
 * TSS sends dates in several ISO-8601 spellings (`…Z`, `…+0000`, `…+00:00`, with or
 * without fractions, sometimes a bare date). The cache stores one form, UTC
 * `toISOString()`, so that dates sort and compare correctly as text.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** `YYYY-MM-DDTHH:MM:SS.sssZ`: where each character of the canonical form must be a digit (0) or that character. */
const CANONICAL_SHAPE = '0000-00-00T00:00:00.000Z';

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;
const number2 = (text: string, i: number): number => digit(text, i) * 10 + digit(text, i + 1);

/**
 * Whether `text` is already in the canonical form and names a real instant; undefined
 * when it does not have the canonical form's shape. The same answer as Date.parse and
 * toISOString's round trip (test/unit/tss-normalize.test.ts holds the two together),
 * without building a Date: a sync checks about fifteen dates per case, most of them
 * in this form, and the round trip cost more than the rest of a page's validation.
 */
function canonical(text: string): boolean | undefined {
  if (text.length !== CANONICAL_SHAPE.length) return undefined;
  for (let i = 0; i < CANONICAL_SHAPE.length; i++) {
    const want = CANONICAL_SHAPE.charCodeAt(i);
    const c = text.charCodeAt(i);
    if (want === 48 ? c < 48 || c > 57 : c !== want) return undefined;
  }
  const year = number2(text, 0) * 100 + number2(text, 2);
  const month = number2(text, 5);
  const day = number2(text, 8);
  if (month < 1 || month > 12 || day < 1 || number2(text, 11) > 23 || number2(text, 14) > 59 || number2(text, 17) > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  // 31 February is not a date the server meant (Date.parse would roll it over into March).
  return day <= (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/** Normalises an ISO-8601 date or date-time to `YYYY-MM-DDTHH:MM:SS.sssZ`; null when it is not one. */
export function normalizeDate(text: string): string | null {
  // Fast path for what most servers send (and what we store).
  const known = canonical(text);
  if (known !== undefined) return known ? text : null;
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
