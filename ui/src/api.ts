// Typed wrappers over the desktop shell's commands (src-tauri/src/commands.rs) and events.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type Category = "critical" | "high" | "moderate" | "low";
export const CATEGORIES: Category[] = ["critical", "high", "moderate", "low"];

export interface Driver {
  indicator: string;
  feature: string;
  value: number;
  /** Normal value; null when unknown (NaN in the core). */
  reference: number | null;
  unit: string;
  /**
   * What the value is compared with: the healthy law for this load, the site's other turbines,
   * the turbine's own usual level, or its 7-day trend (value per day, reference 0).
   * Absent in drivers stored before it existed: read as "load".
   */
  basis?: "load" | "site" | "own" | "trend";
  /** Probability points (0–1) the risk drops by when the indicator is set to normal. */
  contribution: number;
}

export interface CategoryCounts {
  critical: number;
  high: number;
  moderate: number;
  low: number;
  not_scored: number;
}

export interface RunRecord {
  id: number;
  trigger: string;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  status: string;
  as_of: string | null;
  scheduled_for: string | null;
  model_version: string | null;
  turbines: number;
  counts: CategoryCounts;
  error_count: number;
  error: string | null;
}

/** A run's trigger and status, phrased by the core (`lang::trigger_label`, `run_status_label`). */
export interface RunText {
  trigger: string;
  status: string;
}

/** A run of the journal with its words in the language asked for. */
export interface RunRow extends RunRecord {
  text: RunText;
}

export interface FleetItem {
  turbine_id: string;
  site: string;
  model: string;
  scored: boolean;
  not_scored_reason: string | null;
  risk_score: number | null;
  category: Category | null;
  p_fail_7d: number | null;
  ttf_days: number | null;
  ttf_censored: boolean;
  drivers: Driver[];
  scored_at: string;
  last_data: string | null;
  run_id: number;
  /** The row in the core's words, in the language asked for. */
  text: FleetItemText;
}

/** What a fleet row says, phrased by the core (`FleetItem::text`). */
export interface FleetItemText {
  category: string;
  not_scored: string | null;
  drivers: string[];
  /** Everything a search matches in the row, lower case (the core's search rule). */
  search: string;
}

/** Names of the categories in the language asked for (`none`: not scored). */
export type CategoryLabels = Record<Category | "none", string>;

export interface FleetView {
  run: RunRecord;
  run_text: RunText;
  counts: CategoryCounts;
  items: FleetItem[];
  labels: CategoryLabels;
}

/** A driver in the core's words. */
export interface DriverText {
  phrase: string;
  value: string;
  normal: string | null;
  points: number;
}

export interface HistoryPoint {
  run_id: number;
  as_of: string;
  scored: boolean;
  risk_score: number | null;
  category: Category | null;
  p_fail_7d: number | null;
  ttf_days: number | null;
}

export interface TurbineDetail {
  identity: {
    turbine_id: string;
    site: string;
    model: string;
    rated_power_kw: number;
    latitude: number;
    longitude: number;
    commissioning_date: string;
  };
  last_measurements: Record<string, number | string | null>;
  prediction: {
    run_id: number;
    scored_at: string;
    scored: boolean;
    not_scored_reason: string | null;
    risk_score: number | null;
    category: Category | null;
    p_fail_7d: number | null;
    ttf_days: number | null;
    ttf_censored: boolean;
  } | null;
  drivers: Driver[];
  history: HistoryPoint[];
  /** The detail in the core's words: last measurements (label and value with unit), category,
   * not-scored reason, drivers (same order). */
  text: {
    measurements: { column: string; label: string; value: string }[];
    category: string;
    not_scored: string | null;
    drivers: DriverText[];
  };
}

export interface ScheduleView {
  enabled: boolean;
  time: string;
  nextRun: string | null;
  lastRun: string | null;
}

export type Phase =
  | { phase: "starting" }
  | { phase: "preparing_demo"; step: string }
  | { phase: "ready" }
  | { phase: "failed"; code: string; message: string };

export interface AppInfo {
  appVersion: string;
  modelVersion: string | null;
  modelsError: string | null;
  modelsDir: string;
  dataDir: string;
  database: string;
  inbox: string;
  phase: Phase;
}

export interface ApiError {
  code: string;
  message: string;
}

export interface RunProgress {
  phase: "started" | "succeeded" | "failed";
  run: RunRecord | null;
  error: ApiError | null;
}

export interface ServiceEvent {
  at: string;
  kind: string;
  ok: boolean;
  message: string;
}

export interface FleetFilterArgs {
  category?: string;
  site?: string;
  search?: string;
}

// ---- Diagnostics (issue 6): health, operating metrics, logs. Field names as the shell sends them.

