// What the diagnostics tab says, as plain data: the status banner's three answers (is the cockpit
// running? are the risk computations going well? is the fleet's alert level unusual?), labels
// of checks and statuses, log filtering and drift ordering. No DOM here (unit-tested).
import type {
  AlertLevel,
  DiagnosticsPage,
  DriftStatus,
  FeatureDrift,
  Check,
  HealthReport,
  Status,
  LogLevel,
  LogLine,
  RunRecord,
} from "./api";
import { formatNumber } from "./format";
import { hasKey, t, type Key, type Lang } from "./i18n";

/** A status, or `unknown` when the command that would tell failed. */
export type Tone = Status | "unknown";

export type Question = "running" | "computations" | "alert";

export interface BannerLine {
  question: Question;
  status: Tone;
  text: string;
}

export interface Banner {
  /** The cockpit's health (`error` when even the health check failed). */
  status: Status;
  title: string;
  lines: BannerLine[];
}

/** Checks that answer "are the risk computations going well?"; the others say "is it running?". */
const COMPUTATION_CHECKS = new Set(["last_run", "errors_24h", "freshness"]);

const RANK: Record<Tone, number> = { ok: 0, unknown: 1, degraded: 2, error: 3 };

/** The worst of some statuses (`ok` for none). */
export function worst(statuses: Tone[]): Tone {
  return statuses.reduce<Tone>((w, s) => (RANK[s] > RANK[w] ? s : w), "ok");
}

function known(lang: Lang, prefix: string, value: string): string | null {
  const key = `${prefix}${value}`;
  return hasKey(key) ? t(lang, key) : null;
}

/** A health status in words, lower case ("degraded" / "dégradé"). */
export function statusLabel(lang: Lang, s: string): string {
  return known(lang, "hs_", s) ?? s;
}

/** A check's name in words, lower case ("models" / "modèles"); an unknown name as sent. */
export function checkLabel(lang: Lang, name: string): string {
  return known(lang, "chk_", name) ?? name.replace(/_/g, " ");
}

export function operationLabel(lang: Lang, op: string): string {
  return known(lang, "op_", op) ?? op.replace(/_/g, " ");
}

export function driftLabel(lang: Lang, s: string): string {
  return known(lang, "dr_", s) ?? s;
}

/** The level filter's option ("warnings and errors"). */
export function levelFilterLabel(lang: Lang, level: LogLevel): string {
  return known(lang, "lv_", level) ?? level;
}

/** A log line's level as a word ("WARNING" / "AVERTISSEMENT"). */
export function levelWord(lang: Lang, level: string): string {
  return known(lang, "lvw_", level.toUpperCase()) ?? level;
}

/** "First letter upper case". */
export function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1);
}

/** How long ago, in words of the language ("2 hours ago" / "il y a 2 heures"). */
export function formatAgo(iso: string | null, now: Date, lang: Lang, locale: string): string {
  if (!iso) return "–";
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const s = Math.max(0, (now.getTime() - then) / 1000);
  if (s < 60) return t(lang, "justNow");
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "always", style: "long" });
  if (s < 3600) return rtf.format(-Math.round(s / 60), "minute");
  if (s < 48 * 3600) return rtf.format(-Math.round(s / 3600), "hour");
  return rtf.format(-Math.round(s / 86400), "day");
}

/** "models (error), database (degraded)": the checks that are not ok. */
export function problems(lang: Lang, checks: Check[]): string {
  return checks
    .filter((c) => c.status !== "ok")
    .map((c) => `${checkLabel(lang, c.name)} (${statusLabel(lang, c.status)})`)
    .join(", ");
}

function turbinesWord(lang: Lang, n: number): string {
  return t(lang, n === 1 ? "turbineOne" : "turbineMany");
}

function runningLine(lang: Lang, health: HealthReport | null): BannerLine {
  if (!health) return { question: "running", status: "unknown", text: t(lang, "qRunningUnknown") };
  const checks = health.checks.filter((c) => !COMPUTATION_CHECKS.has(c.name));
  const status = worst(checks.map((c) => c.status));
  const list = problems(lang, checks);
  const text =
    status === "ok"
      ? t(lang, "qRunningOk")
      : t(lang, status === "error" ? "qRunningError" : "qRunningDegraded", { problems: list });
  return { question: "running", status, text };
}

/** The newest run by id, and the newest successful one. */
function latestRuns(runs: RunRecord[]): { last: RunRecord | null; lastOk: RunRecord | null } {
  const byId = [...runs].sort((a, b) => b.id - a.id);
  return { last: byId[0] ?? null, lastOk: byId.find((r) => r.status === "succeeded") ?? null };
}

