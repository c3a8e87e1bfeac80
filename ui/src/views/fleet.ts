// The fleet: counters per category, filters, and the table of every turbine, highest risk first.
import { CATEGORIES, type FleetRow, type FleetPage } from "../api";
import type { Ctx } from "../context";
import { h } from "../dom";
import { filterItems, sitesOf, sortByRisk, type Filter } from "../fleet";
import { formatDateTime, formatPercent, formatScore } from "../format";
import { t } from "../i18n";
import { badge } from "./badge";

export interface FleetHandlers {
  onFilter(f: Filter): void;
  onExportCsv(): void;
  onExportDocument(): void;
  onPrint(): void;
}

export function counters(ctx: Ctx, view: FleetPage, filter: Filter, onFilter: (f: Filter) => void): HTMLElement {
  const c = view.counts;
  const cards: HTMLElement[] = CATEGORIES.map((cat) =>
    h(
      "button",
      {
        type: "button",
        class: `counter counter-${cat}${filter.category === cat ? " active" : ""}`,
        "data-testid": `count-${cat}`,
        "aria-pressed": filter.category === cat ? "true" : "false",
        onclick: () => onFilter({ ...filter, category: filter.category === cat ? "" : cat }),
      },
      h("span", { class: "counter-n" }, c[cat]),
      h("span", { class: "counter-label" }, view.labels[cat]),
    ),
  );
  if (c.not_scored > 0) {
    cards.push(
      h(
        "div",
        { class: "counter counter-none", "data-testid": "count-not-scored" },
        h("span", { class: "counter-n" }, c.not_scored),
        h("span", { class: "counter-label" }, view.labels.none),
      ),
    );
  }
  return h("div", { class: "counters", role: "group", "aria-label": t(ctx.lang, "category") }, cards);
}

// The legend of the alert categories: how often each has been right, on the evaluation fleet
// and on this park (the core's sentences).
export function trackRecord(ctx: Ctx, view: FleetPage): HTMLElement | null {
  if (!view.track_record.length) return null;
  return h(
    "details",
    { class: "track-record", "data-testid": "track-record", open: true },
    h("summary", {}, t(ctx.lang, "trackRecord")),
    h(
      "ul",
      {},
      view.track_record.map((r) =>
        h("li", { "data-testid": `track-record-${r.category}` }, badge(view.labels[r.category], r.category), " ", r.text),
      ),
    ),
  );
}

export function filters(ctx: Ctx, view: FleetPage, filter: Filter, handlers: FleetHandlers): HTMLElement {
  const items = view.items;
  const category = h(
    "select",
    {
      id: "category-filter",
      "data-testid": "category-filter",
      onchange: (e: Event) =>
        handlers.onFilter({ ...filter, category: (e.target as HTMLSelectElement).value as Filter["category"] }),
    },
    h("option", { value: "" }, t(ctx.lang, "allCategories")),
    CATEGORIES.map((c) => h("option", { value: c, selected: filter.category === c }, view.labels[c])),
  );
  const site = h(
    "select",
    {
      id: "site-filter",
      "data-testid": "site-filter",
      onchange: (e: Event) => handlers.onFilter({ ...filter, site: (e.target as HTMLSelectElement).value }),
    },
    h("option", { value: "" }, t(ctx.lang, "allSites")),
    sitesOf(items).map((s) => h("option", { value: s, selected: filter.site === s }, s)),
  );
  const search = h("input", {
    id: "search",
    type: "search",
    "data-testid": "search",
    value: filter.search,
    placeholder: t(ctx.lang, "searchPlaceholder"),
    autocomplete: "off",
    oninput: (e: Event) => handlers.onFilter({ ...filter, search: (e.target as HTMLInputElement).value }),
  });
  return h(
    "div",
    { class: "filters" },
    h("label", { for: "category-filter" }, t(ctx.lang, "category"), category),
    h("label", { for: "site-filter" }, t(ctx.lang, "site"), site),
    h("label", { for: "search", class: "grow" }, t(ctx.lang, "search"), search),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", "data-testid": "export-csv", onclick: handlers.onExportCsv }, t(ctx.lang, "exportCsv")),
      h("button", { type: "button", "data-testid": "export-field-document", onclick: handlers.onExportDocument }, t(ctx.lang, "exportFieldDocument")),
      h("button", { type: "button", "data-testid": "print-worklist", onclick: handlers.onPrint }, t(ctx.lang, "print")),
    ),
  );
}

