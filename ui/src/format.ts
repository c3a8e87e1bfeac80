// Numbers, percentages, days and dates for the chosen locale (Intl).
//
// Intl formatters are cached: building one costs far more than using it (about a millisecond
// each in WebKitGTK), and the fleet table of 1,000 turbines formats thousands of values.

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A cached Intl.NumberFormat for these options. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A cached Intl.DateTimeFormat for these options. */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

/** A number with `digits` decimals ("9.4" / "9,4"). */
export function formatNumber(v: number, locale: string, digits = 1): string {
  return numberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(v);
}

/** A probability (0–1) as a percentage ("62.3%" / "62,3 %"). */
export function formatPercent(p: number | null, locale: string): string {
  if (p === null || !Number.isFinite(p)) return "–";
  return numberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(p);
}

/** A 0–100 risk score with one decimal. */
export function formatScore(s: number | null, locale: string): string {
  return s === null || !Number.isFinite(s) ? "–" : formatNumber(s, locale, 1);
}

/** An ISO timestamp (UTC) as a local date and time. */
export function formatDateTime(iso: string | null, locale: string, timeZone?: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(d);
}

/** An ISO date (or timestamp) as a local date. */
export function formatDate(iso: string | null, locale: string, timeZone?: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(locale, { dateStyle: "medium", timeZone }).format(d);
}

/** Milliseconds as "850 ms" / "12.4 s". */
export function formatDuration(ms: number, locale: string): string {
  return ms < 1000 ? `${ms} ms` : `${formatNumber(ms / 1000, locale, 1)} s`;
}
