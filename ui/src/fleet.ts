// Filtering and ordering of the fleet table (pure: tested without a window).
import type { Category, FleetRow } from "./api";
import type { Lang } from "./i18n";

export interface Filter {
  category: Category | "";
  site: string;
  search: string;
}

export const NO_FILTER: Filter = { category: "", site: "", search: "" };

/** The items that pass the filter (same rules as the work list export). The search is the
 * core's rule: each row carries what it matches (`text.search`). */
export function filterItems(items: FleetRow[], f: Filter): FleetRow[] {
  const q = f.search.trim().toLowerCase();
  return items.filter(
    (i) =>
      (!f.category || i.category === f.category) &&
      (!f.site || i.site.toLowerCase() === f.site.trim().toLowerCase()) &&
      (!q || i.text.search.includes(q)),
  );
}

/** Highest risk first; turbines not scored last; ties by turbine id. */
export function sortByRisk(items: FleetRow[]): FleetRow[] {
  return [...items].sort((a, b) => {
    const sa = a.risk_score;
    const sb = b.risk_score;
    if (sa === null && sb !== null) return 1;
    if (sb === null && sa !== null) return -1;
    if (sa !== null && sb !== null && sa !== sb) return sb - sa;
    return a.turbine_id.localeCompare(b.turbine_id);
  });
}

/** Sites of the fleet, sorted. */
export function sitesOf(items: FleetRow[]): string[] {
  return [...new Set(items.map((i) => i.site))].sort((a, b) => a.localeCompare(b));
}

/** The filter as the commands take it (empty fields left out). */
export function filterArgs(f: Filter): { category?: string; site?: string; search?: string } {
  const out: { category?: string; site?: string; search?: string } = {};
  if (f.category) out.category = f.category;
  if (f.site) out.site = f.site;
  if (f.search.trim()) out.search = f.search.trim();
  return out;
}

/** File name of the exported work list: "worklist-2026-11-28.csv". */
export function csvFileName(now: Date, lang: Lang): string {
  const d = now.toISOString().slice(0, 10);
  return `${lang === "fr" ? "liste-travaux" : "worklist"}-${d}.csv`;
}
