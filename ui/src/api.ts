// Typed wrappers over the desktop shell's commands (src-tauri/src/commands.rs) and events.
// The types they carry are generated from the Rust types into ./generated/types.ts (see
// src-tauri/tests/bindings.rs); only the wrappers' own argument shapes are written here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open, save } from "@tauri-apps/plugin-dialog";
import type {
  ApiError,
  AppInfo,
  BackgroundStatus,
  BundlePath,
  Category,
  DiagnosticsPage,
  ErrorCode,
  FeatureDrift,
  FieldDocumentFile,
  FleetFilterArgs,
  FleetPage,
  HealthReport,
  ImportOutcome,
  IngestProgress,
  LogLine,
  MappingChoice,
  ComparisonPage,
  ModelSetChange,
  ModelSetInfo,
  ModelSetsPage,
  NotificationSettings,
  OpenTurbines,
  Phase,
  QuarantineArgs,
  QuarantineCsv,
  QuarantinePage,
  RunProgress,
  RunRecord,
  RunRow,
  ScheduleView,
  ServiceEvent,
  TurbinePage,
  AlertView,
  AuthorInfo,
  Choices,
  InterventionView,
  PlanArgs,
  TurbineHistory,
  PackInfo,
  ExportSummary,
  ImportSummary,
  AllSites,
  SyncCard,
  SyncReport,
  SyncSettings,
} from "./generated/types";

export type * from "./generated/types";

// Shorthands for the union types the UI names.
/** Drift status of a model input. */
export type DriftStatus = FeatureDrift["status"];
/** Level of a log line. */
export type LogLevel = LogLine["level"];

/** Every category, most urgent first. */
export const CATEGORIES: Category[] = ["critical", "high", "moderate", "low"];

/** Arguments of `recent_logs`. */
export interface LogQuery {
  limit: number;
  /** This level and the more severe ones; null: all. */
  level: LogLevel | null;
  search: string | null;
}

/** Any thrown value as `{code, message, summary_en?, summary_fr?}`. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const a = e as Partial<Record<keyof ApiError, unknown>>;
    return {
      code: String(a.code) as ErrorCode,
      message: String(a.message),
      summary_en: typeof a.summary_en === "string" ? a.summary_en : "",
      summary_fr: typeof a.summary_fr === "string" ? a.summary_fr : "",
    };
  }
  // Not from the shell (no summary): the message is all there is.
  return { code: "internal", message: String(e), summary_en: "", summary_fr: "" };
}

/** The file extension of a field pack (the core's `pack::EXTENSION`). */
export const PACK_EXTENSION = "cockpitpack";

async function pickPack(): Promise<string | null> {
  const picked = await open({ multiple: false, directory: false, filters: [{ name: "Field pack", extensions: [PACK_EXTENSION] }] });
  return typeof picked === "string" ? picked : null;
}

