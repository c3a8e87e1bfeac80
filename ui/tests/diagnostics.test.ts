import { beforeAll, describe, expect, it } from "vitest";
import type {
  ApiError,
  AppInfo,
  DiagnosticsPage,
  FeatureDrift,
  Check,
  HealthReport,
  LogLine,
  LogQuery,
  QuarantineArgs,
  QuarantinedRow,
  QuarantinePage,
  RunRow,
} from "../src/api";
import type { Ctx } from "../src/context";
import { banner, checkLabel, driftLabel, filterLogs, formatAgo, sortDrift, statusLabel } from "../src/health";
import type { Lang } from "../src/i18n";
import { createDiagnostics, renderDriftTable, type DiagnosticsSource } from "../src/views/diagnostics";
import { fake, installFakeDom, settle } from "./fakedom";

// Intl puts narrow no-break spaces in French output; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");

const NOW = new Date("2026-11-28T10:00:00Z");
const ctxOf = (lang: Lang): Ctx => ({
  lang,
  locale: lang === "fr" ? "fr-FR" : "en-GB",
  openTurbine: () => undefined,
  backToFleet: () => undefined,
});

const ALL_CHECKS = ["database", "models", "onnx_runtime", "schedule", "last_run", "errors_24h", "freshness", "inbox"];

function health(over: Partial<Record<string, Check["status"]>> = {}, messages: Record<string, string> = {}): HealthReport {
  const checks = ALL_CHECKS.map((name) => ({ name, status: over[name] ?? "ok", message: messages[name] ?? `${name} fine` }));
  const rank = { ok: 0, degraded: 1, error: 2 } as const;
  const status = checks.reduce<HealthReport["status"]>((w, c) => (rank[c.status] > rank[w] ? c.status : w), "ok");
  return { status, checked_at: "2026-11-28T09:59:00Z", app_version: "0.1.0", model_version: "1.0.0", checks, duration_ms: 12 };
}

function run(id: number, status: "succeeded" | "failed", ended: string): RunRow {
  return {
    id,
    trigger: "timer",
    text: { trigger: "daily", status },
    started_at: ended,
    ended_at: ended,
    duration_ms: 850,
    status,
    as_of: ended,
    scheduled_for: null,
    model_version: "1.0.0",
    turbines: 20,
    counts: { critical: 1, high: 2, moderate: 3, low: 14, not_scored: 0 },
    error_count: 0,
    error: status === "failed" ? "models not available" : null,
  };
}

const drift: FeatureDrift[] = [
  { feature: "power_curve_residual", psi: 0.04, status: "stable" },
  { feature: "gearbox_oil_temp_c_mean_24h", psi: 0.31, status: "significant" },
  { feature: "vibration_mm_s_max_24h", psi: null, status: "unknown" },
  { feature: "ambient_temp_c_mean_24h", psi: 0.12, status: "moderate" },
  { feature: "rotor_rpm_mean_24h", psi: 0.04, status: "stable" },
];

function diagnostics(over: Partial<DiagnosticsPage> = {}): DiagnosticsPage {
  return {
    metrics: [
      { operation: "fleet_run", count: 31, succeeded: 30, failed: 1, mean_ms: 812.4, p95_ms: 1450 },
      { operation: "turbine_request", count: 12, succeeded: 12, failed: 0, mean_ms: 8.2, p95_ms: 15 },
    ],
    errors_by_day: Array.from({ length: 14 }, (_, i) => ({ day: `2026-11-${String(15 + i).padStart(2, "0")}`, errors: i === 13 ? 2 : 0 })),
    availability: { scheduled: 10, on_time_ok: 9, ratio: 0.9 },
    alert_level: { latest: 3, band_low: 1, band_high: 4, unusual: false, message: "3 turbines critical or high; usual band 1-4" },
    categories: [{ run: 31, as_of: "2026-11-28T00:00:00Z", critical: 1, high: 2, moderate: 3, low: 14 }],
    drift,
    freshness: { threshold_hours: 24, stale: [], fresh: 20 },
    labels: { critical: "critical", high: "high", moderate: "moderate", low: "low", none: "not scored" },
    log_dir: "/home/op/.local/share/energitech-cockpit/logs",
    ...over,
  };
}

