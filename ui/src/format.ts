// Numbers, percentages, days and dates for the chosen locale (Intl).

/** A number with `digits` decimals ("9.4" / "9,4"). */
export function formatNumber(v: number, locale: string, digits = 1): string {
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(v);
}

/** A probability (0–1) as a percentage ("62.3%" / "62,3 %"). */
export function formatPercent(p: number | null, locale: string): string {
  if (p === null || !Number.isFinite(p)) return "–";
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(p);
}

/** A 0–100 risk score with one decimal. */
export function formatScore(s: number | null, locale: string): string {
  return s === null || !Number.isFinite(s) ? "–" : formatNumber(s, locale, 1);
}

/** Days to failure: "12.3 days" / "12,3 j", or "> 30 days" / "> 30 j" at the model's horizon. */
export function formatDays(
  days: number | null,
  censored: boolean,
  lang: "fr" | "en",
  locale: string,
  horizon = 30,
): string {
  if (days === null || !Number.isFinite(days)) return "–";
  const unit = lang === "fr" ? "j" : "days";
  if (censored) return `> ${horizon} ${unit}`;
  return `${formatNumber(days, locale, 1)} ${lang === "fr" ? "j" : days === 1 ? "day" : "days"}`;
}

/** An ISO timestamp (UTC) as a local date and time. */
export function formatDateTime(iso: string | null, locale: string, timeZone?: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
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
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(d);
}

/** Milliseconds as "850 ms" / "12.4 s". */
export function formatDuration(ms: number, locale: string): string {
  return ms < 1000 ? `${ms} ms` : `${formatNumber(ms / 1000, locale, 1)} s`;
}
