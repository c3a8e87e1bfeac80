// Diagnostics: a status banner answering "is the cockpit running? are the risk computations going
// well? is the fleet's alert level unusual?", the health checks, the fleet alert level, data
// freshness, operations and errors per day, run durations, models and input drift, recent log
// lines, versions and folders (with the log folder and a diagnostics bundle for support), and the
// run journal. Each command can fail on its own: what succeeded is shown, what failed is said.
import {
  asApiError,
  type ApiError,
  type AppInfo,
  type DiagnosticsReport,
  type FeatureDrift,
  type HealthReport,
  type LogLevel,
  type LogLine,
  type LogQuery,
  type RunRecord,
} from "../api";
import type { Ctx } from "../context";
import { h, svgImage } from "../dom";
import { formatDateTime, formatDuration, formatNumber, formatPercent } from "../format";
import {
  banner,
  capitalize,
  checkLabel,
  driftCounts,
  driftLabel,
  FILTER_LEVELS,
  filterLogs,
  levelFilterLabel,
  levelWord,
  operationLabel,
  sortDrift,
  statusLabel,
  type Banner,
  type Tone,
} from "../health";
import { errorText, statusText, t, triggerText, type Key, type Lang } from "../i18n";

/** The commands this tab uses (`api` in the app, a mock in tests). */
export interface DiagnosticsSource {
  health(): Promise<HealthReport>;
  diagnostics(): Promise<DiagnosticsReport>;
  appInfo(): Promise<AppInfo>;
  runs(limit: number): Promise<RunRecord[]>;
  runDurationsChart(lang: string): Promise<string>;
  recentLogs(q: LogQuery): Promise<LogLine[]>;
  openLogFolder(): Promise<null>;
  exportDiagnosticsBundle(): Promise<{ path: string }>;
}

/** What was loaded; null where the command failed (its error is in `errors`). */
export interface Loaded {
  health: HealthReport | null;
  diagnostics: DiagnosticsReport | null;
  info: AppInfo | null;
  runs: RunRecord[] | null;
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
}

export interface DiagnosticsPanel {
  element: HTMLElement;
  lang: Lang;
  /** Queries every command again and updates the tab in place. */
  reload(): Promise<void>;
  /** The first load. */
  ready: Promise<void>;
}

const RUNS_SHOWN = 100;
const DRIFT_TOP = 10;
const RECENT_RUNS = 7;
const ICON: Record<Tone, string> = { ok: "✓", degraded: "!", error: "✕", unknown: "?" };

/** The filter of the log view, for this session. */
const rememberedFilter: LogFilter = { level: "", search: "" };