const info: AppInfo = {
  appVersion: "0.1.0",
  modelVersion: "1.0.0",
  modelsError: null,
  modelsDir: "/opt/cockpit/models",
  dataDir: "/home/op/.local/share/energitech-cockpit",
  database: "/home/op/.local/share/energitech-cockpit/cockpit.db",
  inbox: "/home/op/.local/share/energitech-cockpit/inbox",
  phase: { phase: "ready" },
  openingTurbines: [],
};

const logs: LogLine[] = [
  { ts: "2026-11-28T09:58:00Z", level: "ERROR", target: "cockpit::runs", message: "run 32 failed: modèles absents" },
  { ts: "2026-11-28T09:57:00Z", level: "WARN", target: "cockpit::ingest", message: "3 rows quarantined in scada.csv" },
  { ts: "2026-11-28T09:56:00Z", level: "INFO", target: "cockpit::runs", message: "run 31 succeeded in 812 ms" },
  { ts: "2026-11-28T09:55:00Z", level: "DEBUG", target: "cockpit::store", message: "opened the database" },
  { ts: "2026-11-28T09:54:00Z", level: "TRACE", target: "cockpit::features", message: "82 features for LYO-07" },
];

describe("status banner", () => {
  const runs = [run(31, "succeeded", "2026-11-28T08:00:00Z"), run(30, "succeeded", "2026-11-27T08:00:00Z")];

  it("answers the three questions in words when all is well (English)", () => {
    const b = banner("en", "en-GB", NOW, health(), diagnostics(), runs);
    expect(b.status).toBe("ok");
    expect(b.title).toBe("Cockpit status: OK");
    expect(b.lines.map((l) => l.question)).toEqual(["running", "computations", "alert"]);
    expect(b.lines.map((l) => l.status)).toEqual(["ok", "ok", "ok"]);
    expect(b.lines[0].text).toBe("The cockpit is running");
    expect(b.lines[1].text).toBe("Risk computations are going well (last successful run 2 hours ago)");
    expect(b.lines[2].text).toBe("Usual alert level (3 turbines critical or high, normal band 1–4)");
  });

  it("answers in French", () => {
    const b = banner("fr", "fr-FR", NOW, health(), diagnostics(), runs);
    expect(b.title).toBe("État du cockpit : OK");
    expect(b.lines[0].text).toBe("Le cockpit fonctionne");
    expect(b.lines[1].text).toBe("Les calculs de risque se déroulent bien (dernier calcul réussi il y a 2 heures)");
    expect(b.lines[2].text).toBe("Niveau d'alerte habituel (3 éoliennes critiques ou élevées, bande normale 1–4)");
  });

  it("names the failing checks when degraded", () => {
    const b = banner("en", "en-GB", NOW, health({ freshness: "degraded", schedule: "degraded" }), diagnostics(), runs);
    expect(b.status).toBe("degraded");
    expect(b.title).toBe("Cockpit status: degraded");
    expect(b.lines[0]).toMatchObject({ status: "degraded", text: "The cockpit is running, with problems: daily run (degraded)" });
    expect(b.lines[1]).toMatchObject({
      status: "degraded",
      text: "Risk computations have problems: data freshness (degraded) — last successful run 2 hours ago",
    });
  });

  it("says the cockpit is not working when a check is in error, and the last run failed", () => {
    const failing = [run(32, "failed", "2026-11-28T09:00:00Z"), ...runs];
    const b = banner("fr", "fr-FR", NOW, health({ models: "error", onnx_runtime: "error", last_run: "error" }), diagnostics(), failing);
    expect(b.status).toBe("error");
    expect(b.title).toBe("État du cockpit : en erreur");
    expect(b.lines[0].status).toBe("error");
    expect(b.lines[0].text).toBe(
      "Le cockpit ne fonctionne pas correctement : modèles (en erreur), moteur des modèles (ONNX Runtime) (en erreur)",
    );
    expect(b.lines[1].status).toBe("error");
    expect(b.lines[1].text).toContain("dernière évaluation (en erreur)");
    expect(b.lines[1].text).toContain("dernier calcul réussi il y a 2 heures, le dernier calcul a échoué il y a 1 heure");
  });

  it("says when no run has succeeded yet", () => {
    const b = banner("en", "en-GB", NOW, health({ last_run: "error" }), diagnostics({ alert_level: { latest: null, band_low: null, band_high: null, unusual: false, message: "" } }), []);
    expect(b.lines[1].text).toBe("Risk computations have problems: last scoring run (error) — no successful run yet");
    expect(b.lines[2]).toMatchObject({ status: "unknown", text: "Alert level not known yet: no scored run" });
  });

  it("flags an unusual alert level, above or below the band", () => {
    const above = { latest: 9, band_low: 1, band_high: 4, unusual: true, message: "" };
    expect(banner("en", "en-GB", NOW, health(), diagnostics({ alert_level: above }), runs).lines[2]).toEqual({
      question: "alert",
      status: "degraded",
      text: "Unusual alert level: 9 turbines critical or high, above the normal band 1–4",
    });
    const below = { latest: 0, band_low: 2, band_high: 5, unusual: true, message: "" };
    expect(banner("fr", "fr-FR", NOW, health(), diagnostics({ alert_level: below }), runs).lines[2].text).toBe(
      "Niveau d'alerte inhabituel : 0 éoliennes critiques ou élevées, en dessous de la bande normale 2–5",
    );
    const fractional = { latest: 5, band_low: 0.8, band_high: 4.62, unusual: true, message: "" };
    expect(banner("fr", "fr-FR", NOW, health(), diagnostics({ alert_level: fractional }), runs).lines[2].text).toBe(
      "Niveau d'alerte inhabituel : 5 éoliennes critiques ou élevées, au-dessus de la bande normale 0,8–4,6",
    );
    const one = { latest: 1, band_low: null, band_high: null, unusual: false, message: "" };
    expect(banner("en", "en-GB", NOW, health(), diagnostics({ alert_level: one }), runs).lines[2].text).toBe(
      "Alert level: 1 turbine critical or high (not enough runs yet to know what is usual)",
    );
  });

  it("still answers from what succeeded when commands fail", () => {
    const b = banner("en", "en-GB", NOW, null, null, runs);
    expect(b.status).toBe("error");
    expect(b.title).toBe("Cockpit status: unknown");
    expect(b.lines.map((l) => l.status)).toEqual(["unknown", "ok", "unknown"]);
    expect(b.lines[1].text).toBe("Risk computations are going well (last successful run 2 hours ago)");
    expect(b.lines[2].text).toBe("Alert level unknown: the diagnostics could not be loaded");
    expect(banner("en", "en-GB", NOW, null, null, null).lines[1].text).toBe("Cannot tell how the risk computations are going");
  });

  it("labels every check and status in both languages", () => {
    const en = ALL_CHECKS.map((n) => checkLabel("en", n));
    const fr = ALL_CHECKS.map((n) => checkLabel("fr", n));
    expect(en).toEqual(["database", "models", "model engine (ONNX Runtime)", "daily run", "last scoring run", "errors in the last 24 h", "data freshness", "inbox folder"]);
    expect(fr).toEqual(["base de données", "modèles", "moteur des modèles (ONNX Runtime)", "évaluation quotidienne", "dernière évaluation", "erreurs des dernières 24 h", "fraîcheur des données", "dossier d'entrée"]);
    expect(checkLabel("en", "new_check")).toBe("new check");
    expect(statusLabel("fr", "degraded")).toBe("dégradé");
    expect(statusLabel("en", "error")).toBe("error");
  });

  it("says how long ago in words", () => {
    expect(formatAgo("2026-11-28T09:59:30Z", NOW, "en", "en-GB")).toBe("just now");
    expect(formatAgo("2026-11-28T09:45:00Z", NOW, "fr", "fr-FR")).toBe("il y a 15 minutes");
    expect(formatAgo("2026-11-25T10:00:00Z", NOW, "en", "en-GB")).toBe("3 days ago");
  });
});

