// Diagnostics: a status banner answering "is the cockpit running? are the risk computations going
// well? is the fleet's alert level unusual?", the health checks, the fleet alert level, data
// freshness, operations and errors per day, run durations, models and input drift, recent log
// lines, the quarantined input lines (with their CSV export), versions and folders (with the log
// folder and a diagnostics bundle for support), and the run journal. Each command can fail on its own: what succeeded is shown, what failed is said.
//
// This file is the tab itself; its pieces live in `diagnostics/`: `types.ts` (commands, loading),
// `cards.ts` (banner, checks, alert level, freshness), `operations.ts` (operations, errors per
// day, models and drift, facts, run journal), `logs.ts` (log lines), `quarantine.ts` (quarantined
// lines), `actions.ts` (log folder, bundle), `modelsets.ts` (model sets: candidate, comparison,
// promote, rollback, history), `background.ts` (the background service: the switch, who handles
// the daily run), `notifications.ts` (notifications on or off), `sync.ts` (the shared fleet store: address, on/off, status, "Sync now").
import { asApiError } from "../api";
import type { Ctx } from "../context";
import { h, svgImage } from "../dom";
import { banner } from "../health";
import { errorBlock } from "../errors";
import { t } from "../i18n";
import { actionsBar } from "./diagnostics/actions";
import { renderAlertLevel, renderBanner, renderChecks, renderErrors, renderFreshness } from "./diagnostics/cards";
import { logView } from "./diagnostics/logs";
import { backgroundView } from "./diagnostics/background";
import { syncView } from "./diagnostics/sync";
import { modelSetsView } from "./diagnostics/modelsets";
import { notificationsView } from "./diagnostics/notifications";
import { quarantineView } from "./diagnostics/quarantine";
import { renderErrorsByDay, renderFacts, renderJournal, renderModels, renderOps } from "./diagnostics/operations";
import { loadDiagnostics, rememberedFilter, type DiagnosticsPanel, type DiagnosticsSource, type Loaded, type Options } from "./diagnostics/types";

export { renderBanner, renderChecks } from "./diagnostics/cards";
export { renderDriftTable, renderJournal } from "./diagnostics/operations";
export { loadDiagnostics, type DiagnosticsPanel, type DiagnosticsSource, type LogFilter, type Loaded, type Options } from "./diagnostics/types";

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
  const quarantine = quarantineView(ctx, src);
  const modelSets = opts.modelSets ? modelSetsView(ctx, opts.modelSets) : null;
  const background = opts.background ? backgroundView(ctx, opts.background) : null;
  const notifications = opts.notifications ? notificationsView(ctx, opts.notifications) : null;
  const sync = opts.sync ? syncView(ctx, opts.sync) : null;
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
    background?.element ?? "",
    modelSets?.element ?? "",
    notifications?.element ?? "",
    sync?.element ?? "",
    logs.element,
    quarantine.element,
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
          ? renderJournal(ctx, data.runs, data.diagnostics?.labels ?? null)
          : h("div", {}, renderJournal(ctx, [], data.diagnostics?.labels ?? null), h("p", { class: "muted" }, t(lang, "journalEmpty")))
        : errorBlock(lang, data.errors.find((e) => e.key === "failRuns")!.error, { "data-testid": "run-journal" }),
    );
    element.removeAttribute("aria-busy");
    if (focused) element.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  };

  const loadChart = () =>
    src
      .runDurationsChart(lang)
      .then((svg) => chartSlot.replaceChildren(svgImage(svg, t(lang, "runDurationsAlt"), "run-durations-chart")))
      .catch((e) => chartSlot.replaceChildren(errorBlock(lang, asApiError(e), { role: "alert" })));

  const reload = async () => {
    await Promise.all([
      loadDiagnostics(src, lang).then(paint),
      loadChart(),
      logs.reload(),
      quarantine.reload(),
      modelSets?.reload() ?? Promise.resolve(),
      background?.reload() ?? Promise.resolve(),
      notifications?.reload() ?? Promise.resolve(),
      sync?.reload() ?? Promise.resolve(),
    ]);
  };
  return { element, lang, reload, ready: reload() };
}