function computationsLine(
  lang: Lang,
  locale: string,
  now: Date,
  health: HealthReport | null,
  runs: RunRecord[] | null,
): BannerLine {
  const { last, lastOk } = latestRuns(runs ?? []);
  const parts: string[] = [];
  if (runs) {
    parts.push(lastOk ? t(lang, "lastSuccess", { ago: formatAgo(lastOk.ended_at, now, lang, locale) }) : t(lang, "lastSuccessNone"));
    if (last && last.status === "failed") parts.push(t(lang, "lastFailed", { ago: formatAgo(last.ended_at, now, lang, locale) }));
  }
  const lastText = parts.join(", ");
  const wrap = (key: Key, vars: Record<string, string> = {}) =>
    lastText ? t(lang, key, { ...vars, last: lastText }) : t(lang, key, { ...vars, last: "" }).replace(/( \(\)| — )$/, "");
  if (!health) {
    if (!runs) return { question: "computations", status: "unknown", text: wrap("qComputeUnknown") };
    const status: Tone = last?.status === "failed" ? "error" : lastOk ? "ok" : "degraded";
    return { question: "computations", status, text: wrap(status === "ok" ? "qComputeOk" : "qComputeNoProblems") };
  }
  const checks = health.checks.filter((c) => COMPUTATION_CHECKS.has(c.name));
  let status = worst(checks.map((c) => c.status));
  if (status === "ok" && runs && !lastOk) status = "degraded";
  if (status === "ok") return { question: "computations", status, text: wrap("qComputeOk") };
  const list = problems(lang, checks);
  return {
    question: "computations",
    status,
    text: list ? wrap("qComputeProblems", { problems: list }) : wrap("qComputeNoProblems"),
  };
}

function alertLine(lang: Lang, locale: string, alert: AlertLevel | null): BannerLine {
  if (!alert) return { question: "alert", status: "unknown", text: t(lang, "qAlertUnknown") };
  if (alert.latest === null) return { question: "alert", status: "unknown", text: t(lang, "qAlertNone") };
  const n = alert.latest;
  const num = (v: number) => formatNumber(v, locale, 0);
  const vars = { n: num(n), turbines: turbinesWord(lang, n) };
  const hasBand = alert.band_low !== null && alert.band_high !== null;
  // The band is mean ± 3 standard deviations: one decimal when it has one.
  const edge = (v: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v);
  const band = hasBand ? { lo: edge(alert.band_low!), hi: edge(alert.band_high!) } : { lo: "", hi: "" };
  if (alert.unusual) {
    let key: Key = "qAlertUnusual";
    if (hasBand && n > alert.band_high!) key = "qAlertAbove";
    else if (hasBand && n < alert.band_low!) key = "qAlertBelow";
    return { question: "alert", status: "degraded", text: t(lang, key, { ...vars, ...band }) };
  }
  if (!hasBand) return { question: "alert", status: "ok", text: t(lang, "qAlertNoBand", vars) };
  return { question: "alert", status: "ok", text: t(lang, "qAlertUsual", { ...vars, band: t(lang, "bandPart", band) }) };
}

/** The status banner from whatever the commands returned (null: that command failed). */
export function banner(
  lang: Lang,
  locale: string,
  now: Date,
  health: HealthReport | null,
  diagnostics: DiagnosticsPage | null,
  runs: RunRecord[] | null,
): Banner {
  const status: Status = health ? health.status : "error";
  return {
    status,
    title: health ? t(lang, "healthTitle", { status: statusLabel(lang, health.status) }) : t(lang, "healthUnknown"),
    lines: [
      runningLine(lang, health),
      computationsLine(lang, locale, now, health, runs),
      alertLine(lang, locale, diagnostics ? diagnostics.alert_level : null),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Logs

/** Most severe first. */
export const LOG_LEVELS: LogLevel[] = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"];

/** The level filter's choices besides "all levels" (which includes TRACE; the shell takes these four). */
export const FILTER_LEVELS: LogLevel[] = ["ERROR", "WARN", "INFO", "DEBUG"];

function severity(level: string): number {
  const i = LOG_LEVELS.indexOf(level.toUpperCase() as LogLevel);
  return i < 0 ? LOG_LEVELS.length : i;
}

/** Folded for search: lower case, no accents. */
function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * The lines at `level` or more severe ("" for all) containing every word of `search` (in the
 * message, the module or the level; case and accents ignored). Order is kept.
 */
export function filterLogs(lines: LogLine[], level: LogLevel | "", search: string): LogLine[] {
  const max = level ? severity(level) : Infinity;
  const words = fold(search).split(/\s+/).filter(Boolean);
  return lines.filter((l) => {
    if (severity(l.level) > max) return false;
    if (!words.length) return true;
    const hay = fold(`${l.level} ${l.target} ${l.message}`);
    return words.every((w) => hay.includes(w));
  });
}

// ---------------------------------------------------------------------------------------------
// Drift

/** Highest PSI first; inputs without a PSI last; ties by name. */
export function sortDrift(drift: FeatureDrift[]): FeatureDrift[] {
  const key = (d: FeatureDrift) => (d.psi === null || !Number.isFinite(d.psi) ? -Infinity : d.psi);
  return [...drift].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return kb > ka ? 1 : kb < ka ? -1 : a.feature.localeCompare(b.feature);
  });
}

export function driftCounts(drift: FeatureDrift[]): Record<DriftStatus, number> {
  const c: Record<DriftStatus, number> = { significant: 0, moderate: 0, stable: 0, unknown: 0 };
  for (const d of drift) c[d.status in c ? d.status : "unknown"] += 1;
  return c;
}
