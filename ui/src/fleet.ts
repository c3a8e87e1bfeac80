// Filtering, ordering and the virtual window of the fleet table (pure: tested without a window).
import { CATEGORIES, type Category, type FleetFilterArgs, type FleetRow } from "./api";
import type { Lang } from "./i18n";

/** What the fleet view shows. Each field is one predicate; every one must hold (add a field and
 * its test in `filterItems` and `filterArgs` for a new filter). */
export interface Filter {
  /** Rows in any of these categories; empty: every row, the not-scored ones included. */
  categories: Category[];
  site: string;
  search: string;
  /** Only the turbines with an open alert nobody has acknowledged. */
  unacknowledged: boolean;
  /** Only these turbines (a notification's, clicked); empty: all. */
  turbines: string[];
}

export const NO_FILTER: Filter = { categories: [], site: "", search: "", unacknowledged: false, turbines: [] };

/** The items that pass the filter (same rules as the work list export). The search is the
 * core's rule: each row carries what it matches (`text.search`). */
export function filterItems(items: FleetRow[], f: Filter): FleetRow[] {
  const q = f.search.trim().toLowerCase();
  const site = f.site.trim().toLowerCase();
  const cats = f.categories;
  const only = new Set(f.turbines.map((t) => t.trim().toLowerCase()));
  return items.filter(
    (i) =>
      (!cats.length || (i.category !== null && cats.includes(i.category))) &&
      (!site || i.site.toLowerCase() === site) &&
      (!f.unacknowledged || i.alert?.status === "open") &&
      (!only.size || only.has(i.turbine_id.toLowerCase())) &&
      (!q || i.text.search.includes(q)),
  );
}

/** The filter with `cat` switched on or off (the counters are toggles), in the policy's order. */
export function toggleCategory(f: Filter, cat: Category): Filter {
  const on = f.categories.includes(cat) ? f.categories.filter((c) => c !== cat) : [...f.categories, cat];
  return { ...f, categories: CATEGORIES.filter((c) => on.includes(c)) };
}

/** Highest risk first; turbines not scored last; ties by turbine id. */
export function sortByRisk(items: FleetRow[]): FleetRow[] {
  return [...items].sort(byRisk);
}

function byRisk(a: FleetRow, b: FleetRow): number {
  const sa = a.risk_score;
  const sb = b.risk_score;
  if (sa === null && sb !== null) return 1;
  if (sb === null && sa !== null) return -1;
  if (sa !== null && sb !== null && sa !== sb) return sb - sa;
  return a.turbine_id.localeCompare(b.turbine_id);
}

// ---------------------------------------------------------------------------------------------
// Sorting by any column

export type Dir = "asc" | "desc";

/** The table's order: a column's id and its direction. */
export interface Sort {
  column: string;
  dir: Dir;
}

/** A column's sort value: a number or a text; `null` (nothing to compare) sorts last in both
 * directions. */
export type SortValue = (row: FleetRow) => number | string | null;

const SEVERITY: Record<Category, number> = { critical: 3, high: 2, moderate: 1, low: 0 };

/** The sort values of the fleet table's sortable columns (the columns, `views/fleet.ts`, name
 * theirs; a new column may also give its own inline). */
export const SORT_KEYS: Record<string, { value: SortValue; first: Dir }> = {
  turbine: { value: (r) => r.turbine_id, first: "asc" },
  category: { value: (r) => (r.category === null ? null : SEVERITY[r.category]), first: "desc" },
  risk: { value: (r) => r.risk_score, first: "desc" },
  p_fail: { value: (r) => r.p_fail_7d, first: "desc" },
  // Shortest median first; "no failure expected" after every median; unknown last.
  ttf: { value: (r) => (!r.ttf_known ? null : (r.ttf_median_days ?? Number.POSITIVE_INFINITY)), first: "asc" },
  driver: { value: (r) => (r.scored ? (r.text.drivers[0] ?? null) : null), first: "asc" },
  last_data: { value: (r) => r.last_data, first: "desc" },
  // Open alerts first (the most urgent category, then the oldest), then acknowledged ones, then
  // closed ones; turbines that never had one last.
  alert: { value: alertRank, first: "desc" },
};

