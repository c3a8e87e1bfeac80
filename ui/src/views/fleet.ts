// The fleet: counters per category (toggles), filters, and the table of every turbine in the
// chosen order — a virtual table: only the rows in and near the viewport exist in the page, so
// 10,000 turbines scroll, sort and filter as fast as 20.
import { CATEGORIES, type Category, type FleetRow, type FleetPage } from "../api";
import type { Ctx } from "../context";
import { h } from "../dom";
import {
  filterItems,
  nextSort,
  rowWindow,
  scrollFor,
  SORT_KEYS,
  sortItems,
  sitesOf,
  toggleCategory,
  type Filter,
  type Sort,
  type SortValue,
  type Dir,
} from "../fleet";
import { formatDateTime, formatPercent, formatScore } from "../format";
import { t, type Key } from "../i18n";
import { badge } from "./badge";
import { alertBadge } from "./workflow";

export interface FleetHandlers {
  onFilter(f: Filter): void;
  onExportCsv(): void;
  onExportDocument(): void;
  onPrint(): void;
  /** "Export field pack…" of the filtered fleet; null: not offered (the app shows a pack). */
  onExportPack?: (() => void) | null;
}

export function counters(ctx: Ctx, view: FleetPage, filter: Filter, onFilter: (f: Filter) => void): HTMLElement {
  const c = view.counts;
  const cards: HTMLElement[] = CATEGORIES.map((cat) => {
    const on = filter.categories.includes(cat);
    return h(
      "button",
      {
        type: "button",
        class: `counter counter-${cat}${on ? " active" : ""}`,
        "data-testid": `count-${cat}`,
        "aria-pressed": on ? "true" : "false",
        onclick: () => onFilter(toggleCategory(filter, cat)),
      },
      h("span", { class: "counter-n" }, c[cat]),
      h("span", { class: "counter-label" }, view.labels[cat]),
    );
  });
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
  return h("div", { class: "counters", role: "group", "aria-label": t(ctx.lang, "categoryToggles") }, cards);
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

/** The category select's value: "" (all), one category, or "several" (the counters chose more
 * than one; the select then only offers to pick one or all). */
export function categoryChoice(f: Filter): string {
  return f.categories.length === 0 ? "" : f.categories.length === 1 ? f.categories[0] : "several";
}

export function filters(ctx: Ctx, view: FleetPage, filter: Filter, handlers: FleetHandlers): HTMLElement {
  const items = view.items;
  const choice = categoryChoice(filter);
  const category = h(
    "select",
    {
      id: "category-filter",
      "data-testid": "category-filter",
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        if (v === "several") return;
        handlers.onFilter({ ...filter, categories: v ? [v as Category] : [] });
      },
    },
    h("option", { value: "", selected: choice === "" }, t(ctx.lang, "allCategories")),
    CATEGORIES.map((c) => h("option", { value: c, selected: choice === c }, view.labels[c])),
    choice === "several"
      ? h("option", { value: "several", selected: true, disabled: true }, filter.categories.map((c) => view.labels[c]).join(" + "))
      : null,
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
  // The turbines a notification named (clicked): said, with the way back to the whole fleet.
  const only = filter.turbines.length
    ? h(
        "p",
        { class: "only-turbines", "data-testid": "only-turbines", role: "status" },
        t(ctx.lang, "onlyTurbines", { ids: filter.turbines.join(", ") }),
        " ",
        h(
          "button",
          { type: "button", "data-testid": "show-all-turbines", onclick: () => handlers.onFilter({ ...filter, turbines: [] }) },
          t(ctx.lang, "showAllTurbines"),
        ),
      )
    : null;
  return h(
    "div",
    { class: "filters" },
    only,
    h("label", { for: "category-filter" }, t(ctx.lang, "category"), category),
    h("label", { for: "site-filter" }, t(ctx.lang, "site"), site),
    h("label", { for: "search", class: "grow" }, t(ctx.lang, "search"), search),
    h(
      "label",
      { class: "inline unack" },
      h("input", {
        type: "checkbox",
        id: "unacknowledged-filter",
        "data-testid": "unacknowledged-filter",
        checked: filter.unacknowledged,
        onchange: (e: Event) => handlers.onFilter({ ...filter, unacknowledged: (e.target as HTMLInputElement).checked }),
      }),
      " ",
      t(ctx.lang, "unacknowledgedOnly"),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", "data-testid": "export-csv", onclick: handlers.onExportCsv }, t(ctx.lang, "exportCsv")),
      h("button", { type: "button", "data-testid": "export-field-document", onclick: handlers.onExportDocument }, t(ctx.lang, "exportFieldDocument")),
      h("button", { type: "button", "data-testid": "print-worklist", onclick: handlers.onPrint }, t(ctx.lang, "print")),
      handlers.onExportPack
        ? h("button", { type: "button", "data-testid": "export-pack", onclick: handlers.onExportPack }, t(ctx.lang, "exportPack"))
        : null,
    ),
  );
}

/** The main driver in words, or why the turbine was not scored. */
export function mainReason(ctx: Ctx, i: FleetRow): string {
  if (!i.scored) return t(ctx.lang, "notScoredReason", { reason: i.text.not_scored ?? "–" });
  return i.text.drivers[0] ?? "–";
}

// ---------------------------------------------------------------------------------------------
// The columns

/** One column of the fleet table. A new column is one entry in `COLUMNS`: its header words, its
 * cell, and (to sort on it) its sort value. */
export interface Column {
  /** Identifies the column (and its order in `Sort.column`). */
  id: string;
  /** Header words (`i18n.ts` key). */
  head: Key;
  /** Header tooltip (`i18n.ts` key). */
  title?: Key;
  /** Class of the header and cells (`num` right-aligns). */
  class?: string;
  /** Width (CSS length): the table's layout is fixed, so columns do not move while scrolling. */
  width: string;
  /** The cell of `row` at position `rank` (1 = first in the current order). */
  cell(ctx: Ctx, row: FleetRow, rank: number): HTMLElement;
  /** How the column sorts (absent: not sortable) and its first direction on a click. */
  sort?: { value: SortValue; first: Dir };
}

export const COLUMNS: Column[] = [
  // The position in the current order (not sortable: it is the order).
  { id: "rank", head: "rank", class: "num rank", width: "3.5rem", cell: (_c, _i, rank) => h("td", { class: "num rank" }, rank) },
  {
    id: "turbine",
    head: "turbine",
    width: "10rem",
    sort: SORT_KEYS.turbine,
    cell: (ctx, i) =>
      h(
        "th",
        { scope: "row", class: "turbine-id" },
        h("span", { class: "id" }, i.turbine_id),
        i.text.data_quality.badge
          ? h(
              "span",
              {
                class: "dq-badge",
                "data-testid": "data-quality-badge",
                title: i.text.data_quality.badge,
                "aria-label": `${t(ctx.lang, "dataQuality")}: ${i.text.data_quality.badge}`,
              },
              `⚠ ${t(ctx.lang, "dataQualityBadge")}`,
            )
          : null,
        h("span", { class: "site" }, i.site),
      ),
  },
  { id: "category", head: "category", width: "8rem", sort: SORT_KEYS.category, cell: (_c, i) => h("td", {}, badge(i.text.category, i.category)) },
  // The maintenance workflow's alert: "new", "↑ from moderate", "since Nov 25 (3 d)", ✓ when acknowledged.
  { id: "alert", head: "alertCol", width: "11rem", sort: SORT_KEYS.alert, cell: (_c, i) => h("td", { class: "alert" }, alertBadge(i.alert)) },
  {
    id: "risk",
    head: "riskScore",
    class: "num",
    width: "8rem",
    sort: SORT_KEYS.risk,
    cell: (ctx, i) => h("td", { class: "num", "data-testid": "risk-score" }, formatScore(i.risk_score, ctx.locale)),
  },
  {
    id: "p_fail",
    head: "pFail",
    title: "pFailLong",
    class: "num",
    width: "8.5rem",
    sort: SORT_KEYS.p_fail,
    cell: (ctx, i) => h("td", { class: "num" }, formatPercent(i.p_fail_7d, ctx.locale)),
  },
  {
    id: "ttf",
    head: "timeToFailure",
    class: "ttf",
    width: "10rem",
    sort: SORT_KEYS.ttf,
    cell: (_c, i) =>
      h("td", { class: "ttf", "data-testid": "time-to-failure", title: i.text.time_to_failure ?? "" }, i.text.time_to_failure_short ?? "–"),
  },
  {
    id: "driver",
    head: "mainDriver",
    class: "reason",
    width: "auto",
    sort: SORT_KEYS.driver,
    cell: (ctx, i) => {
      const reason = mainReason(ctx, i);
      return h("td", { class: "reason", title: reason }, reason);
    },
  },
  {
    id: "last_data",
    head: "lastData",
    class: "when",
    width: "12rem",
    sort: SORT_KEYS.last_data,
    cell: (ctx, i) => h("td", { class: "when" }, formatDateTime(i.last_data, ctx.locale)),
  },
];

/** The rows that pass `filter`, in the order `sort` says (a column of `columns`). */
export function visibleItems(view: FleetPage, filter: Filter, sort: Sort, columns: Column[] = COLUMNS): FleetRow[] {
  return sortItems(filterItems(view.items, filter), sort, columns.find((c) => c.id === sort.column)?.sort?.value);
}

/** The header's order after a click on `column`. */
export function sortAfterClick(sort: Sort, column: Column): Sort {
  return nextSort(sort, column.id, column.sort?.first ?? "asc");
}

// ---------------------------------------------------------------------------------------------
// The virtual table

/** Height of a row (pixels): fixed, so the position of any row is known without building it
 * (`style.css` sets the same height on `tr.row`). */
export const ROW_HEIGHT = 48;
/** Rows built above and below the viewport. */
export const OVERSCAN = 20;
/** Watches the live table's box for size changes. */
let sizeWatch: ResizeObserver | undefined;
/** Viewport assumed before the table is in the page (then its real height). */
const FALLBACK_VIEWPORT = 900;

export interface TableOptions {
  sort: Sort;
  onSort?(sort: Sort): void;
  /** Scroll position to start at (the table rebuilt after a refresh keeps its place). */
  scrollTop?: number;
  onScroll?(scrollTop: number): void;
  columns?: Column[];
  testid?: string;
}

/** The element of the table that scrolls: holds the API of the virtual table. */
export interface FleetTable extends HTMLElement {
  /** Scrolls to `id`'s row and focuses it; false when it is not in the table. */
  focusTurbine?(id: string): boolean;
}

function header(ctx: Ctx, columns: Column[], opts: TableOptions): HTMLElement {
  return h(
    "thead",
    {},
    h(
      "tr",
      { "aria-rowindex": 1 },
      columns.map((col) => {
        const words = t(ctx.lang, col.head);
        const title = col.title ? t(ctx.lang, col.title) : undefined;
        if (!col.sort) return h("th", { scope: "col", class: col.class, title }, words);
        const active = opts.sort.column === col.id;
        const dir = active ? opts.sort.dir : null;
        return h(
          "th",
          {
            scope: "col",
            class: `${col.class ?? ""} sortable${active ? " sorted" : ""}`.trim(),
            title,
            "aria-sort": dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none",
          },
          h(
            "button",
            {
              type: "button",
              class: "sort",
              "data-testid": `sort-${col.id}`,
              onclick: () => opts.onSort?.(sortAfterClick(opts.sort, col)),
            },
            words,
            h("span", { class: "sort-mark", "aria-hidden": "true" }, dir === "asc" ? "▲" : dir === "desc" ? "▼" : "↕"),
          ),
        );
      }),
    ),
  );
}

/** The fleet table over `items` (already filtered and ordered): a scrolling box that builds the
 * rows near its viewport only. Arrow keys move between rows across the whole list (the row
 * is built when reached), Enter or Space opens the turbine, Home and End go to the ends. */
export function table(ctx: Ctx, items: FleetRow[], opts: TableOptions): FleetTable {
  const columns = opts.columns ?? COLUMNS;
  const count = items.length;
  const spacer = () => h("tr", { class: "spacer", "aria-hidden": "true" }, h("td", { colspan: columns.length }));
  const top = spacer();
  const bottom = spacer();
  const body = h("tbody", {});
  const thead = header(ctx, columns, opts);
  const tableEl = h(
    "table",
    {
      class: "fleet virtual",
      "data-testid": opts.testid ?? "fleet-table",
      "data-rows": count,
      "aria-rowcount": count + 1,
    },
    h(
      "colgroup",
      {},
      columns.map((c) => h("col", { style: `width: ${c.width}` })),
    ),
    thead,
    body,
  );
  const box = h("div", { class: "table-scroll", "data-testid": "fleet-scroll" }, tableEl) as FleetTable;

  let rowHeight = ROW_HEIGHT;
  let measured = false;
  let shown = { start: 0, end: 0 };
  let focusIndex = -1;
  // The scroll position to restore once the box is in the page (a refresh keeps the place).
  let restoreTo = opts.scrollTop ?? 0;
  const restore = () => {
    if (restoreTo && box.isConnected) {
      box.scrollTop = restoreTo;
      restoreTo = 0;
    }
  };

  const viewport = () => box.clientHeight || (typeof window !== "undefined" ? window.innerHeight : 0) || FALLBACK_VIEWPORT;
  const headerHeight = () => (thead as HTMLElement).offsetHeight || 0;

  const buildRow = (k: number): HTMLElement => {
    const i = items[k];
    return h(
      "tr",
      {
        "data-testid": "fleet-row",
        "data-turbine-id": i.turbine_id,
        "data-category": i.category ?? "none",
        "data-index": k,
        "aria-rowindex": k + 2,
        tabindex: 0,
        class: "row clickable",
      },
      columns.map((c) => c.cell(ctx, i, k + 1)),
    );
  };

  const render = (force = false) => {
    const scrollTop = Math.max(0, (box.scrollTop || 0) - headerHeight());
    const w = rowWindow(scrollTop, viewport(), rowHeight, count, OVERSCAN);
    if (!force && w.start === shown.start && w.end === shown.end) return;
    const hadFocus = typeof document !== "undefined" && body.contains(document.activeElement as Node | null);
    shown = { start: w.start, end: w.end };
    top.setAttribute("style", `height: ${w.before}px`);
    bottom.setAttribute("style", `height: ${w.after}px`);
    const rows: HTMLElement[] = [];
    for (let k = w.start; k < w.end; k++) rows.push(buildRow(k));
    body.replaceChildren(top, ...rows, bottom);
    if (hadFocus && focusIndex >= w.start && focusIndex < w.end) rows[focusIndex - w.start].focus({ preventScroll: true });
    // The real height of a row, once in the page (fonts, zoom): the window maths follow it.
    if (!measured && rows.length && box.isConnected) {
      const real = rows[0].getBoundingClientRect?.().height ?? 0;
      measured = true;
      if (real > 0 && Math.abs(real - rowHeight) > 0.5) {
        rowHeight = real;
        render(true);
      }
    }
  };

  const moveTo = (k: number) => {
    if (!count) return;
    restore();
    const target = Math.max(0, Math.min(count - 1, k));
    focusIndex = target;
    const next = scrollFor(target, box.scrollTop || 0, viewport(), rowHeight, headerHeight());
    if (next !== box.scrollTop) box.scrollTop = next;
    render();
    const row = body.querySelector<HTMLElement>(`tr[data-index="${target}"]`);
    row?.focus({ preventScroll: true });
  };

  // The box gets its height once in the page, and changes with the window: build what shows.
  // One fleet table lives at a time: the observer of the one it replaces lets go of its rows.
  if (typeof ResizeObserver !== "undefined") {
    sizeWatch?.disconnect();
    sizeWatch = new ResizeObserver(() => render());
    sizeWatch.observe(box);
  }
  let pending = false;
  box.addEventListener("scroll", () => {
    opts.onScroll?.(box.scrollTop);
    if (pending) return;
    pending = true;
    const frame = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (f: () => void) => setTimeout(f, 0);
    frame(() => {
      pending = false;
      render();
    });
  });
  const indexOf = (e: Event): number => {
    const tr = (e.target as HTMLElement).closest?.("tr[data-index]");
    return tr ? Number(tr.getAttribute("data-index")) : -1;
  };
  body.addEventListener("click", (e: Event) => {
    const k = indexOf(e);
    if (k >= 0) ctx.openTurbine(items[k].turbine_id);
  });
  body.addEventListener("focusin", (e: Event) => {
    const k = indexOf(e);
    if (k >= 0) focusIndex = k;
  });
  body.addEventListener("keydown", (e: Event) => {
    const k = indexOf(e);
    if (k < 0) return;
    const key = (e as KeyboardEvent).key;
    const page = Math.max(1, Math.floor(viewport() / rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: k + 1, ArrowUp: k - 1, PageDown: k + page, PageUp: k - page, Home: 0, End: count - 1 };
    if (key === "Enter" || key === " ") {
      e.preventDefault();
      ctx.openTurbine(items[k].turbine_id);
    } else if (key in moves) {
      e.preventDefault();
      moveTo(moves[key]);
    }
  });
  box.focusTurbine = (id: string) => {
    const k = items.findIndex((i) => i.turbine_id === id);
    if (k < 0) return false;
    moveTo(k);
    return true;
  };

  render(true);
  if (restoreTo && typeof requestAnimationFrame === "function") {
    requestAnimationFrame(() => {
      restore();
      render();
    });
  }
  return box;
}