/** Every command at once; each may fail without the others. */
export async function loadDiagnostics(src: DiagnosticsSource): Promise<Loaded> {
  const [health, diagnostics, info, runs] = await Promise.allSettled([
    src.health(),
    src.diagnostics(),
    src.appInfo(),
    src.runs(RUNS_SHOWN),
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

// ---------------------------------------------------------------------------------------------
// Pieces

function toneIcon(tone: Tone): HTMLElement {
  return h("span", { class: `tone tone-${tone}`, "aria-hidden": "true" }, ICON[tone]);
}

/** A status written as a word, coloured. */
function statusPill(lang: Lang, tone: Tone): HTMLElement {
  return h("span", { class: `pill pill-${tone}` }, statusLabel(lang, tone));
}

function card(title: string, testid: string | null, ...body: (Node | null)[]): HTMLElement {
  return h("section", { class: "card", "data-testid": testid }, h("h3", {}, title), ...body);
}

function unavailable(lang: Lang): HTMLElement {
  return h("p", { class: "muted" }, t(lang, "unavailable"));
}

export function renderBanner(ctx: Ctx, b: Banner, health: HealthReport | null, info: AppInfo | null): HTMLElement {
  const lang = ctx.lang;
  const app = health?.app_version ?? info?.appVersion ?? "–";
  const model = health?.model_version ?? info?.modelVersion ?? t(lang, "none");
  return h(
    "section",
    { class: `card banner banner-${b.status}`, "data-testid": "health-status", "data-status": b.status, "aria-labelledby": "health-title" },
    h("h2", { id: "health-title" }, toneIcon(b.status), b.title),
    h(
      "ul",
      { class: "answers" },
      b.lines.map((l) =>
        h("li", { "data-question": l.question, "data-status": l.status }, toneIcon(l.status), h("span", {}, l.text)),
      ),
    ),
    h(
      "p",
      { class: "muted versions", "data-testid": "versions" },
      t(lang, "versionsLine", { app, model }),
      health ? ` · ${t(lang, "healthCheckedAt", { date: formatDateTime(health.checked_at, ctx.locale) })}` : "",
    ),
  );
}

export function renderChecks(ctx: Ctx, health: HealthReport | null): HTMLElement {
  const lang = ctx.lang;
  return card(
    t(lang, "healthChecks"),
    null,
    health
      ? h(
          "ul",
          { class: "checks", "data-testid": "health-checks" },
          health.checks.map((c) =>
            h(
              "li",
              { "data-check": c.name, "data-status": c.status },
              toneIcon(c.status),
              h("span", { class: "check-name" }, capitalize(checkLabel(lang, c.name))),
              statusPill(lang, c.status),
              c.message ? h("span", { class: "check-detail" }, c.message) : null,
            ),
          ),
        )
      : h("p", { class: "muted", "data-testid": "health-checks" }, t(lang, "qRunningUnknown")),
  );
}

function renderErrors(lang: Lang, errors: Loaded["errors"]): HTMLElement | null {
  if (!errors.length) return null;
  return h(
    "section",
    { class: "card error-box", role: "alert", "data-testid": "diagnostics-errors" },
    h("h3", {}, t(lang, "diagErrorsTitle")),
    h(
      "ul",
      {},
      errors.map((e) => h("li", { "data-code": e.error.code }, t(lang, e.key, { message: errorText(lang, e.error) }))),
    ),
  );
}

function renderAlertLevel(ctx: Ctx, b: Banner, d: DiagnosticsReport | null): HTMLElement {
  const lang = ctx.lang;
  const line = b.lines.find((l) => l.question === "alert")!;
  if (!d) return card(t(lang, "alertLevelTitle"), "alert-level", unavailable(lang));
  const recent = [...d.categories].sort((a, b) => b.run - a.run).slice(0, RECENT_RUNS);
  const el = card(
    t(lang, "alertLevelTitle"),
    "alert-level",
    h("p", { class: `alert-sentence tone-text-${line.status}` }, toneIcon(line.status), line.text),
    d.alert_level.message && d.alert_level.latest !== null ? h("p", { class: "muted" }, d.alert_level.message) : null,
    recent.length
      ? h(
          "table",
          { class: "compact" },
          h("caption", {}, t(lang, "alertRecent")),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t(lang, "run")),
              h("th", { scope: "col" }, t(lang, "dataAsOfCol")),
              ...(["critical", "high", "moderate", "low"] as const).map((c) => h("th", { scope: "col", class: "num" }, capitalize(t(lang, c)))),
            ),
          ),
          h(
            "tbody",
            {},
            recent.map((r) =>
              h(
                "tr",
                {},
                h("td", { class: "num" }, r.run),
                h("td", {}, formatDateTime(r.as_of, ctx.locale)),
                h("td", { class: "num" }, r.critical),
                h("td", { class: "num" }, r.high),
                h("td", { class: "num" }, r.moderate),
                h("td", { class: "num" }, r.low),
              ),
            ),
          ),
        )
      : null,
  );
  el.setAttribute("data-unusual", d.alert_level.unusual ? "true" : "false");
  return el;
}