describe("log filtering", () => {
  it("keeps the chosen level and the more severe ones", () => {
    expect(filterLogs(logs, "", "")).toHaveLength(5);
    expect(filterLogs(logs, "ERROR", "").map((l) => l.level)).toEqual(["ERROR"]);
    expect(filterLogs(logs, "WARN", "").map((l) => l.level)).toEqual(["ERROR", "WARN"]);
    expect(filterLogs(logs, "DEBUG", "").map((l) => l.level)).toEqual(["ERROR", "WARN", "INFO", "DEBUG"]);
  });
  it("searches message, module and level, every word, ignoring case and accents", () => {
    expect(filterLogs(logs, "", "RUN").map((l) => l.message)).toEqual(["run 32 failed: modèles absents", "run 31 succeeded in 812 ms"]);
    expect(filterLogs(logs, "", "modeles")).toHaveLength(1);
    expect(filterLogs(logs, "", "  cockpit::runs   succeeded ")).toHaveLength(1);
    expect(filterLogs(logs, "", "warn")).toHaveLength(1);
    expect(filterLogs(logs, "ERROR", "succeeded")).toHaveLength(0);
  });
});

describe("drift table", () => {
  beforeAll(installFakeDom);

  it("sorts by PSI, highest first, unknown last, ties by name", () => {
    expect(sortDrift(drift).map((d) => d.feature)).toEqual([
      "gearbox_oil_temp_c_mean_24h",
      "ambient_temp_c_mean_24h",
      "power_curve_residual",
      "rotor_rpm_mean_24h",
      "vibration_mm_s_max_24h",
    ]);
    expect(drift[0].feature).toBe("power_curve_residual"); // the input is not reordered
  });

  it("renders rows in that order with the status in words", () => {
    const table = fake(renderDriftTable(ctxOf("fr"), drift, true));
    expect(table.getAttribute("data-testid")).toBe("drift-table");
    const rows = table.querySelectorAll('tr[data-testid="drift-row"]');
    expect(rows.map((r) => r.getAttribute("data-feature"))).toEqual(sortDrift(drift).map((d) => d.feature));
    expect(rows.map((r) => r.getAttribute("data-status"))).toEqual(["significant", "moderate", "stable", "stable", "unknown"]);
    expect(rows[0].textContent).toBe("gearbox_oil_temp_c_mean_24h0,310dérive importante");
    expect(rows[4].textContent).toBe("vibration_mm_s_max_24h–inconnue");
    expect(driftLabel("en", "moderate")).toBe("moderate drift");
    expect(driftLabel("en", "significant")).toBe("significant drift");
  });

  it("shows the top ten unless asked for all", () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ feature: `f${String(i).padStart(2, "0")}`, psi: i / 100, status: "stable" as const }));
    const top = fake(renderDriftTable(ctxOf("en"), many, false)).querySelectorAll('[data-testid="drift-row"]');
    expect(top).toHaveLength(10);
    expect(top[0].getAttribute("data-feature")).toBe("f24");
    expect(fake(renderDriftTable(ctxOf("en"), many, true)).querySelectorAll('[data-testid="drift-row"]')).toHaveLength(25);
  });
});

