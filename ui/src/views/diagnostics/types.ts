// The diagnostics tab's shared shapes: the commands it uses, what was loaded, its options, and
// the loading of every command at once.
import { asApiError, type ApiError, type AppInfo, type BackgroundStatus, type NotificationSettings, type SyncCard, type SyncReport, type SyncSettings, type ComparisonPage, type ModelSetChange, type ModelSetInfo, type ModelSetsPage, type DiagnosticsPage, type HealthReport, type LogLevel, type LogLine, type LogQuery, type QuarantineArgs, type QuarantineCsv, type QuarantinePage, type RunRow } from "../../api";
import { type Tone } from "../../health";
import { type Key, type Lang } from "../../i18n";

/** The commands this tab uses (`api` in the app, a mock in tests). */
/** The commands this card uses (`api` in the app, a mock in tests). */
export interface ModelSetsSource {
  modelSets(lang: string): Promise<ModelSetsPage>;
  compareModelSets(lang: string): Promise<ComparisonPage>;
  /** The native folder picker, then `choose_candidate`; null when the user cancelled. */
  chooseCandidate(): Promise<ModelSetInfo | null>;
  promoteModelSet(): Promise<ModelSetChange>;
  rollbackModelSet(): Promise<ModelSetChange>;
}

export interface DiagnosticsSource {
  health(lang: string): Promise<HealthReport>;
  diagnostics(lang: string): Promise<DiagnosticsPage>;
  appInfo(): Promise<AppInfo>;
  runs(limit: number, lang: string): Promise<RunRow[]>;
  runDurationsChart(lang: string): Promise<string>;
  recentLogs(q: LogQuery): Promise<LogLine[]>;
  openLogFolder(): Promise<null>;
  exportDiagnosticsBundle(): Promise<{ path: string }>;
  quarantine(query: QuarantineArgs): Promise<QuarantinePage>;
  /** Asks where to save, then writes every quarantined line; null when the user cancelled. */
  exportQuarantineCsv(): Promise<QuarantineCsv | null>;
}

/** What was loaded; null where the command failed (its error is in `errors`). */
export interface Loaded {
  health: HealthReport | null;
  diagnostics: DiagnosticsPage | null;
  info: AppInfo | null;
  runs: RunRow[] | null;
  errors: { key: Key; error: ApiError }[];
}

export interface LogFilter {
  level: LogLevel | "";
  search: string;
}

export interface Options {
  /** The clock (for "2 hours ago"). */
  now?: () => Date;
  /** Delay before the logs are queried again while the user types. */
  debounceMs?: number;
  /** Most log lines fetched. */
  logLimit?: number;
  /** The log filter, kept between visits of the tab. */
  logFilter?: LogFilter;
  /** The model sets' commands: the card is shown when given. */
  modelSets?: ModelSetsSource;
  /** The background service card (absent: no card). */
  background?: BackgroundSource;
  /** The notification setting's commands: the card is shown when given. */
  notifications?: NotificationsSource;
  /** The Sync card's commands (absent, e.g. in a field pack: no card). */
  sync?: SyncSource;
}

export interface DiagnosticsPanel {
  element: HTMLElement;
  lang: Lang;
  /** Queries every command again and updates the tab in place. */
  reload(): Promise<void>;
  /** The first load. */
  ready: Promise<void>;
}

export const RUNS_SHOWN = 100;
export const DRIFT_TOP = 10;
export const RECENT_RUNS = 7;
export const ICON: Record<Tone, string> = { ok: "✓", degraded: "!", error: "✕", unknown: "?" };

/** The filter of the log view, for this session. */
export const rememberedFilter: LogFilter = { level: "", search: "" };

/** Every command at once; each may fail without the others. */
export async function loadDiagnostics(src: DiagnosticsSource, lang: string): Promise<Loaded> {
  const [health, diagnostics, info, runs] = await Promise.allSettled([
    src.health(lang),
    src.diagnostics(lang),
    src.appInfo(),
    src.runs(RUNS_SHOWN, lang),
  ]);
  const errors: Loaded["errors"] = [];
  const value = <T>(r: PromiseSettledResult<T>, key: Key): T | null => {
    if (r.status === "fulfilled") return r.value;
    errors.push({ key, error: asApiError(r.reason) });
    return null;
  };
  return {
    health: value(health, "failHealth"),
    diagnostics: value(diagnostics, "failDiagnostics"),
    info: value(info, "failInfo"),
    runs: value(runs, "failRuns"),
    errors,
  };
}

/** The background service card's commands. */
export interface BackgroundSource {
  backgroundStatus(lang: string): Promise<BackgroundStatus>;
  setBackground(on: boolean, lang: string): Promise<BackgroundStatus>;
}

/** The notification setting's commands. */
export interface NotificationsSource {
  getNotifications(): Promise<NotificationSettings>;
  setNotifications(settings: { enabled?: boolean; lang?: string }): Promise<NotificationSettings>;
}

/** The Sync card's commands. */
export interface SyncSource {
  syncStatus(lang: string): Promise<SyncCard>;
  saveSyncSettings(server: string | null, enabled: boolean): Promise<SyncSettings>;
  syncNow(): Promise<SyncReport>;
}