function renderFreshness(ctx: Ctx, d: DiagnosticsReport | null): HTMLElement {
  const lang = ctx.lang;
  if (!d) return card(t(lang, "staleTitle"), "stale-turbines", unavailable(lang));
  const f = d.freshness;
  const hours = formatNumber(f.threshold_hours, ctx.locale, 0);
  const el = card(
    t(lang, "staleTitle"),
    "stale-turbines",
    f.stale.length === 0
      ? h("p", { class: "tone-text-ok" }, toneIcon("ok"), t(lang, "staleNone", { n: f.fresh, h: hours }))
      : h(
          "p",
          { class: "tone-text-degraded" },
          toneIcon("degraded"),
          t(lang, "staleSome", {
            n: f.stale.length,
            turbines: t(lang, f.stale.length === 1 ? "turbineOne" : "turbineMany"),
            h: hours,
            fresh: f.fresh,
          }),
        ),
    f.stale.length
      ? h(
          "table",
          { class: "compact" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t(lang, "turbine")),
              h("th", { scope: "col" }, t(lang, "lastData")),
              h("th", { scope: "col", class: "num" }, ""),
            ),
          ),
          h(
            "tbody",
            {},
            f.stale.map((s) =>
              h(
                "tr",
                { "data-testid": "stale-turbine", "data-turbine-id": s.turbine_id },
                h("th", { scope: "row" }, s.turbine_id),
                h("td", {}, s.last_data ? formatDateTime(s.last_data, ctx.locale) : t(lang, "neverReceived")),
                h("td", { class: "num" }, s.hours === null ? "–" : t(lang, "hoursAgo", { h: formatNumber(s.hours, ctx.locale, 0) })),
              ),
            ),
          ),
        )
      : null,
  );
  el.setAttribute("data-stale", String(f.stale.length));
  return el;
}

function ms(v: number | null, locale: string): string {
  return v === null || !Number.isFinite(v) ? "–" : formatDuration(Math.round(v), locale);
}

function renderOps(ctx: Ctx, d: DiagnosticsReport | null): HTMLElement {
  const lang = ctx.lang;
  if (!d) return card(t(lang, "opsTitle"), "ops-metrics", unavailable(lang));
  const a = d.availability;
  return card(
    t(lang, "opsTitle"),
    "ops-metrics",
    h(
      "table",
      { class: "compact" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t(lang, "operation")),
          ...(["count", "succeededCol", "failedCol", "meanCol", "p95Col"] as const).map((k) => h("th", { scope: "col", class: "num" }, t(lang, k))),
        ),
      ),
      h(
        "tbody",
        {},
        d.metrics.map((m) =>
          h(
            "tr",
            { "data-operation": m.operation, class: m.failed > 0 ? "has-failures" : "" },
            h("th", { scope: "row" }, operationLabel(lang, m.operation)),
            h("td", { class: "num" }, formatNumber(m.count, ctx.locale, 0)),
            h("td", { class: "num" }, formatNumber(m.succeeded, ctx.locale, 0)),
            h("td", { class: "num" }, formatNumber(m.failed, ctx.locale, 0)),
            h("td", { class: "num" }, ms(m.mean_ms, ctx.locale)),
            h("td", { class: "num" }, ms(m.p95_ms, ctx.locale)),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "availability", "data-testid": "availability" },
      a.scheduled > 0
        ? t(lang, "availability", { ok: a.on_time_ok, n: a.scheduled, pct: formatPercent(a.ratio, ctx.locale) })
        : t(lang, "availabilityNone"),
    ),
  );
}