export const api = {
  // The maintenance workflow (src-tauri/src/workflow.rs).
  alerts: (openOnly: boolean, lang: string) => invoke<AlertView[]>("alerts", { openOnly, lang }),
  acknowledgeAlert: (turbine: string, note: string | null) => invoke<null>("acknowledge_alert", { turbine, note }),
  dismissAlert: (turbine: string, reason: string, until: string | null, note: string | null) =>
    invoke<null>("dismiss_alert", { turbine, reason, until, note }),
  reopenAlert: (turbine: string, note: string | null) => invoke<null>("reopen_alert", { turbine, note }),
  planIntervention: (plan: PlanArgs) => invoke<string>("plan_intervention", { plan }),
  startIntervention: (id: string, note: string | null) => invoke<null>("start_intervention", { id, note }),
  closeIntervention: (id: string, finding: string, component: string | null, note: string | null) =>
    invoke<null>("close_intervention", { id, finding, component, note }),
  cancelIntervention: (id: string, note: string | null) => invoke<null>("cancel_intervention", { id, note }),
  interventions: (openOnly: boolean, lang: string) => invoke<InterventionView[]>("interventions", { openOnly, lang }),
  turbineHistory: (id: string, lang: string) => invoke<TurbineHistory>("turbine_history", { id, lang }),
  workflowChoices: (lang: string) => invoke<Choices>("workflow_choices", { lang }),
  // Notifications (src-tauri/src/notifications.rs): on or off, and the UI's language for them.
  getNotifications: () => invoke<NotificationSettings>("get_notifications"),
  setNotifications: (settings: { enabled?: boolean; lang?: string }) =>
    invoke<NotificationSettings>("set_notifications", { enabled: settings.enabled ?? null, lang: settings.lang ?? null }),
  getAuthor: () => invoke<AuthorInfo>("get_author"),
  addNote: (turbine: string, intervention: string | null, text: string) => invoke<null>("add_note", { turbine, intervention, text }),
  // Field packs (src-tauri/src/pack.rs).
  /** The field pack the app shows, in `lang`; null for a cockpit's own database. */
  packInfo: (lang: string) => invoke<PackInfo | null>("pack_info", { lang }),
  /** Asks where to save (native dialog), then writes a pack of the filtered fleet; null if cancelled. */
  exportPack: async (filter: FleetFilterArgs, defaultPath: string): Promise<ExportSummary | null> => {
    const path = await save({ defaultPath, filters: [{ name: "Field pack", extensions: [PACK_EXTENSION] }] });
    return path ? invoke<ExportSummary>("export_pack", { filter, path }) : null;
  },
  /** Asks for a pack (native dialog), then imports its findings; null if cancelled. */
  importPack: async (lang: string): Promise<ImportSummary | null> => {
    const path = await pickPack();
    return path ? invoke<ImportSummary>("import_pack", { path, lang }) : null;
  },
  /** Asks for a pack (native dialog), then opens it in a window of its own; false if cancelled. */
  openPack: async (): Promise<boolean> => {
    const path = await pickPack();
    if (!path) return false;
    await invoke<null>("open_pack", { path });
    return true;
  },
  setAuthor: (author: string) => invoke<null>("set_author", { author }),
  fleet: (lang: string) => invoke<FleetPage>("fleet", { filter: {}, lang }),
  turbine: (id: string, lang: string) => invoke<TurbinePage>("turbine", { id, lang }),
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
  /** The field document of the filtered fleet, HTML text (to print). */
  fieldDocument: (filter: FleetFilterArgs, lang: string) => invoke<string>("field_document", { filter, lang }),
  /** Asks where to save (native dialog), then writes the field document there; null if cancelled. */
  exportFieldDocument: async (filter: FleetFilterArgs, lang: string, defaultPath: string): Promise<FieldDocumentFile | null> => {
    const path = await save({ defaultPath, filters: [{ name: "HTML", extensions: ["html"] }] });
    return path ? invoke<FieldDocumentFile>("export_field_document", { filter, lang, path }) : null;
  },
  appInfo: () => invoke<AppInfo>("app_info"),
  appStatus: () => invoke<Phase>("app_status"),
  health: (lang: string) => invoke<HealthReport>("health", { lang }),
  diagnostics: (lang: string) => invoke<DiagnosticsPage>("diagnostics", { lang }),
  runDurationsChart: (lang: string) => invoke<string>("run_durations_chart", { lang }),
  recentLogs: (q: LogQuery) =>
    invoke<LogLine[]>("recent_logs", { limit: q.limit, level: q.level, search: q.search }),
  openLogFolder: () => invoke<null>("open_log_folder"),
  exportDiagnosticsBundle: () => invoke<BundlePath>("export_diagnostics_bundle"),
  mappings: () => invoke<MappingChoice[]>("mappings"),
  /** Imports the files (paths) with a built-in mapping's name or a TOML file's path. */
  importFiles: (paths: string[], mapping: string, lang: string) =>
    invoke<ImportOutcome>("import_files", { paths, mapping, lang }),
  quarantine: (query: QuarantineArgs) => invoke<QuarantinePage>("quarantine", { query }),
  /** Asks where to save (native dialog), then writes every quarantined line there; null if cancelled. */
  exportQuarantineCsv: async (): Promise<QuarantineCsv | null> => {
    const path = await save({ defaultPath: "quarantine.csv", filters: [{ name: "CSV", extensions: ["csv"] }] });
    return path ? invoke<QuarantineCsv>("export_quarantine_csv", { path }) : null;
  },
  /** The native "open files" dialog for CSV exports; null if cancelled. */
  pickDataFiles: async (): Promise<string[] | null> => {
    const picked = await open({ multiple: true, directory: false, filters: [{ name: "CSV", extensions: ["csv", "txt"] }, { name: "*", extensions: ["*"] }] });
    return picked === null ? null : Array.isArray(picked) ? picked : [picked];
  },
  modelSets: (lang: string) => invoke<ModelSetsPage>("model_sets", { lang }),
  compareModelSets: (lang: string) => invoke<ComparisonPage>("compare_model_sets", { lang }),
  /** The native folder picker, then the folder checked and kept as the candidate; null if cancelled. */
  chooseCandidate: async (): Promise<ModelSetInfo | null> => {
    const dir = await open({ multiple: false, directory: true });
    return typeof dir === "string" ? invoke<ModelSetInfo>("choose_candidate", { dir }) : null;
  },
  promoteModelSet: () => invoke<ModelSetChange>("promote_model_set"),
  backgroundStatus: (lang: string) => invoke<BackgroundStatus>("background_status", { lang }),
  /** "Score daily in the background" on or off (systemctl --user through the core). */
  setBackground: (on: boolean, lang: string) => invoke<BackgroundStatus>("set_background", { on, lang }),
  rollbackModelSet: () => invoke<ModelSetChange>("rollback_model_set"),
  /** Every site known here and from the hub copy, in `lang` (the "All sites" tab). */
  hubFleet: (lang: string) => invoke<AllSites>("hub_fleet", { lang }),
  /** The Sync card: settings, last sync, pending items, last error, in words. */
  syncStatus: (lang: string) => invoke<SyncCard>("sync_status", { lang }),
  /** Saves the hub's address (checked; no password) and background sync on/off. */
  saveSyncSettings: (server: string | null, enabled: boolean) => invoke<SyncSettings>("save_sync_settings", { server, enabled }),
  /** Pushes and pulls now (on a background thread in the shell). */
  syncNow: () => invoke<SyncReport>("sync_now"),
  /** The native "open file" dialog for a TOML mapping; null if cancelled. */
  pickMappingFile: async (): Promise<string | null> => {
    const picked = await open({ multiple: false, directory: false, filters: [{ name: "TOML", extensions: ["toml"] }] });
    return typeof picked === "string" ? picked : null;
  },
};

export const events = {
  appStatus: (f: (p: Phase) => void): Promise<UnlistenFn> =>
    listen<Phase>("app-status", (e) => f(e.payload)),
  runProgress: (f: (p: RunProgress) => void): Promise<UnlistenFn> =>
    listen<RunProgress>("run-progress", (e) => f(e.payload)),
  service: (f: (p: ServiceEvent) => void): Promise<UnlistenFn> =>
    listen<ServiceEvent>("service-event", (e) => f(e.payload)),
  importProgress: (f: (p: IngestProgress) => void): Promise<UnlistenFn> =>
    listen<IngestProgress>("import-progress", (e) => f(e.payload)),
  /** A notification was clicked: the fleet, filtered to its turbines. */
  notificationOpen: (f: (p: OpenTurbines) => void): Promise<UnlistenFn> =>
    listen<OpenTurbines>("notification-open", (e) => f(e.payload)),
  /** A sync ended (background or "Sync now"). */
  syncFinished: (f: () => void): Promise<UnlistenFn> => listen("sync-finished", () => f()),
  download: (f: (p: { path: string | null; success: boolean }) => void): Promise<UnlistenFn> =>
    listen<{ path: string | null; success: boolean }>("download-finished", (e) => f(e.payload)),
};