export type HealthStatus = "ok" | "degraded" | "error";
export type CheckName =
  | "database"
  | "models"
  | "onnx_runtime"
  | "schedule"
  | "last_run"
  | "errors_24h"
  | "freshness"
  | "inbox";

export interface HealthCheck {
  /** One of [`CheckName`]; a newer core may send others. */
  name: CheckName | string;
  status: HealthStatus;
  /** English detail from the core. */
  message: string;
}

export interface HealthReport {
  status: HealthStatus;
  checked_at: string;
  app_version: string;
  model_version: string | null;
  checks: HealthCheck[];
}

export type Operation = "fleet_run" | "turbine_request" | "ingestion" | "ui_command";

export interface OperationMetric {
  operation: Operation | string;
  count: number;
  succeeded: number;
  failed: number;
  mean_ms: number | null;
  p95_ms: number | null;
}

export interface DayErrors {
  /** YYYY-MM-DD */
  day: string;
  errors: number;
}

export interface AlertLevel {
  /** Turbines critical or high at the latest run. */
  latest: number | null;
  band_low: number | null;
  band_high: number | null;
  unusual: boolean;
  message: string;
}

export interface RunCategories {
  run: number;
  as_of: string;
  critical: number;
  high: number;
  moderate: number;
  low: number;
}

export type DriftStatus = "stable" | "moderate" | "significant" | "unknown";

export interface FeatureDrift {
  feature: string;
  psi: number | null;
  status: DriftStatus;
}

export interface StaleTurbine {
  turbine_id: string;
  last_data: string | null;
  hours: number | null;
}

export interface DiagnosticsReport {
  metrics: OperationMetric[];
  errors_by_day: DayErrors[];
  availability: { scheduled: number; on_time_ok: number; ratio: number | null };
  alert_level: AlertLevel;
  categories: RunCategories[];
  drift: FeatureDrift[];
  freshness: { threshold_hours: number; stale: StaleTurbine[]; fresh: number };
  log_dir: string;
  /** Names of the categories in the language asked for. */
  labels: CategoryLabels;
}

export type LogLevel = "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";

export interface LogLine {
  ts: string;
  level: LogLevel;
  target: string;
  message: string;
}

export interface LogQuery {
  limit: number;
  /** This level and the more severe ones; null: all. */
  level: LogLevel | null;
  search: string | null;
}

/** Any thrown value as `{code, message}`. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    return { code: String((e as ApiError).code), message: String((e as ApiError).message) };
  }
  return { code: "internal", message: String(e) };
}

export const api = {
  fleet: (lang: string) => invoke<FleetView>("fleet", { filter: {}, lang }),
  turbine: (id: string, lang: string) => invoke<TurbineDetail>("turbine", { id, lang }),
  runs: (limit: number, lang: string) => invoke<RunRow[]>("runs", { limit, lang }),
  scoreNow: () => invoke<RunRecord>("score_now"),
  getSchedule: () => invoke<ScheduleView>("get_schedule"),
  setSchedule: (enabled: boolean, time: string) =>
    invoke<ScheduleView>("set_schedule", { enabled, time }),
  riskChart: (id: string, lang: string) => invoke<string>("risk_chart", { id, lang }),
  signalsChart: (id: string, lang: string) => invoke<string>("signals_chart", { id, lang }),
  fleetTrendChart: (lang: string) => invoke<string>("fleet_trend_chart", { lang }),
  exportWorklistCsv: (filter: FleetFilterArgs, lang: string) =>
    invoke<string>("export_worklist_csv", { filter, lang }),
  appInfo: () => invoke<AppInfo>("app_info"),
  appStatus: () => invoke<Phase>("app_status"),
  health: (lang: string) => invoke<HealthReport>("health", { lang }),
  diagnostics: (lang: string) => invoke<DiagnosticsReport>("diagnostics", { lang }),
  runDurationsChart: (lang: string) => invoke<string>("run_durations_chart", { lang }),
  recentLogs: (q: LogQuery) =>
    invoke<LogLine[]>("recent_logs", { limit: q.limit, level: q.level, search: q.search }),
  openLogFolder: () => invoke<null>("open_log_folder"),
  exportDiagnosticsBundle: () => invoke<{ path: string }>("export_diagnostics_bundle"),
};

export const events = {
  appStatus: (f: (p: Phase) => void): Promise<UnlistenFn> =>
    listen<Phase>("app-status", (e) => f(e.payload)),
  runProgress: (f: (p: RunProgress) => void): Promise<UnlistenFn> =>
    listen<RunProgress>("run-progress", (e) => f(e.payload)),
  service: (f: (p: ServiceEvent) => void): Promise<UnlistenFn> =>
    listen<ServiceEvent>("service-event", (e) => f(e.payload)),
  download: (f: (p: { path: string | null; success: boolean }) => void): Promise<UnlistenFn> =>
    listen<{ path: string | null; success: boolean }>("download-finished", (e) => f(e.payload)),
};
