// The cockpit's window: header (tabs, Score now, Import files…, language), the import dialog, the fleet, a turbine's detail, the
// fleet trend and diagnostics. State lives here; views are rebuilt from it.
import "./style.css";
import { api, asApiError, events, PACK_EXTENSION, type ApiError, type AppInfo, type FleetPage, type PackInfo, type Phase, type RunProgress } from "./api";
import type { Ctx } from "./context";
import { h, svgImage } from "./dom";
import { csvFileName, DEFAULT_SORT, filterArgs, NO_FILTER, type Filter, type Sort } from "./fleet";
import { errorBlock } from "./errors";
import { documentParts, fieldDocFileName } from "./fielddoc";
import { detectLang, errorText, errorWords, localeFor, t, type Lang } from "./i18n";
import { renderDetail } from "./views/detail";
import { changesBanner, interventionsView, workflowCards } from "./views/workflow";
import { createDiagnostics, type DiagnosticsPanel } from "./views/diagnostics";
import { createImportDialog, type ImportSource } from "./views/import";
import { counters, filters, table, trackRecord, visibleItems, type FleetTable } from "./views/fleet";
import { sitesView } from "./views/sites";
import { formatDateTime } from "./format";

type Tab = "fleet" | "sites" | "interventions" | "trend" | "diagnostics";

const osLocale = typeof navigator !== "undefined" ? navigator.language : "en";
const stored = (() => {
  try {
    return localStorage.getItem("cockpit.lang");
  } catch {
    return null;
  }
})();

const state = {
  lang: (stored === "fr" || stored === "en" ? stored : detectLang(osLocale)) as Lang,
  phase: { phase: "starting" } as Phase,
  tab: "fleet" as Tab,
  fleet: null as FleetPage | null,
  fleetError: null as ApiError | null,
  filter: { ...NO_FILTER } as Filter,
  sort: { ...DEFAULT_SORT } as Sort,
  /** The fleet table's scroll position, kept across refreshes. */
  fleetScroll: 0,
  /** A run is scoring: the fleet shown is the last stored run's, marked "updating…". */
  updating: false,
  detailId: null as string | null,
  scoring: false,
  runStatus: "",
  info: null as AppInfo | null,
  /** The field pack the app shows (opened on a `.cockpitpack`); null: the cockpit's own database. */
  pack: null as PackInfo | null,
};

const app = document.getElementById("app")!;