/** 120 quarantined lines: 100 of an unknown turbine in scada.csv, 20 bad timestamps in old.csv. */
const QUARANTINED: QuarantinedRow[] = [
  ...Array.from({ length: 100 }, (_, i) => ({
    file: "/data/exports/scada.csv",
    line: i + 2,
    reason: "unknown_turbine",
    message: `line ${i + 2}: turbine 'ZZ-${i}' is not in the registry`,
    raw: `2026-01-01T00:00:00Z,ZZ-${i},"7,5",1200`,
  })),
  ...Array.from({ length: 20 }, (_, i) => ({
    file: "/data/exports/old.csv",
    line: i + 2,
    reason: "bad_timestamp",
    message: `line ${i + 2}: timestamp 'yesterday' is not ISO 8601`,
    raw: `yesterday,T1,7.5,1200`,
  })),
];

/** What the shell answers for `q` over QUARANTINED (same filter and paging rules). */
function quarantinePage(q: QuarantineArgs): QuarantinePage {
  const matching = QUARANTINED.filter((r) => (!q.file || r.file === q.file) && (!q.reason || r.reason === q.reason));
  const offset = q.offset ?? 0;
  const count = (key: "file" | "reason") =>
    [...new Set(QUARANTINED.map((r) => r[key]))].sort().map((name) => ({ name, count: QUARANTINED.filter((r) => r[key] === name).length }));
  return {
    rows: matching.slice(offset, offset + (q.limit ?? 100)),
    matching: matching.length,
    total: QUARANTINED.length,
    files: count("file"),
    reasons: count("reason"),
    offset,
  };
}