/** The main driver in words, or why the turbine was not scored. */
export function mainReason(ctx: Ctx, i: FleetRow): string {
  if (!i.scored) return t(ctx.lang, "notScoredReason", { reason: i.text.not_scored ?? "–" });
  return i.text.drivers[0] ?? "–";
}

function row(ctx: Ctx, i: FleetRow, rank: number): HTMLTableRowElement {
  const open = () => ctx.openTurbine(i.turbine_id);
  return h(
    "tr",
    {
      "data-testid": "fleet-row",
      "data-turbine-id": i.turbine_id,
      "data-category": i.category ?? "none",
      tabindex: 0,
      class: "clickable",
      onclick: open,
      onkeydown: (e: Event) => {
        const k = (e as KeyboardEvent).key;
        const tr = e.currentTarget as HTMLTableRowElement;
        if (k === "Enter" || k === " ") {
          e.preventDefault();
          open();
        } else if (k === "ArrowDown") {
          e.preventDefault();
          (tr.nextElementSibling as HTMLElement | null)?.focus();
        } else if (k === "ArrowUp") {
          e.preventDefault();
          (tr.previousElementSibling as HTMLElement | null)?.focus();
        }
      },
    },
    h("td", { class: "num rank" }, rank),
    h(
      "th",
      { scope: "row", class: "turbine-id" },
      i.turbine_id,
      h("span", { class: "site" }, i.site),
      i.text.data_quality.badge
        ? h(
            "span",
            { class: "dq-badge", "data-testid": "data-quality-badge", title: i.text.data_quality.badge, "aria-label": `${t(ctx.lang, "dataQuality")}: ${i.text.data_quality.badge}` },
            `⚠ ${t(ctx.lang, "dataQualityBadge")}`,
          )
        : null,
    ),
    h("td", {}, badge(i.text.category, i.category)),
    h("td", { class: "num", "data-testid": "risk-score" }, formatScore(i.risk_score, ctx.locale)),
    h("td", { class: "num" }, formatPercent(i.p_fail_7d, ctx.locale)),
    h(
      "td",
      { class: "ttf", "data-testid": "time-to-failure", title: i.text.time_to_failure ?? "" },
      i.text.time_to_failure_short ?? "–",
    ),
    h("td", { class: "reason" }, mainReason(ctx, i)),
    h("td", { class: "when" }, formatDateTime(i.last_data, ctx.locale)),
  );
}

export function table(ctx: Ctx, items: FleetRow[], testid = "fleet-table"): HTMLElement {
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      h("th", { scope: "col", class: "num" }, "#"),
      h("th", { scope: "col" }, t(ctx.lang, "turbine")),
      h("th", { scope: "col" }, t(ctx.lang, "category")),
      h("th", { scope: "col", class: "num" }, t(ctx.lang, "riskScore")),
      h("th", { scope: "col", class: "num", title: t(ctx.lang, "pFailLong") }, t(ctx.lang, "pFail")),
      h("th", { scope: "col", class: "ttf" }, t(ctx.lang, "timeToFailure")),
      h("th", { scope: "col" }, t(ctx.lang, "mainDriver")),
      h("th", { scope: "col" }, t(ctx.lang, "lastData")),
    ),
  );
  const body = h("tbody", {}, items.slice(0, FIRST_ROWS).map((i, k) => row(ctx, i, k + 1)));
  appendInChunks(ctx, body, items, FIRST_ROWS);
  return h("table", { class: "fleet", "data-testid": testid }, head, body);
}

/** Rows built at once; on a large fleet the rest follow in chunks, so the most urgent turbines
 * show at once and typing in the search box stays responsive (WebKit lays out a 1,000-row table
 * in seconds without a GPU). */
export const FIRST_ROWS = 100;
const CHUNK_ROWS = 200;

function appendInChunks(ctx: Ctx, body: HTMLElement, items: FleetRow[], from: number): void {
  if (from >= items.length) return;
  setTimeout(() => {
    // A newer render replaced this table (filter, language, refresh): stop.
    if (!body.isConnected) return;
    const end = Math.min(from + CHUNK_ROWS, items.length);
    body.append(...items.slice(from, end).map((i, k) => row(ctx, i, from + k + 1)));
    appendInChunks(ctx, body, items, end);
  }, 0);
}

/** The visible rows for a fleet view and filter, highest risk first. */
export function visibleItems(view: FleetPage, filter: Filter): FleetRow[] {
  return sortByRisk(filterItems(view.items, filter));
}