function ctx(): Ctx {
  return {
    lang: state.lang,
    locale: localeFor(state.lang, osLocale),
    openTurbine: (id) => {
      state.detailId = id;
      if (state.tab !== "fleet") {
        state.tab = "fleet";
        renderHeader();
      }
      renderMain();
      (document.getElementById("detail-title") as HTMLElement | null)?.focus();
    },
    backToFleet: () => {
      const id = state.detailId;
      state.detailId = null;
      renderMain();
      // The virtual table builds the turbine's row (scrolled into view) and focuses it.
      const box = document.querySelector<FleetTable>('[data-testid="fleet-scroll"]');
      if (!(id && box?.focusTurbine?.(id))) document.getElementById("search")?.focus();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Data

async function loadFleet(): Promise<void> {
  try {
    state.fleet = await api.fleet(state.lang);
    state.fleetError = null;
    state.updating = state.fleet.updating;
  } catch (e) {
    state.fleet = null;
    state.fleetError = asApiError(e);
  }
}

async function loadPack(): Promise<void> {
  try {
    state.pack = await api.packInfo(state.lang);
  } catch {
    state.pack = null;
  }
}

async function loadInfo(): Promise<void> {
  try {
    state.info = await api.appInfo();
  } catch {
    state.info = null;
  }
}

async function refresh(): Promise<void> {
  performance.mark("refresh-start");
  // The fleet shows as soon as it is read; the app's info (only the empty view uses it: why no
  // models) follows on its own.
  const info = loadInfo();
  await Promise.all([loadFleet(), loadPack()]);
  performance.mark("refresh-data");
  renderAll();
  performance.mark("refresh-rendered"); // read by tests/e2e/measure.mjs
  await info;
  if (!state.fleet && state.phase.phase === "ready" && state.tab === "fleet" && !state.detailId) renderMain();
}

// ---------------------------------------------------------------------------------------------
// Header

function runLine(): string {
  const c = ctx();
  const f = state.fleet;
  if (!f) return "";
  const r = f.run;
  return t(c.lang, "runLine", {
    id: r.id,
    trigger: f.run_text.trigger,
    date: formatDateTime(r.as_of, c.locale),
    model: r.model_version ?? "–",
  });
}

/** `detail`: an error's technical message, shown as the status line's tooltip. */
function setRunStatus(text: string, kind: "info" | "ok" | "error" = "info", detail = ""): void {
  state.runStatus = text;
  const el = document.querySelector<HTMLElement>('[data-testid="run-status"]');
  if (el) {
    el.textContent = text || runLine();
    el.dataset.kind = text ? kind : "info";
    el.title = detail;
  }
}

async function scoreNow(): Promise<void> {
  if (state.scoring) return;
  state.scoring = true;
  renderHeader();
  setRunStatus(t(state.lang, "runStarted"));
  try {
    await api.scoreNow();
  } catch (e) {
    const err = asApiError(e);
    if (err.code === "run_in_progress") setRunStatus(errorText(state.lang, err), "error", err.message);
  } finally {
    state.scoring = false;
    renderHeader();
  }
}

function onRunProgress(p: RunProgress): void {
  const lang = state.lang;
  if (p.phase === "started") {
    setUpdating(true);
    setRunStatus(t(lang, "runStarted"));
  } else if (p.phase === "succeeded" && p.run) {
    const r = p.run;
    void refresh().then(() =>
      setRunStatus(
        t(lang, "runSucceeded", { id: r.id, ms: r.duration_ms, critical: r.counts.critical, high: r.counts.high }),
        "ok",
      ),
    );
  } else if (p.phase === "failed") {
    setUpdating(false);
    setRunStatus(t(lang, "runFailed", { message: p.error ? errorText(lang, p.error) : "" }), "error", p.error?.message ?? "");
    if (state.tab === "diagnostics") renderMain();
  }
}

/** The notifications speak the UI's language (the app's own and `cockpit watch`'s). */
function tellNotificationLang(): void {
  if (state.phase.phase === "ready") void api.setNotifications({ lang: state.lang }).catch(() => undefined);
}

/** The fleet filtered to `turbines` (a notification clicked, or the app started with
 * `--turbines`), every other filter cleared. */
function openTurbines(turbines: string[]): void {
  if (!turbines.length) return;
  state.filter = { ...NO_FILTER, turbines: [...turbines] };
  state.detailId = null;
  state.tab = "fleet";
  renderHeader();
  renderMain();
}

function switchLang(): void {
  state.lang = state.lang === "fr" ? "en" : "fr";
  tellNotificationLang();
  try {
    localStorage.setItem("cockpit.lang", state.lang);
  } catch {
    /* private mode: the choice lasts for this session */
  }
  document.documentElement.lang = state.lang;
  state.runStatus = "";
  document.getElementById("import-slot")?.replaceChildren();
  renderAll();
  document.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus();
  // The fleet's words come from the core in the language asked for: fetch them again.
  void Promise.all([loadFleet(), loadPack()]).then(() => {
    renderAll();
    document.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus();
  });
}

function tabButton(tab: Tab, label: string): HTMLElement {
  const selected = state.tab === tab;
  return h(
    "button",
    {
      type: "button",
      role: "tab",
      id: `tab-${tab}`,
      "data-testid": `tab-${tab}`,
      "aria-selected": selected ? "true" : "false",
      "aria-controls": "panel",
      tabindex: selected ? 0 : -1,
      onclick: () => selectTab(tab),
      onkeydown: (e: Event) => {
        const k = (e as KeyboardEvent).key;
        const order: Tab[] = state.pack ? ["fleet", "interventions", "trend"] : ["fleet", "sites", "interventions", "trend", "diagnostics"];
        const i = order.indexOf(tab);
        const n = order.length;
        const next = k === "ArrowRight" ? order[(i + 1) % n] : k === "ArrowLeft" ? order[(i + n - 1) % n] : null;
        if (next) {
          e.preventDefault();
          selectTab(next);
          document.getElementById(`tab-${next}`)?.focus();
        }
      },
    },
    label,
  );
}

function selectTab(tab: Tab): void {
  state.tab = tab;
  if (tab !== "fleet") state.detailId = null;
  renderHeader();
  renderMain();
}

function renderHeader(): void {
  const lang = state.lang;
  const ready = state.phase.phase === "ready";
  const header = h(
    "header",
    { class: "top" },
    h("h1", {}, h("span", { class: "logo", "aria-hidden": "true" }, "⚡"), t(lang, "appTitle")),
    h(
      "nav",
      { role: "tablist", "aria-label": t(lang, "appTitle") },
      tabButton("fleet", t(lang, "tabFleet")),
      state.pack ? null : tabButton("sites", t(lang, "tabSites")),
      tabButton("interventions", t(lang, "tabInterventions")),
      tabButton("trend", t(lang, "tabTrend")),
      // A field pack has no models, triggers or logs of its own to diagnose.
      state.pack ? null : tabButton("diagnostics", t(lang, "tabDiagnostics")),
    ),
    h(
      "div",
      { class: "top-actions" },
      state.pack
        ? null
        : h(
        "button",
        {
          type: "button",
          class: "primary",
          "data-testid": "score-now",
          disabled: !ready || state.scoring,
          "aria-busy": state.scoring ? "true" : "false",
          onclick: () => void scoreNow(),
        },
        state.scoring ? t(lang, "scoring") : t(lang, "scoreNow"),
      ),
      state.pack
        ? null
        : h(
            "button",
            {
              type: "button",
              "data-testid": "import-files",
              disabled: !ready,
              "aria-expanded": importOpen() ? "true" : "false",
              "aria-controls": "import-slot",
              onclick: openImport,
            },
            t(lang, "importFiles"),
          ),
      state.pack
        ? null
        : h("button", { type: "button", "data-testid": "import-pack", disabled: !ready, onclick: () => void importPack() }, t(lang, "importPack")),
      h("button", { type: "button", "data-testid": "open-pack", onclick: () => void openPack() }, t(lang, "openPack")),
      h(
        "button",
        {
          type: "button",
          "data-testid": "lang-switch",
          lang: lang === "fr" ? "en" : "fr",
          "aria-label": t(lang, "langSwitchLabel"),
          onclick: switchLang,
        },
        t(lang, "langSwitch"),
      ),
    ),
  );
  const status = h(
    "div",
    { class: "statusbar" },
    h(
      "p",
      { class: "run-status", "data-testid": "run-status", role: "status", "aria-live": "polite", "data-kind": "info" },
      state.runStatus || runLine(),
    ),
    state.pack ? null : scheduleForm(),
  );
  const banner = state.pack ? h("p", { class: "pack-banner", "data-testid": "pack-banner", role: "note" }, state.pack.banner) : null;
  // Keep the keyboard focus on the control that had it (the header is rebuilt on every change).
  const focused = document.activeElement?.closest("#header [data-testid]")?.getAttribute("data-testid");
  document.getElementById("header")!.replaceChildren(...[header, banner, status].filter((x): x is HTMLElement => !!x));
  if (focused) document.querySelector<HTMLElement>(`#header [data-testid="${focused}"]`)?.focus();
}

function scheduleForm(): HTMLElement {
  const lang = state.lang;
  const enabled = h("input", { type: "checkbox", id: "schedule-enabled", "data-testid": "schedule-enabled" });
  const time = h("input", { type: "time", id: "schedule-time", "data-testid": "schedule-time", required: true, step: 60 });
  const msg = h("span", { class: "muted", "data-testid": "schedule-status", role: "status" });
  const form = h(
    "form",
    {
      class: "schedule",
      "data-testid": "schedule",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const s = await api.setSchedule(enabled.checked, time.value);
          msg.textContent = s.enabled
            ? t(lang, "scheduleSaved", { date: formatDateTime(s.nextRun, ctx().locale) })
            : t(lang, "scheduleOff");
        } catch (err) {
          const { summary, detail } = errorWords(lang, asApiError(err));
          msg.textContent = summary;
          msg.title = detail;
        }
      },
    },
    h("label", { for: "schedule-enabled" }, enabled, t(lang, "scheduleOn")),
    h("label", { for: "schedule-time" }, t(lang, "scheduleAt"), time),
    h("button", { type: "submit", "data-testid": "schedule-save" }, t(lang, "save")),
    msg,
  );
  if (state.phase.phase === "ready") {
    api
      .getSchedule()
      .then((s) => {
        enabled.checked = s.enabled;
        time.value = s.time;
      })
      .catch(() => undefined);
  } else {
    for (const el of [enabled, time]) el.disabled = true;
  }
  return form;
}

// ---------------------------------------------------------------------------------------------
// Import files…

const importSource: ImportSource = {
  mappings: api.mappings,
  pickDataFiles: api.pickDataFiles,
  pickMappingFile: api.pickMappingFile,
  importFiles: api.importFiles,
  onProgress: (f) => events.importProgress(f),
};

function importOpen(): boolean {
  return !!document.getElementById("import-slot")?.firstElementChild;
}

/** Opens the import dialog above the panel (it stays open while the views refresh). */
function openImport(): void {
  const slot = document.getElementById("import-slot");
  if (!slot) return;
  if (!slot.firstElementChild) {
    const dialog = createImportDialog(
      ctx(),
      importSource,
      () => {
        // The rescoring run (if any) is in; the fleet and diagnostics show the new data.
        void refresh();
      },
      () => {
        slot.replaceChildren();
        renderHeader();
        document.querySelector<HTMLElement>('[data-testid="import-files"]')?.focus();
      },
    );
    slot.replaceChildren(dialog.element);
    renderHeader();
  }
  slot.querySelector<HTMLElement>('[data-testid="import-choose"]')?.focus();
}

// ---------------------------------------------------------------------------------------------
// Main panel

function renderPreparing(): HTMLElement {
  const lang = state.lang;
  const p = state.phase;
  if (p.phase === "failed") {
    return h(
      "section",
      { class: "preparing failed", "data-testid": "startup-failed", role: "alert" },
      h("h2", {}, t(lang, "startupFailed")),
      h("p", {}, p.message),
    );
  }
  const step =
    p.phase === "preparing_demo"
      ? p.step === "scoring"
        ? t(lang, "preparingScoring")
        : t(lang, "preparingSimulating")
      : t(lang, "preparingStarting");
  return h(
    "section",
    { class: "preparing", "data-testid": "preparing", role: "status", "aria-live": "polite" },
    h("div", { class: "spinner", "aria-hidden": "true" }),
    h("h2", {}, p.phase === "preparing_demo" ? t(lang, "preparingTitle") : t(lang, "loading")),
    h("p", {}, step),
    p.phase === "preparing_demo" ? h("p", { class: "muted" }, t(lang, "preparingNote")) : null,
  );
}

/** Shows or hides the fleet's "updating…" mark (a run is scoring; the last run stays shown). */
function setUpdating(on: boolean): void {
  state.updating = on;
  const el = document.querySelector<HTMLElement>('[data-testid="fleet-updating"]');
  if (el) el.hidden = !on;
}

function renderFleet(): HTMLElement {
  const c = ctx();
  const lang = c.lang;
  if (!state.fleet) {
    const e = state.fleetError;
    const models = state.info?.modelsError;
    return h(
      "section",
      { class: "empty", "data-testid": "fleet-empty" },
      h("h2", {}, e && e.code !== "no_run" ? errorText(lang, e) : t(lang, "noRun")),
      h("p", {}, t(lang, "noRunHelp")),
      models ? h("p", { class: "error" }, t(lang, "modelsMissing"), models) : null,
    );
  }
  const view = state.fleet;
  const tableSlot = h("div", { class: "table-wrap" });
  const countSlot = h("div", {});
  const shownSlot = h("span", {});
  const updating = h(
    "span",
    { class: "updating", "data-testid": "fleet-updating", title: t(lang, "updatingLong"), hidden: !state.updating },
    h("span", { class: "spinner small", "aria-hidden": "true" }),
    t(lang, "updating"),
  );
  const fillTable = (keepScroll: boolean) => {
    const visible = visibleItems(view, state.filter, state.sort);
    if (!keepScroll) state.fleetScroll = 0;
    const t0 = performance.now();
    tableSlot.replaceChildren(
      table(c, visible, {
        sort: state.sort,
        onSort: (sort) => {
          state.sort = sort;
          fillTable(false);
          tableSlot.querySelector<HTMLElement>(`[data-testid="sort-${sort.column}"]`)?.focus();
        },
        scrollTop: state.fleetScroll,
        onScroll: (top) => (state.fleetScroll = top),
      }),
    );
    if (!visible.length) tableSlot.append(h("p", { class: "muted", "data-testid": "fleet-no-match" }, t(lang, "noMatch")));
    countSlot.replaceChildren(counters(c, view, state.filter, onFilter));
    shownSlot.textContent = t(lang, "shown", { n: visible.length, total: view.items.length });
    performance.measure("fleet-table", { start: t0 }); // read by tests/e2e/measure.mjs
  };
  const onFilter = (f: Filter) => {
    const selectsChanged =
      f.categories.join() !== state.filter.categories.join() || f.site !== state.filter.site || f.turbines.join() !== state.filter.turbines.join();
    state.filter = f;
    if (selectsChanged) {
      // Keep the select in step with the counters (a rebuilt one shows the categories chosen).
      const slot = document.getElementById("filters-slot");
      slot?.replaceChildren(filterBar());
    }
    // Filtering and ordering 10,000 rows takes a few milliseconds and only the rows in view are
    // built: every keystroke updates the table at once.
    fillTable(false);
  };
  const filterBar = () =>
    filters(c, view, state.filter, {
      onFilter,
      onExportCsv: () => void exportCsv(),
      onExportDocument: () => void exportFieldDocument(),
      onPrint: () => void printFieldDocument(),
      onExportPack: state.pack ? null : () => void exportPack(),
    });
  const section = h(
    "section",
    { class: "fleet-view", "aria-label": t(lang, "tabFleet") },
    changesBanner(view.changes),
    countSlot,
    trackRecord(c, view),
    h("div", { id: "filters-slot" }, filterBar()),
    h("p", { class: "muted shown", "aria-live": "polite" }, shownSlot, " ", updating),
    tableSlot,
  );
  fillTable(true);
  return section;
}

async function exportCsv(): Promise<void> {
  const lang = state.lang;
  try {
    const text = await api.exportWorklistCsv(filterArgs(state.filter), lang);
    const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    const a = h("a", { href: url, download: csvFileName(new Date(), lang), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    const err = asApiError(e);
    setRunStatus(errorText(lang, err), "error", err.message);
  }
}

/** Asks where to save the field document of the filtered fleet (the core's HTML), then writes it. */
async function exportFieldDocument(): Promise<void> {
  const lang = state.lang;
  try {
    const saved = await api.exportFieldDocument(filterArgs(state.filter), lang, fieldDocFileName(new Date(), lang));
    if (saved) setRunStatus(t(lang, "fieldDocSaved", { n: saved.turbines, path: saved.path }), "ok");
  } catch (e) {
    const err = asApiError(e);
    setRunStatus(errorText(lang, err), "error", err.message);
  }
}

/** Asks where to save a field pack of the filtered fleet, then writes it (the core's export). */
async function exportPack(): Promise<void> {
  const lang = state.lang;
  try {
    const name = `${lang === "fr" ? "paquet-terrain" : "field-pack"}-${new Date().toISOString().slice(0, 10)}.${PACK_EXTENSION}`;
    const saved = await api.exportPack(filterArgs(state.filter), name);
    if (saved)
      setRunStatus(t(lang, "packSaved", { n: saved.turbines.length, path: saved.path, size: (saved.bytes / 1e6).toFixed(1) }), "ok");
  } catch (e) {
    const err = asApiError(e);
    setRunStatus(errorText(lang, err), "error", err.message);
  }
}

/** Asks for a field pack and imports its findings; the core's summary goes to the status line,
 * its conflicts to the line's detail (and to the interventions they concern). */
async function importPack(): Promise<void> {
  const lang = state.lang;
  try {
    const s = await api.importPack(lang);
    if (!s) return;
    setRunStatus(s.summary, s.conflicts > 0 ? "error" : "ok", s.conflict_details.join("\n"));
    await refresh();
    if (state.tab !== "fleet") renderMain();
  } catch (e) {
    const err = asApiError(e);
    setRunStatus(errorText(lang, err), "error", err.message);
  }
}

/** Asks for a field pack and opens it in a window of its own. */
async function openPack(): Promise<void> {
  const lang = state.lang;
  try {
    if (await api.openPack()) setRunStatus(t(lang, "packOpening"), "ok");
  } catch (e) {
    const err = asApiError(e);
    setRunStatus(errorText(lang, err), "error", err.message);
  }
}

/** Shows the field document of the filtered fleet (cover list, one A4 sheet per turbine, written
 * by the core) in the print-only area and opens the print dialog. */
async function printFieldDocument(): Promise<void> {
  const lang = state.lang;
  try {
    const parts = documentParts(await api.fieldDocument(filterArgs(state.filter), lang));
    if (!parts) return;
    const sheet = document.getElementById("print")!;
    // The core's text: every data string in it is HTML-escaped there.
    sheet.innerHTML = `<style>${parts.css}</style>${parts.body}`;
    window.print();
  } catch (e) {
    const err = asApiError(e);
    setRunStatus(errorText(lang, err), "error", err.message);
  }
}

function renderTrend(): HTMLElement {
  const lang = state.lang;
  const slot = h("div", { class: "chart-slot" }, t(lang, "loading"));
  api
    .fleetTrendChart(lang)
    .then((svg) => slot.replaceChildren(svgImage(svg, t(lang, "fleetTrendAlt"), "fleet-trend-chart")))
    .catch((e) => slot.replaceChildren(errorBlock(lang, asApiError(e))));
  return h(
    "section",
    { class: "trend" },
    h("figure", { class: "card chart-card", "data-testid": "fleet-trend" }, h("h2", {}, t(lang, "fleetTrendTitle")), slot),
  );
}

let diagnosticsPanel: DiagnosticsPanel | null = null;

/** Opens the diagnostics tab, or refreshes it in place when it is already shown. */
function renderDiagnosticsTab(panel: HTMLElement): void {
  const shown = diagnosticsPanel;
  if (shown && shown.lang === state.lang && panel.contains(shown.element)) {
    void shown.reload();
    return;
  }
  diagnosticsPanel = createDiagnostics(ctx(), api, { modelSets: api, background: api, notifications: api, sync: state.pack ? undefined : api });
  panel.replaceChildren(diagnosticsPanel.element);
}

function renderDetailTab(id: string): HTMLElement {
  const slot = h("div", { "aria-busy": "true" }, t(state.lang, "loading"));
  api
    .turbine(id, state.lang)
    .then((d) => {
      // The alert, interventions and history cards right under the title: what the manager acts on.
      const detail = renderDetail(ctx(), d);
      detail.insertBefore(workflowCards(ctx(), d.identity.turbine_id, () => void loadFleet()), detail.children[1] ?? null);
      slot.replaceChildren(detail);
      slot.removeAttribute("aria-busy");
      (document.getElementById("detail-title") as HTMLElement | null)?.focus();
    })
    .catch((e) => slot.replaceChildren(errorBlock(state.lang, asApiError(e))));
  return slot;
}

function renderMain(): void {
  const panel = document.getElementById("panel")!;
  panel.setAttribute("aria-labelledby", `tab-${state.tab}`);
  // Diagnostics also when start-up failed: that is when they are needed most.
  if (state.tab === "diagnostics" && state.phase.phase !== "starting" && state.phase.phase !== "preparing_demo") {
    renderDiagnosticsTab(panel);
    return;
  }
  if (state.phase.phase !== "ready") {
    panel.replaceChildren(renderPreparing());
    return;
  }
  if (state.tab === "trend") panel.replaceChildren(renderTrend());
  else if (state.tab === "sites" && !state.detailId) {
    const v = sitesView(ctx(), api);
    panel.replaceChildren(v.element);
    void v.reload();
  }
  else if (state.tab === "interventions") panel.replaceChildren(interventionsView(ctx(), () => void loadFleet()));
  else if (state.detailId) panel.replaceChildren(renderDetailTab(state.detailId));
  else panel.replaceChildren(renderFleet());
}

function renderAll(): void {
  document.documentElement.lang = state.lang;
  document.title = t(state.lang, "appTitle");
  renderHeader();
  renderMain();
}

// ---------------------------------------------------------------------------------------------
// Start

let openedFromArgs = false;

async function onPhase(p: Phase): Promise<void> {
  const wasReady = state.phase.phase === "ready";
  state.phase = p;
  if (p.phase === "ready" && !wasReady) {
    tellNotificationLang();
    await refresh();
    // Started from a notification of the background service: its turbines, once.
    if (!openedFromArgs) {
      openedFromArgs = true;
      openTurbines(state.info?.openingTurbines ?? []);
    }
  } else {
    renderAll();
  }
}

async function start(): Promise<void> {
  app.replaceChildren(
    h("a", { class: "skip", href: "#panel" }, "↓"),
    h("div", { id: "header" }),
    h("div", { id: "import-slot" }),
    h("main", { id: "panel", role: "tabpanel", tabindex: -1 }),
    h("section", { id: "print", class: "print-only", "aria-hidden": "true" }),
  );
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.detailId) ctx().backToFleet();
  });
  renderAll();
  await events.appStatus((p) => void onPhase(p));
  await events.runProgress(onRunProgress);
  await events.service((e) => {
    if (e.kind === "run_started") setUpdating(true);
    else if (e.kind === "run" && e.ok && !state.scoring) void refresh();
    else if (!e.ok) {
      if (e.kind === "run") setUpdating(false);
      setRunStatus(e.message, "error");
      if (state.tab === "diagnostics") renderMain();
    }
  });
  await events.notificationOpen((o) => openTurbines(o.turbines));
  // A sync brought the other sites' news: the all-sites tab and the Sync card show it.
  await events.syncFinished(() => {
    if ((state.tab === "sites" && !state.detailId) || state.tab === "diagnostics") renderMain();
  });
  await events.download((d) =>
    d.success
      ? setRunStatus(t(state.lang, "csvSaved", { path: d.path ?? "" }), "ok")
      : setRunStatus(t(state.lang, "csvFailed"), "error"),
  );
  // The phase may have changed before the listener was attached: ask, and keep asking while
  // preparing (events can be missed across a reload).
  const poll = async () => {
    let p: Phase | null = null;
    try {
      p = await api.appStatus();
    } catch (e) {
      console.error("app_status failed", e);
    }
    if (p && JSON.stringify(p) !== JSON.stringify(state.phase)) await onPhase(p);
    if (state.phase.phase !== "ready" && state.phase.phase !== "failed") window.setTimeout(poll, 150);
  };
  await poll();
}

void start();