/** A source answering with the fixtures; `fail` names the commands that reject. */
function source(fail: Partial<Record<keyof DiagnosticsSource, ApiError>> = {}) {
  const queries: LogQuery[] = [];
  const quarantineQueries: QuarantineArgs[] = [];
  const answer = <T>(name: keyof DiagnosticsSource, v: T): Promise<T> => (fail[name] ? Promise.reject(fail[name]) : Promise.resolve(v));
  const src: DiagnosticsSource = {
    health: () => answer("health", health({ models: "error" }, { models: "no manifest.json in /tmp/empty" })),
    diagnostics: () => answer("diagnostics", diagnostics()),
    appInfo: () => answer("appInfo", info),
    runs: () => answer("runs", [run(31, "succeeded", "2026-11-28T08:00:00Z")]),
    runDurationsChart: () => answer("runDurationsChart", "<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
    recentLogs: (q) => {
      queries.push(q);
      return answer("recentLogs", filterLogs(logs, q.level ?? "", q.search ?? ""));
    },
    openLogFolder: () => answer("openLogFolder", null),
    exportDiagnosticsBundle: () => answer("exportDiagnosticsBundle", { path: "/home/op/Downloads/cockpit-diagnostics.zip" }),
    quarantine: (q) => {
      quarantineQueries.push(q);
      return answer("quarantine", quarantinePage(q));
    },
    exportQuarantineCsv: () => answer("exportQuarantineCsv", { path: "/home/op/quarantine.csv", lines: QUARANTINED.length }),
  };
  return { src, queries, quarantineQueries };
}

describe("diagnostics tab", () => {
  beforeAll(installFakeDom);
  const opts = () => ({ now: () => NOW, debounceMs: 5, logFilter: { level: "" as const, search: "" } });

  it("renders every section when all commands succeed", async () => {
    const { src } = source();
    const panel = createDiagnostics(ctxOf("en"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    const b = root.querySelector('[data-testid="health-status"]')!;
    expect(b.getAttribute("data-status")).toBe("error");
    expect(b.textContent).toContain("Cockpit status: error");
    expect(b.textContent).toContain("The cockpit is not working properly: models (error)");
    expect(b.textContent).toContain("App 0.1.0 · models 1.0.0");
    const models = root.querySelector('[data-testid="health-checks"]')!.querySelector('[data-check="models"]')!;
    expect(models.getAttribute("data-status")).toBe("error");
    expect(models.textContent).toContain("no manifest.json in /tmp/empty");
    expect(root.querySelectorAll('[data-testid="health-checks"] li')).toHaveLength(8);
    for (const id of ["alert-level", "stale-turbines", "ops-metrics", "errors-by-day", "drift-table", "run-durations-chart", "log-view", "app-info", "run-journal", "open-log-folder", "export-bundle"]) {
      expect(root.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
    }
    expect(root.querySelector('[data-testid="diagnostics-errors"]')).toBeNull();
    expect(root.querySelectorAll('[data-testid="run-row"]')).toHaveLength(1);
    // The journal shows the trigger and status as the shell phrased them.
    expect(root.querySelector('[data-testid="run-row"]')!.textContent).toContain("daily");
    expect(root.querySelector('[data-testid="run-row"]')!.textContent).toContain("succeeded");
    expect(root.querySelectorAll('[data-testid="log-line"]')).toHaveLength(5);
    expect(root.querySelectorAll('[data-testid="errors-by-day"] li')).toHaveLength(14);
    expect(plain(root.querySelector('[data-testid="ops-metrics"]')!.textContent)).toContain("Fleet scoring runs31301812 ms1.5 s");
    expect(root.querySelector('[data-testid="availability"]')!.textContent).toBe("Scheduled runs on time: 9 of 10 (90.0%)");
    expect(root.querySelector('[data-testid="app-info"]')!.textContent).toContain("/home/op/.local/share/energitech-cockpit/logs");
  });

  it("shows a clear error when the diagnostics command fails, and the banner from the rest", async () => {
    const { src } = source({ diagnostics: { code: "database", message: "database is locked", summary_en: "", summary_fr: "" } });
    const panel = createDiagnostics(ctxOf("en"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    const errors = root.querySelector('[data-testid="diagnostics-errors"]')!;
    expect(errors.getAttribute("role")).toBe("alert");
    expect(errors.textContent).toContain("Operating diagnostics: database is locked");
    const b = root.querySelector('[data-testid="health-status"]')!;
    expect(b.getAttribute("data-status")).toBe("error");
    expect(b.querySelector('[data-question="alert"]')!.textContent).toContain("Alert level unknown");
    expect(root.querySelector('[data-testid="drift-table"]')).toBeNull();
    expect(root.querySelector('[data-testid="alert-level"]')!.textContent).toContain("Not available");
    expect(root.querySelectorAll('[data-testid="run-row"]')).toHaveLength(1);
  });

  it("says so when the health check itself fails (French)", async () => {
    const { src } = source({
      health: { code: "internal", message: "the health task failed", summary_en: "", summary_fr: "" },
      runDurationsChart: { code: "no_run", message: "no scoring run yet", summary_en: "No scoring run yet.", summary_fr: "Aucune évaluation pour l'instant." },
      recentLogs: { code: "internal", message: "log folder not readable", summary_en: "", summary_fr: "" },
    });
    const panel = createDiagnostics(ctxOf("fr"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    const b = root.querySelector('[data-testid="health-status"]')!;
    expect(b.getAttribute("data-status")).toBe("error");
    expect(b.textContent).toContain("État du cockpit : inconnu");
    expect(b.textContent).toContain("Impossible de dire si le cockpit fonctionne");
    expect(b.textContent).toContain("Application 0.1.0 · modèles 1.0.0");
    expect(root.querySelector('[data-testid="diagnostics-errors"]')!.textContent).toContain("Vérification de l'état : the health task failed");
    const durations = root.querySelector('[data-testid="run-durations"]')!;
    // The core's French summary first, its technical message as a secondary detail.
    expect(durations.textContent).toContain("Aucune évaluation pour l'instant.");
    expect(durations.querySelector('small[class="error-detail"]')!.textContent).toBe("no scoring run yet");
    expect(root.querySelector('[data-testid="log-view"]')!.textContent).toContain("log folder not readable");
  });

  it("filters the logs as the user types, then asks the shell", async () => {
    const { src, queries } = source();
    const panel = createDiagnostics(ctxOf("en"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    const search = root.querySelector('[data-testid="log-search"]')!;
    expect(search.tagName).toBe("INPUT");
    search.value = "ingest";
    await search.fire("input");
    // At once, over what was fetched.
    expect(root.querySelectorAll('[data-testid="log-line"]').map((l) => l.getAttribute("data-level"))).toEqual(["WARN"]);
    expect(root.querySelector('[data-testid="log-shown"]')!.textContent).toBe("Lines shown: 1 of 5");
    await new Promise((r) => setTimeout(r, 20));
    expect(queries.at(-1)).toEqual({ limit: 500, level: null, search: "ingest" });
    const level = root.querySelector('[data-testid="log-level-filter"]')!;
    level.value = "ERROR";
    await level.fire("change");
    expect(root.querySelector('[data-testid="log-shown"]')!.textContent).toBe("No log line matches.");
    await settle();
    expect(queries.at(-1)).toEqual({ limit: 500, level: "ERROR", search: "ingest" });
    search.value = "";
    await search.fire("input");
    await new Promise((r) => setTimeout(r, 20));
    expect(root.querySelectorAll('[data-testid="log-line"]').map((l) => l.getAttribute("data-level"))).toEqual(["ERROR"]);
  });

  it("exports the bundle and says where, or why not", async () => {
    const ok = source();
    const panel = createDiagnostics(ctxOf("en"), ok.src, opts());
    await panel.ready;
    const root = fake(panel.element);
    await root.querySelector('[data-testid="export-bundle"]')!.fire("click");
    expect(root.querySelector('[data-testid="diag-action-status"]')!.textContent).toBe(
      "Diagnostics bundle saved to /home/op/Downloads/cockpit-diagnostics.zip",
    );
    const bad = source({ openLogFolder: { code: "internal", message: "no file manager", summary_en: "", summary_fr: "" } });
    const p2 = createDiagnostics(ctxOf("en"), bad.src, opts());
    await p2.ready;
    const r2 = fake(p2.element);
    await r2.querySelector('[data-testid="open-log-folder"]')!.fire("click");
    const status = r2.querySelector('[data-testid="diag-action-status"]')!;
    expect(status.textContent).toBe("no file manager");
    expect(status.getAttribute("data-kind")).toBe("error");
  });

  it("lists stale turbines", async () => {
    const { src } = source();
    src.diagnostics = () =>
      Promise.resolve(
        diagnostics({
          freshness: {
            threshold_hours: 24,
            fresh: 18,
            stale: [
              { turbine_id: "LYO-07", last_data: "2026-11-26T10:00:00Z", hours: 48 },
              { turbine_id: "LYO-12", last_data: null, hours: null },
            ],
          },
        }),
      );
    const panel = createDiagnostics(ctxOf("en"), src, opts());
    await panel.ready;
    const stale = fake(panel.element).querySelector('[data-testid="stale-turbines"]')!;
    expect(stale.getAttribute("data-stale")).toBe("2");
    expect(stale.textContent).toContain("2 turbines without data for more than 24 h (18 up to date):");
    expect(stale.querySelectorAll('[data-testid="stale-turbine"]').map((r) => r.textContent)).toEqual([
      "LYO-0726 Nov 2026, 10:0048 h ago",
      "LYO-12never–",
    ]);
  });
});

describe("quarantine in diagnostics", () => {
  beforeAll(installFakeDom);
  const opts = () => ({ now: () => NOW, debounceMs: 5, logFilter: { level: "" as const, search: "" } });
  const rows = (root: ReturnType<typeof fake>) => root.querySelectorAll('[data-testid="quarantine-row"]');

  it("shows a page of lines with file, line, reason and raw text, and pages through the rest", async () => {
    const { src, quarantineQueries } = source();
    const panel = createDiagnostics(ctxOf("en"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    expect(rows(root)).toHaveLength(50);
    const first = rows(root)[0];
    expect(first.textContent).toContain("scada.csv");
    expect(first.textContent).toContain("unknown_turbine");
    expect(first.textContent).toContain('2026-01-01T00:00:00Z,ZZ-0,"7,5",1200');
    expect(root.querySelector('[data-testid="quarantine-shown"]')!.textContent).toBe("Lines 1–50 of 120");
    expect(root.querySelector('[data-testid="quarantine-prev"]')!.disabled).toBe(true);
    await root.querySelector('[data-testid="quarantine-next"]')!.fire("click");
    await settle();
    expect(quarantineQueries.at(-1)).toMatchObject({ offset: 50, limit: 50 });
    await root.querySelector('[data-testid="quarantine-next"]')!.fire("click");
    await settle();
    expect(root.querySelector('[data-testid="quarantine-shown"]')!.textContent).toBe("Lines 101–120 of 120");
    expect(rows(root)).toHaveLength(20);
    expect(root.querySelector('[data-testid="quarantine-next"]')!.disabled).toBe(true);
  });

  it("filters by file and by reason, and says when nothing matches", async () => {
    const { src, quarantineQueries } = source();
    const panel = createDiagnostics(ctxOf("fr"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    const file = root.querySelector('[data-testid="quarantine-file"]')!;
    // Every file is offered by its name with its count.
    expect(file.textContent).toContain("old.csv (20)");
    expect(file.textContent).toContain("scada.csv (100)");
    file.value = "/data/exports/old.csv";
    await file.fire("change");
    expect(quarantineQueries.at(-1)).toMatchObject({ file: "/data/exports/old.csv", offset: 0 });
    expect(rows(root)).toHaveLength(20);
    expect(rows(root).every((r) => r.getAttribute("data-reason") === "bad_timestamp")).toBe(true);
    expect(root.querySelector('[data-testid="quarantine-shown"]')!.textContent).toBe("Lignes 1 à 20 sur 20");
    const reason = root.querySelector('[data-testid="quarantine-reason"]')!;
    reason.value = "unknown_turbine";
    await reason.fire("change");
    expect(rows(root)).toHaveLength(0);
    expect(root.querySelector('[data-testid="quarantine-shown"]')!.textContent).toBe(
      "Aucune ligne en quarantaine ne correspond à ces filtres.",
    );
  });

  it("exports every line as CSV and says where, or why not", async () => {
    const { src } = source();
    const panel = createDiagnostics(ctxOf("en"), src, opts());
    await panel.ready;
    const root = fake(panel.element);
    await root.querySelector('[data-testid="quarantine-export"]')!.fire("click");
    expect(root.querySelector('[data-testid="quarantine-status"]')!.textContent).toBe("120 quarantined lines saved to /home/op/quarantine.csv");
    const bad = source({
      exportQuarantineCsv: {
        code: "quarantine_export",
        message: "/ro/q.csv: cannot write the quarantined lines as CSV: Permission denied",
        summary_en: "The quarantined lines could not be exported.",
        summary_fr: "",
      },
    });
    const p2 = createDiagnostics(ctxOf("en"), bad.src, opts());
    await p2.ready;
    const r2 = fake(p2.element);
    await r2.querySelector('[data-testid="quarantine-export"]')!.fire("click");
    const st = r2.querySelector('[data-testid="quarantine-status"]')!;
    expect(st.textContent).toBe("The quarantined lines could not be exported.");
    expect(st.getAttribute("data-kind")).toBe("error");
    expect(st.getAttribute("title")).toContain("Permission denied");
  });
});
