// The diagnostics cards below: operations and errors per day, models and input drift, versions and
// folders, the run journal.
import type { Category, CategoryLabels, DiagnosticsPage, FeatureDrift, RunRow } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { formatDateTime, formatDuration, formatNumber, formatPercent } from "../../format";
import { capitalize, driftCounts, driftLabel, operationLabel, sortDrift } from "../../health";
import { t } from "../../i18n";
import { card, statusPill, unavailable } from "./cards";
import { DRIFT_TOP, type Loaded } from "./types";

export function ms(v: number | null, locale: string): string {
  return v === null || !Number.isFinite(v) ? "–" : formatDuration(Math.round(v), locale);
}

export function renderOps(ctx: Ctx, d: DiagnosticsPage | null): HTMLElement {
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

export function dayLabel(day: string, locale: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

export function renderErrorsByDay(ctx: Ctx, d: DiagnosticsPage | null): HTMLElement {
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

export function renderModels(ctx: Ctx, data: Loaded, view: { allDrift: boolean }): HTMLElement {
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

export function renderFacts(ctx: Ctx, data: Loaded, actions: HTMLElement): HTMLElement {
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

/** The run journal; the category columns are named in the core's words (`labels`, from the
 * diagnostics command; the category ids when it failed). */
export function renderJournal(ctx: Ctx, runs: RunRow[], labels: CategoryLabels | null): HTMLElement {
  const lang = ctx.lang;
  const cat = (c: Category) => (labels ? capitalize(labels[c]) : c);
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
          cat("critical"),
          cat("high"),
          cat("moderate"),
          cat("low"),
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
          h("td", {}, r.text.trigger),
          h("td", {}, formatDateTime(r.started_at, ctx.locale)),
          h("td", {}, r.text.status),
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