/** An alert's place in the alert column's order (higher first when sorted the natural way). */
function alertRank(r: FleetRow): number | null {
  const a = r.alert;
  if (!a) return null;
  const weight = a.status === "open" ? 3 : a.status === "acknowledged" ? 2 : 1;
  const raised = Date.parse(a.first_raised) / 1e12; // older first within a status and category
  return weight * 10 + SEVERITY[a.category] - raised;
}

/** The order on launch: highest risk first. */
export const DEFAULT_SORT: Sort = { column: "risk", dir: "desc" };

/** The order after a click on `column`'s header: the same column reversed, else the column in
 * its natural first direction `first` (highest risk, earliest failure, A to Z). */
export function nextSort(current: Sort, column: string, first: Dir): Sort {
  if (current.column === column) return { column, dir: current.dir === "asc" ? "desc" : "asc" };
  return { column, dir: first };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** `items` in `sort`'s direction of the column's sort value `by` (a new array); rows without
 * a value last in both directions; ties keep the risk order (highest first, then turbine id).
 * No sort value (a column that does not sort): the risk order. */
export function sortItems(items: FleetRow[], sort: Sort, by: SortValue | undefined): FleetRow[] {
  if (!by) return sortByRisk(items);
  const sign = sort.dir === "asc" ? 1 : -1;
  // Values read once per row, not once per comparison (10,000 rows: ~140,000 comparisons).
  const keyed = items.map((row) => ({ row, v: by(row) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) {
      if (a.v !== b.v) return a.v === null ? 1 : -1;
      return byRisk(a.row, b.row);
    }
    let c: number;
    if (typeof a.v === "number" && typeof b.v === "number") c = a.v === b.v ? 0 : a.v < b.v ? -1 : 1;
    else c = collator.compare(String(a.v), String(b.v));
    return c !== 0 ? sign * c : byRisk(a.row, b.row);
  });
  return keyed.map((k) => k.row);
}

// ---------------------------------------------------------------------------------------------
// The virtual window

/** The rows of a virtual table that exist in the page: `[start, end)`, plus the empty space
 * above and below them (pixels). */
export interface RowWindow {
  start: number;
  end: number;
  before: number;
  after: number;
}

/** Which rows to render for a scroll position: those in the viewport and `overscan` more on
 * each side (so a fast scroll or an arrow key finds its row built). Rows are `rowHeight` high. */
export function rowWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan: number): RowWindow {
  const top = Math.max(0, scrollTop);
  const first = Math.min(count, Math.floor(top / rowHeight));
  const last = Math.min(count, Math.ceil((top + Math.max(0, viewport)) / rowHeight));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight };
}

/** The scroll position that brings row `index` into a viewport (unchanged if it is in view). */
export function scrollFor(index: number, scrollTop: number, viewport: number, rowHeight: number, header = 0): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  const bottom = top + rowHeight + header;
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return scrollTop;
}

// ---------------------------------------------------------------------------------------------

/** Sites of the fleet, sorted. */
export function sitesOf(items: FleetRow[]): string[] {
  return [...new Set(items.map((i) => i.site))].sort((a, b) => a.localeCompare(b));
}

/** The filter as the commands take it (empty fields left out). */
export function filterArgs(f: Filter): FleetFilterArgs {
  const out: FleetFilterArgs = {};
  if (f.unacknowledged) out.unacknowledged = true;
  if (f.turbines.length) out.turbines = [...f.turbines];
  if (f.categories.length) out.categories = [...f.categories];
  if (f.site) out.site = f.site;
  if (f.search.trim()) out.search = f.search.trim();
  return out;
}

/** File name of the exported work list: "worklist-2026-11-28.csv". */
export function csvFileName(now: Date, lang: Lang): string {
  const d = now.toISOString().slice(0, 10);
  return `${lang === "fr" ? "liste-travaux" : "worklist"}-${d}.csv`;
}