function dayLabel(day: string, locale: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

function renderErrorsByDay(ctx: Ctx, d: DiagnosticsReport | null): HTMLElement {
  const lang = ctx.lang;
  if (!d) return card(t(lang, "errorsByDayTitle"), "errors-by-day", unavailable(lang));
  const days = d.errors_by_day;
  const total = days.reduce((s, x) => s + x.errors, 0);
  const max = Math.max(1, ...days.map((x) => x.errors));
  return card(
    t(lang, "errorsByDayTitle"),
    "errors-by-day",
    h(
      "p",
      { class: total ? "tone-text-degraded" : "tone-text-ok" },
      total === 0 ? t(lang, "errorsTotalNone") : total === 1 ? t(lang, "errorsTotalOne") : t(lang, "errorsTotal", { n: formatNumber(total, ctx.locale, 0) }),
    ),
    h(
      "ol",
      { class: "day-bars" },
      days.map((x) => {
        const label = dayLabel(x.day, ctx.locale);
        return h(
          "li",
          { "data-day": x.day, "data-errors": x.errors },
          h("span", { class: "sr-only" }, t(lang, "errorsDay", { date: label, n: x.errors })),
          h("span", { class: "day-n", "aria-hidden": "true" }, x.errors ? x.errors : ""),
          h(
            "span",
            { class: "day-bar-wrap", "aria-hidden": "true" },
            h("span", { class: x.errors ? "day-bar" : "day-bar zero", style: `height: ${x.errors ? Math.max(4, (100 * x.errors) / max) : 0}%` }),
          ),
          h("span", { class: "day-label", "aria-hidden": "true" }, label),
        );
      }),
    ),
  );
}

/** The drift table, highest PSI first; the top rows unless `all`. */
export function renderDriftTable(ctx: Ctx, drift: FeatureDrift[], all: boolean): HTMLElement {
  const lang = ctx.lang;
  const rows = sortDrift(drift);
  const shown = all ? rows : rows.slice(0, DRIFT_TOP);
  return h(
    "table",
    { class: "compact drift", "data-testid": "drift-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t(lang, "feature")),
        h("th", { scope: "col", class: "num" }, t(lang, "psi")),
        h("th", { scope: "col" }, t(lang, "status")),
      ),
    ),
    h(
      "tbody",
      {},
      shown.map((d) =>
        h(
          "tr",
          { "data-testid": "drift-row", "data-feature": d.feature, "data-status": d.status },
          h("th", { scope: "row", class: "feature" }, d.feature),
          h("td", { class: "num" }, d.psi === null || !Number.isFinite(d.psi) ? "–" : formatNumber(d.psi, ctx.locale, 3)),
          h("td", {}, h("span", { class: `drift-status drift-${d.status}` }, driftLabel(lang, d.status))),
        ),
      ),
    ),
  );
}

function renderModels(ctx: Ctx, data: Loaded, view: { allDrift: boolean }): HTMLElement {
  const lang = ctx.lang;
  const d = data.diagnostics;
  const check = data.health?.checks.find((c) => c.name === "models");
  const version = data.health?.model_version ?? data.info?.modelVersion ?? null;
  const head = h(
    "dl",
    { class: "facts" },
    h("dt", {}, t(lang, "modelVersion")),
    h("dd", { "data-testid": "model-version" }, version ?? `${t(lang, "none")}${data.info?.modelsError ? ` — ${data.info.modelsError}` : ""}`),
    check ? h("dt", {}, t(lang, "status")) : null,
    check ? h("dd", {}, statusPill(lang, check.status), " ", check.message) : null,
  );
  if (!d) return card(t(lang, "modelDriftTitle"), "models", head, unavailable(lang));
  const counts = driftCounts(d.drift);
  const tableSlot = h("div", { class: "table-wrap" });
  const toggle = h("button", { type: "button", "data-testid": "drift-toggle", "aria-expanded": "false" });
  const paint = () => {
    tableSlot.replaceChildren(renderDriftTable(ctx, d.drift, view.allDrift));
    toggle.textContent = view.allDrift ? t(lang, "driftShowTop", { n: DRIFT_TOP }) : t(lang, "driftShowAll", { n: d.drift.length });
    toggle.setAttribute("aria-expanded", view.allDrift ? "true" : "false");
  };
  toggle.addEventListener("click", () => {
    view.allDrift = !view.allDrift;
    paint();
  });
  paint();
  return card(
    t(lang, "modelDriftTitle"),
    "models",
    head,
    h("p", { class: "muted" }, t(lang, "driftHelp")),
    d.drift.length
      ? h("p", { "data-testid": "drift-summary" }, t(lang, "driftSummary", { ...counts }))
      : h("p", { class: "muted" }, t(lang, "driftNone")),
    d.drift.length ? tableSlot : null,
    d.drift.length > DRIFT_TOP ? h("p", {}, toggle) : null,
  );
}

function renderFacts(ctx: Ctx, data: Loaded, actions: HTMLElement): HTMLElement {
  const lang = ctx.lang;
  const info = data.info;
  const facts: [string, string][] = [];
  const app = info?.appVersion ?? data.health?.app_version;
  const model = info?.modelVersion ?? data.health?.model_version ?? null;
  if (app) facts.push([t(lang, "appVersion"), app]);
  facts.push([t(lang, "modelVersion"), model ?? `${t(lang, "none")}${info?.modelsError ? ` — ${info.modelsError}` : ""}`]);
  if (info) {
    facts.push([t(lang, "modelsFolder"), info.modelsDir], [t(lang, "database"), info.database], [t(lang, "inbox"), info.inbox]);
  }
  if (data.diagnostics) facts.push([t(lang, "logFolder"), data.diagnostics.log_dir]);
  return h(
    "section",
    { class: "card" },
    h("h3", {}, t(lang, "appFacts")),
    h("dl", { class: "facts", "data-testid": "app-info" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    actions,
  );
}

export function renderJournal(ctx: Ctx, runs: RunRecord[]): HTMLElement {
  const lang = ctx.lang;
  return h(
    "table",
    { class: "journal", "data-testid": "run-journal" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [
          t(lang, "run"),
          t(lang, "trigger"),
          t(lang, "started"),
          t(lang, "status"),
          t(lang, "duration"),
          t(lang, "dataAsOfCol"),
          t(lang, "turbines"),
          t(lang, "critical"),
          t(lang, "high"),
          t(lang, "moderate"),
          t(lang, "low"),
          t(lang, "modelVersion"),
          t(lang, "error"),
        ].map((x) => h("th", { scope: "col" }, x)),
      ),
    ),
    h(
      "tbody",
      {},
      runs.map((r) =>
        h(
          "tr",
          { "data-testid": "run-row", "data-run-id": r.id, class: r.status === "failed" ? "failed" : "" },
          h("td", { class: "num" }, r.id),
          h("td", {}, triggerText(lang, r.trigger)),
          h("td", {}, formatDateTime(r.started_at, ctx.locale)),
          h("td", {}, statusText(lang, r.status)),
          h("td", { class: "num" }, formatDuration(r.duration_ms, ctx.locale)),
          h("td", {}, formatDateTime(r.as_of, ctx.locale)),
          h("td", { class: "num" }, r.turbines),
          h("td", { class: "num" }, r.counts.critical),
          h("td", { class: "num" }, r.counts.high),
          h("td", { class: "num" }, r.counts.moderate),
          h("td", { class: "num" }, r.counts.low),
          h("td", {}, r.model_version ?? "–"),
          h("td", { class: "reason" }, r.error ?? ""),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Log view

interface LogView {
  element: HTMLElement;
  reload(): Promise<void>;
}

function logLine(ctx: Ctx, l: LogLine): HTMLElement {
  const d = new Date(l.ts);
  const time = Number.isNaN(d.getTime())
    ? l.ts
    : new Intl.DateTimeFormat(ctx.locale, { dateStyle: "short", timeStyle: "medium" }).format(d);
  const level = l.level.toUpperCase();
  return h(
    "li",
    { class: `log-line lvl-${level.toLowerCase()}`, "data-testid": "log-line", "data-level": level },
    h("time", { datetime: l.ts }, time),
    h("span", { class: "lvl" }, levelWord(ctx.lang, level)),
    h("span", { class: "target" }, l.target),
    h("span", { class: "msg" }, l.message),
  );
}

function logView(ctx: Ctx, src: DiagnosticsSource, filter: LogFilter, opts: Required<Pick<Options, "debounceMs" | "logLimit">>): LogView {
  const lang = ctx.lang;
  let lines: LogLine[] = [];
  let error: ApiError | null = null;
  let loaded = false;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const select = h(
    "select",
    { id: "log-level", "data-testid": "log-level-filter" },
    h("option", { value: "" }, t(lang, "logAll")),
    FILTER_LEVELS.map((l) => h("option", { value: l }, capitalize(levelFilterLabel(lang, l)))),
  );
  select.value = filter.level;
  const input = h("input", {
    type: "search",
    id: "log-search",
    "data-testid": "log-search",
    placeholder: t(lang, "logSearchPlaceholder"),
    autocomplete: "off",
    spellcheck: "false",
  });
  input.value = filter.search;
  const shown = h("p", { class: "muted shown", "aria-live": "polite", "data-testid": "log-shown" });
  const list = h("ol", { class: "log-lines" });
  const errorSlot = h("div", {});

  const paint = () => {
    const visible = filterLogs(lines, filter.level, filter.search);
    list.replaceChildren(...visible.map((l) => logLine(ctx, l)));
    errorSlot.replaceChildren(error ? h("p", { class: "error", role: "alert" }, errorText(lang, error)) : "");
    shown.textContent = !loaded
      ? t(lang, "loading")
      : visible.length
        ? t(lang, "logShown", { n: visible.length, total: lines.length })
        : t(lang, "logNone");
  };

  /** Asks the shell for the lines matching the filter (the newest answer wins). */
  const query = async () => {
    const mine = ++seq;
    const search = filter.search.trim();
    try {
      // TRACE and above is everything.
      const level = filter.level && filter.level !== "TRACE" ? filter.level : null;
      const got = await src.recentLogs({ limit: opts.logLimit, level, search: search || null });
      if (mine !== seq) return;
      lines = got;
      error = null;
    } catch (e) {
      if (mine !== seq) return;
      error = asApiError(e);
    }
    loaded = true;
    paint();
  };

  select.addEventListener("change", () => {
    filter.level = select.value as LogLevel | "";
    paint();
    clearTimeout(timer);
    void query();
  });
  input.addEventListener("input", () => {
    filter.search = input.value;
    // At once over what was fetched, then from the shell once the user pauses.
    paint();
    clearTimeout(timer);
    timer = setTimeout(() => void query(), opts.debounceMs);
  });

  const element = h(
    "section",
    { class: "card logs", "data-testid": "log-view" },
    h("h3", { id: "logs-title" }, t(lang, "logsTitle")),
    h(
      "div",
      { class: "filters" },
      h("label", { for: "log-level" }, t(lang, "logLevel"), select),
      h("label", { for: "log-search", class: "grow" }, t(lang, "logSearch"), input),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", "data-testid": "log-refresh", onclick: () => void query() }, t(lang, "refresh")),
      ),
    ),
    shown,
    errorSlot,
    h("div", { class: "log-scroll", tabindex: 0, role: "region", "aria-label": t(lang, "logsRegion") }, list),
  );
  paint();
  return { element, reload: query };
}

// ---------------------------------------------------------------------------------------------
// Actions: open the log folder, export a diagnostics bundle

function actionsBar(lang: Lang, src: DiagnosticsSource): HTMLElement {
  const status = h("p", { class: "action-status", role: "status", "aria-live": "polite", "data-testid": "diag-action-status" });
  const say = (text: string, kind: "info" | "ok" | "error") => {
    status.textContent = text;
    status.setAttribute("data-kind", kind);
  };
  const open = h(
    "button",
    {
      type: "button",
      "data-testid": "open-log-folder",
      onclick: async () => {
        try {
          await src.openLogFolder();
          say(t(lang, "folderOpened"), "ok");
        } catch (e) {
          say(errorText(lang, asApiError(e)), "error");
        }
      },
    },
    t(lang, "openLogFolder"),
  );
  const exportBtn: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      class: "primary",
      "data-testid": "export-bundle",
      "aria-describedby": "export-help",
      onclick: async () => {
        exportBtn.disabled = true;
        exportBtn.setAttribute("aria-busy", "true");
        say(t(lang, "exporting"), "info");
        try {
          const r = await src.exportDiagnosticsBundle();
          say(t(lang, "bundleSaved", { path: r.path }), "ok");
        } catch (e) {
          say(errorText(lang, asApiError(e)), "error");
        } finally {
          exportBtn.disabled = false;
          exportBtn.setAttribute("aria-busy", "false");
        }
      },
    },
    t(lang, "exportBundle"),
  );
  return h(
    "div",
    { class: "diag-actions" },
    h("div", { class: "buttons" }, open, exportBtn),
    h("p", { class: "muted", id: "export-help" }, t(lang, "exportBundleHelp")),
    status,
  );
}

// ---------------------------------------------------------------------------------------------
// The tab

/** The data-testid of the focused element inside `root`, to focus it again after an update. */
function focusedTestId(root: HTMLElement): string | null {
  const a = typeof document !== "undefined" ? (document.activeElement as HTMLElement | null) : null;
  if (!a || typeof root.contains !== "function" || !root.contains(a)) return null;
  return a.getAttribute?.("data-testid") ?? null;
}

export function createDiagnostics(ctx: Ctx, src: DiagnosticsSource, opts: Options = {}): DiagnosticsPanel {
  const lang = ctx.lang;
  const now = opts.now ?? (() => new Date());
  const view = { allDrift: false };
  const errorsSlot = h("div", {});
  const bannerSlot = h("div", { class: "diag-banner" }, h("p", { class: "muted" }, t(lang, "loading")));
  const checksSlot = h("div", { class: "diag-checks" });
  const gridSlot = h("div", { class: "diag-grid" });
  const chartSlot = h("div", { class: "chart-slot" }, t(lang, "loading"));
  const modelsSlot = h("div", {});
  const factsSlot = h("div", {});
  const journalSlot = h("div", { class: "table-wrap" });
  const actions = actionsBar(lang, src);
  const logs = logView(ctx, src, opts.logFilter ?? rememberedFilter, {
    debounceMs: opts.debounceMs ?? 250,
    logLimit: opts.logLimit ?? 500,
  });
  const element = h(
    "section",
    { class: "diagnostics", "data-testid": "diagnostics", "aria-busy": "true" },
    errorsSlot,
    h("div", { class: "diag-top" }, bannerSlot, checksSlot),
    gridSlot,
    h(
      "figure",
      { class: "card chart-card", "data-testid": "run-durations" },
      h("h3", {}, t(lang, "runDurationsTitle")),
      chartSlot,
    ),
    modelsSlot,
    logs.element,
    factsSlot,
    h("section", { class: "card" }, h("h3", {}, t(lang, "runJournal")), journalSlot),
  );

  const paint = (data: Loaded) => {
    const focused = focusedTestId(element);
    const b = banner(lang, ctx.locale, now(), data.health, data.diagnostics, data.runs);
    errorsSlot.replaceChildren(renderErrors(lang, data.errors) ?? "");
    bannerSlot.replaceChildren(renderBanner(ctx, b, data.health, data.info));
    checksSlot.replaceChildren(renderChecks(ctx, data.health));
    gridSlot.replaceChildren(
      renderAlertLevel(ctx, b, data.diagnostics),
      renderFreshness(ctx, data.diagnostics),
      renderOps(ctx, data.diagnostics),
      renderErrorsByDay(ctx, data.diagnostics),
    );
    modelsSlot.replaceChildren(renderModels(ctx, data, view));
    factsSlot.replaceChildren(renderFacts(ctx, data, actions));
    journalSlot.replaceChildren(
      data.runs
        ? data.runs.length
          ? renderJournal(ctx, data.runs)
          : h("div", {}, renderJournal(ctx, []), h("p", { class: "muted" }, t(lang, "journalEmpty")))
        : h("p", { class: "error", "data-testid": "run-journal" }, errorText(lang, data.errors.find((e) => e.key === "failRuns")!.error)),
    );
    element.removeAttribute("aria-busy");
    if (focused) element.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  };

  const loadChart = () =>
    src
      .runDurationsChart(lang)
      .then((svg) => chartSlot.replaceChildren(svgImage(svg, t(lang, "runDurationsAlt"), "run-durations-chart")))
      .catch((e) => chartSlot.replaceChildren(h("p", { class: "error", role: "alert" }, errorText(lang, asApiError(e)))));

  const reload = async () => {
    await Promise.all([loadDiagnostics(src).then(paint), loadChart(), logs.reload()]);
  };
  return { element, lang, reload, ready: reload() };
}
