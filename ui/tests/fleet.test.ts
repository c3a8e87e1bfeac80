import { describe, expect, it } from "vitest";
import type { Category, FleetPage, FleetRow } from "../src/api";
import {
  csvFileName,
  DEFAULT_SORT,
  filterArgs,
  filterItems,
  NO_FILTER,
  nextSort,
  rowWindow,
  scrollFor,
  SORT_KEYS,
  sitesOf,
  sortByRisk,
  sortItems,
  toggleCategory,
} from "../src/fleet";
import type { Ctx } from "../src/context";
import { detectLang, errorText, errorWords, localeFor, t } from "../src/i18n";
import { categoryChoice, COLUMNS, OVERSCAN, ROW_HEIGHT, sortAfterClick, table, trackRecord, visibleItems } from "../src/views/fleet";
import { fake, installFakeDom } from "./fakedom";

const item = (id: string, site: string, score: number | null, category: Category | null, indicator?: string): FleetRow => ({
  turbine_id: id,
  site,
  alert: null,
  model: "V2",
  scored: score !== null,
  not_scored_reason: score === null ? "no SCADA record in the last 24 h" : null,
  risk_score: score,
  category,
  p_fail_7d: score === null ? null : score / 100,
  ttf_median_days: score === null ? null : 6,
  ttf_range_days: score === null ? null : [3, 10],
  ttf_range_open: false,
  ttf_known: score !== null,
  ttf_text: score === null ? null : "likely in 3 to 10 days",
  drivers: indicator ? [{ indicator, feature: "f", value: 60, reference: 50, unit: "°C", basis: "load", contribution: 0.3 }] : [],
  model_reactions: [],
  scored_at: "2026-11-27T23:50:00Z",
  last_data: "2026-11-27T23:50:00Z",
  run_id: 1,
  data_quality: { unwatched: [], power_curve: true, pitch: true, faults: [], held_at_moderate: false },
  // What the core sends (`FleetRow::text`): the search terms in both languages.
  text: {
    category: category ?? "not scored",
    not_scored: score === null ? "no SCADA record in the last 24 h" : null,
    drivers: indicator ? [`${indicator.replace(/_/g, " ")} 10.0 °C above normal for this load`] : [],
    model_reactions: [],
    time_to_failure: score === null ? null : "likely in 3 to 10 days",
    time_to_failure_short: score === null ? null : "3–10 d",
    data_quality: { badge: null, lines: [] },
    search: [id, site, category ?? "not scored", ...(indicator ? [indicator, indicator.replace(/_/g, " "), WORDS_FR[indicator]] : [])]
      .join("\n")
      .toLowerCase(),
  },
});

const WORDS_FR: Record<string, string> = { gearbox_oil: "huile multiplicateur", generator_bearing: "roulement génératrice" };

const fleet = [
  item("LYO-03", "Lyon", 12, "low"),
  item("LYO-01", "Lyon", 81, "critical", "gearbox_oil"),
  item("VAL-02", "Valence", null, null),
  item("LYO-02", "Lyon", 55, "high", "generator_bearing"),
  item("VAL-01", "Valence", 81, "critical"),
];

describe("fleet ordering", () => {
  it("puts the highest risk first, ties by id, not scored last", () => {
    expect(sortByRisk(fleet).map((i) => i.turbine_id)).toEqual(["LYO-01", "VAL-01", "LYO-02", "LYO-03", "VAL-02"]);
  });
});

describe("sorting by any column", () => {
  const ids = (rows: FleetRow[]) => rows.map((i) => i.turbine_id);
  const sorted = (column: string, dir: "asc" | "desc") => ids(sortItems(fleet, { column, dir }, SORT_KEYS[column]?.value));

  it("starts highest risk first, as the risk order always was", () => {
    expect(DEFAULT_SORT).toEqual({ column: "risk", dir: "desc" });
    expect(sorted("risk", "desc")).toEqual(ids(sortByRisk(fleet)));
  });
  it("reverses on a second click; turbines without a value stay last either way", () => {
    expect(sorted("risk", "asc")).toEqual(["LYO-03", "LYO-02", "LYO-01", "VAL-01", "VAL-02"]);
    expect(sorted("p_fail", "asc").at(-1)).toBe("VAL-02");
    expect(sorted("category", "desc")).toEqual(["LYO-01", "VAL-01", "LYO-02", "LYO-03", "VAL-02"]);
    expect(sorted("category", "asc")).toEqual(["LYO-03", "LYO-02", "LYO-01", "VAL-01", "VAL-02"]);
  });
  it("sorts text columns A to Z first, numbers in ids as numbers", () => {
    const t = [item("T10", "S", 5, "low"), item("T9", "S", 6, "low"), item("T100", "S", 7, "low")];
    expect(ids(sortItems(t, { column: "turbine", dir: "asc" }, SORT_KEYS.turbine.value))).toEqual(["T9", "T10", "T100"]);
    expect(ids(sortItems(t, { column: "turbine", dir: "desc" }, SORT_KEYS.turbine.value))).toEqual(["T100", "T10", "T9"]);
    // The main driver: turbines without one (not scored, no driver) last.
    expect(sorted("driver", "asc")).toEqual(["LYO-01", "LYO-02", "VAL-01", "LYO-03", "VAL-02"]);
  });
  it("puts the soonest failure first, then no failure expected, then unknown", () => {
    const soon = item("A", "S", 40, "moderate");
    soon.ttf_median_days = 2;
    const none = item("B", "S", 50, "high");
    none.ttf_median_days = null;
    const unknown = item("C", "S", 60, "high");
    unknown.ttf_known = false;
    const later = item("D", "S", 30, "moderate");
    later.ttf_median_days = 9;
    expect(ids(sortItems([none, unknown, later, soon], { column: "ttf", dir: "asc" }, SORT_KEYS.ttf.value))).toEqual(["A", "D", "B", "C"]);
  });
  it("clicks: a new column in its natural direction, the same column reversed", () => {
    const risk = COLUMNS.find((c) => c.id === "risk")!;
    const turbine = COLUMNS.find((c) => c.id === "turbine")!;
    const s1 = sortAfterClick(DEFAULT_SORT, risk);
    expect(s1).toEqual({ column: "risk", dir: "asc" });
    expect(sortAfterClick(s1, turbine)).toEqual({ column: "turbine", dir: "asc" });
    expect(nextSort({ column: "turbine", dir: "asc" }, "turbine", "asc")).toEqual({ column: "turbine", dir: "desc" });
    // Every column but the rank sorts.
    expect(COLUMNS.filter((c) => !c.sort).map((c) => c.id)).toEqual(["rank"]);
  });
  it("keeps the filter and the chosen order together (what the table and the print show)", () => {
    const view = { items: fleet } as unknown as FleetPage;
    const rows = visibleItems(view, { ...NO_FILTER, categories: ["critical", "high"] }, { column: "turbine", dir: "desc" });
    expect(ids(rows)).toEqual(["VAL-01", "LYO-02", "LYO-01"]);
  });
  it("sorts a 10,000-turbine fleet by id, numbers in order", () => {
    const big = Array.from({ length: 10_000 }, (_, k) => item(`T${(k * 7919) % 10_000}`, "S", (k * 37) % 100, "low"));
    const rows = sortItems(big, { column: "turbine", dir: "asc" }, SORT_KEYS.turbine.value);
    expect(rows).toHaveLength(10_000);
    expect(rows[0].turbine_id).toBe("T0");
    expect(rows[9_999].turbine_id).toBe("T9999");
  });
});

describe("the virtual window", () => {
  it("builds the rows in the viewport and the overscan around them, with the space of the others", () => {
    // Top: rows 0 to 9 visible (480 px / 48), 20 more below.
    expect(rowWindow(0, 480, 48, 10_000, 20)).toEqual({ start: 0, end: 30, before: 0, after: (10_000 - 30) * 48 });
    // Middle: row 1000 at the top of the viewport.
    const mid = rowWindow(48_000, 480, 48, 10_000, 20);
    expect(mid).toEqual({ start: 980, end: 1030, before: 980 * 48, after: (10_000 - 1030) * 48 });
    // Bottom: the last row is built, nothing after it.
    const last = rowWindow(10_000 * 48 - 480, 480, 48, 10_000, 20);
    expect([last.end, last.after, last.start]).toEqual([10_000, 0, 9_970]);
    // Scrolled past the end (a list that got shorter): still the last rows, never an empty window.
    expect(rowWindow(10_000_000, 480, 48, 100, 20)).toMatchObject({ start: 80, end: 100, after: 0 });
    // A small fleet: every row.
    expect(rowWindow(0, 480, 48, 20, 20)).toEqual({ start: 0, end: 20, before: 0, after: 0 });
    expect(rowWindow(0, 480, 48, 0, 20)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
  it("the heights always add up to the whole list", () => {
    for (const top of [0, 1, 47, 48, 5_000, 123_456, 479_520]) {
      const w = rowWindow(top, 700, 48, 10_000, 20);
      expect(w.before + (w.end - w.start) * 48 + w.after).toBe(10_000 * 48);
    }
  });
  it("scrolls just enough to bring a row reached by the keyboard into view, under the sticky header", () => {
    // Row 3 is in view: no scroll.
    expect(scrollFor(3, 0, 480, 48, 40)).toBe(0);
    // Row 20 is below: its bottom meets the viewport's bottom.
    expect(scrollFor(20, 0, 480, 48, 40)).toBe(40 + 21 * 48 - 480);
    // Row 5 is above: its top meets the header's bottom.
    expect(scrollFor(5, 2_000, 480, 48, 40)).toBe(5 * 48);
  });
});

describe("fleet filters", () => {
  it("filters by category and site", () => {
    expect(filterItems(fleet, { ...NO_FILTER, categories: ["critical"] }).map((i) => i.turbine_id)).toEqual(["LYO-01", "VAL-01"]);
    expect(filterItems(fleet, { ...NO_FILTER, site: "valence" })).toHaveLength(2);
    expect(filterItems(fleet, { categories: ["critical"], site: "Lyon", search: "", unacknowledged: false, turbines: [] }).map((i) => i.turbine_id)).toEqual(["LYO-01"]);
  });
  it("shows several categories at once, and every turbine (not scored too) when none is chosen", () => {
    const both = { ...NO_FILTER, categories: ["critical", "high"] as Category[] };
    expect(filterItems(fleet, both).map((i) => i.turbine_id)).toEqual(["LYO-01", "LYO-02", "VAL-01"]);
    expect(filterItems(fleet, { ...both, search: "génératrice" }).map((i) => i.turbine_id)).toEqual(["LYO-02"]);
    expect(filterItems(fleet, NO_FILTER)).toHaveLength(5);
    // The counters are toggles: on, a second one on, the first off again; kept in policy order.
    let f = toggleCategory(NO_FILTER, "high");
    f = toggleCategory(f, "critical");
    expect(f.categories).toEqual(["critical", "high"]);
    f = toggleCategory(f, "high");
    expect(f.categories).toEqual(["critical"]);
    expect(toggleCategory(f, "critical").categories).toEqual([]);
    // The category select shows one, all, or "several".
    expect([categoryChoice(NO_FILTER), categoryChoice(f), categoryChoice(both)]).toEqual(["", "critical", "several"]);
    // The export gets the same categories as the table.
    expect(filterArgs(both)).toEqual({ categories: ["critical", "high"] });
  });
  it("searches what the core says each row matches (ids, sites, drivers in words)", () => {
    expect(filterItems(fleet, { ...NO_FILTER, search: " lyo-0 " })).toHaveLength(3);
    expect(filterItems(fleet, { ...NO_FILTER, search: "gearbox" }).map((i) => i.turbine_id)).toEqual(["LYO-01"]);
    expect(filterItems(fleet, { ...NO_FILTER, search: "génératrice" }).map((i) => i.turbine_id)).toEqual(["LYO-02"]);
    expect(filterItems(fleet, { ...NO_FILTER, search: "transformateur" })).toHaveLength(0);
  });
  it("shows only the turbines a notification named, and the export gets the same", () => {
    const named = { ...NO_FILTER, turbines: ["val-01", "LYO-02"] };
    expect(filterItems(fleet, named).map((i) => i.turbine_id).sort()).toEqual(["LYO-02", "VAL-01"]);
    // With the other filters: every one must hold.
    expect(filterItems(fleet, { ...named, site: "Lyon" }).map((i) => i.turbine_id)).toEqual(["LYO-02"]);
    expect(filterArgs(named)).toEqual({ turbines: ["val-01", "LYO-02"] });
  });
  it("lists sites and sends only the filters in use", () => {
    expect(sitesOf(fleet)).toEqual(["Lyon", "Valence"]);
    expect(filterArgs(NO_FILTER)).toEqual({});
    expect(filterArgs({ categories: ["high"], site: "", search: "  gear ", unacknowledged: true, turbines: [] })).toEqual({ categories: ["high"], search: "gear", unacknowledged: true });
    expect(csvFileName(new Date("2026-11-28T08:00:00Z"), "fr")).toBe("liste-travaux-2026-11-28.csv");
  });
});

describe("language", () => {
  it("follows the OS locale", () => {
    expect(detectLang("fr-FR")).toBe("fr");
    expect(detectLang("fr")).toBe("fr");
    expect(detectLang("en-US")).toBe("en");
    expect(detectLang(undefined)).toBe("en");
    expect(localeFor("fr", "fr-CA")).toBe("fr-CA");
    expect(localeFor("fr", "en-US")).toBe("fr-FR");
    // A bare system reports "c" or "C.UTF-8": not a locale Intl can use.
    expect(localeFor("en", "c")).toBe("en-GB");
    expect(localeFor("en", "C.UTF-8")).toBe("en-GB");
  });
  it("fills texts and shows the core's error summary in the UI's language", () => {
    expect(t("en", "shown", { n: 2, total: 20 })).toBe("Turbines shown: 2 of 20");
    const noRun = { code: "no_run", message: "x", summary_en: "No scoring run yet.", summary_fr: "Aucune évaluation pour l'instant." };
    // The words come from the core; the technical message is only a secondary detail.
    expect(errorText("fr", noRun)).toBe("Aucune évaluation pour l'instant.");
    expect(errorText("en", noRun)).toBe("No scoring run yet.");
    expect(errorWords("fr", noRun)).toEqual({ summary: "Aucune évaluation pour l'instant.", detail: "x" });
    // An error without summary (not from the shell) shows its message.
    expect(errorText("fr", { code: "weird", message: "raw" })).toBe("raw");
    expect(errorWords("en", { code: "weird", message: "raw" })).toEqual({ summary: "raw", detail: "" });
  });
});

describe("the data-quality badge", () => {
  const ctx: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };
  it("marks a turbine with a faulty or unwatched family, with the core's words, and no other", () => {
    installFakeDom();
    const frozen = item("LYO-08", "Lyon", 8, "low");
    frozen.text.data_quality = {
      badge: "generator winding: sensor frozen",
      lines: ["generator winding: sensor frozen", "generator winding temperature sensor frozen Nov 21–26"],
    };
    const t = fake(table(ctx, [frozen, item("LYO-03", "Lyon", 12, "low")], { sort: DEFAULT_SORT }));
    const badges = t.querySelectorAll('span[data-testid="data-quality-badge"]');
    expect(badges).toHaveLength(1);
    expect(badges[0].getAttribute("title")).toBe("generator winding: sensor frozen");
    const rows = t.querySelectorAll('tr[data-testid="fleet-row"]');
    expect(rows[0].querySelectorAll('span[data-testid="data-quality-badge"]')).toHaveLength(1);
    expect(rows[1].querySelectorAll('span[data-testid="data-quality-badge"]')).toHaveLength(0);
  });
});

describe("the time to failure in the fleet table", () => {
  const ctx: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };
  it("shows the core's whole-day range, the sentence as its title, never a decimal day", () => {
    installFakeDom();
    const none = item("LYO-05", "Lyon", 5, "low");
    none.ttf_median_days = null;
    none.ttf_range_days = null;
    none.text.time_to_failure = "no failure expected within 30 days";
    none.text.time_to_failure_short = "none ≤ 30 d";
    const t = fake(table(ctx, [item("LYO-01", "Lyon", 81, "critical"), none, item("VAL-02", "Valence", null, null)], { sort: DEFAULT_SORT }));
    const cells = t.querySelectorAll('td[data-testid="time-to-failure"]');
    expect(cells.map((c) => c.textContent)).toEqual(["3–10 d", "none ≤ 30 d", "–"]);
    expect(cells[0].getAttribute("title")).toBe("likely in 3 to 10 days");
    expect(cells[1].getAttribute("title")).toBe("no failure expected within 30 days");
    for (const c of cells) expect(c.textContent).not.toMatch(/\d[.,]\d/);
  });
});

describe("the fleet table on a large fleet", () => {
  const many = Array.from({ length: 10_000 }, (_, k) => item(`T${String(k).padStart(5, "0")}`, "Big", 90 - k / 1000, "high"));
  const ctx: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };
  const rowsOf = (t: HTMLElement) => fake(t).querySelectorAll('tr[data-testid="fleet-row"]');

  it("builds only the rows near the viewport, ranked by their place in the order, with the room of all", () => {
    installFakeDom();
    const t = table(ctx, many, { sort: DEFAULT_SORT });
    const rows = rowsOf(t);
    // Before it is in the page, the viewport is taken as 900 px: 19 rows and the overscan.
    expect(rows).toHaveLength(Math.ceil(900 / ROW_HEIGHT) + OVERSCAN);
    expect(rows[0].getAttribute("data-turbine-id")).toBe("T00000");
    expect(rows[0].textContent.startsWith("1")).toBe(true);
    expect(rows[1].getAttribute("aria-rowindex")).toBe("3");
    const tableEl = fake(t).querySelector('table[data-testid="fleet-table"]')!;
    expect(tableEl.getAttribute("aria-rowcount")).toBe("10001");
    expect(tableEl.getAttribute("data-rows")).toBe("10000");
    const spacers = fake(t).querySelectorAll('tr[aria-hidden="true"]');
    expect(spacers.map((s) => s.getAttribute("style"))).toEqual(["height: 0px", `height: ${(10_000 - rows.length) * ROW_HEIGHT}px`]);
  });

  it("marks the sorted column for assistive technology and sorts on a header click", () => {
    installFakeDom();
    const sorts: unknown[] = [];
    const t = fake(table(ctx, many.slice(0, 3), { sort: DEFAULT_SORT, onSort: (s) => sorts.push(s) }));
    const heads = t.querySelectorAll("th[aria-sort]");
    expect(heads.length).toBe(COLUMNS.length - 1);
    expect(t.querySelectorAll('th[aria-sort="descending"]').map((th) => th.textContent)).toEqual(["Risk score▼"]);
    void t.querySelector('button[data-testid="sort-turbine"]')!.fire("click");
    expect(sorts).toEqual([{ column: "turbine", dir: "asc" }]);
  });
});

describe("the fleet legend", () => {
  const ctxEn: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };
  const labels = { critical: "critical", high: "high", moderate: "moderate", low: "low", none: "not scored" };
  const record = (category: Category, text: string) => ({
    category,
    evaluation: null,
    park: { judged: 0, true_episodes: 0, precision: null, median_lead_days: null },
    model_version: "2.0.0",
    text,
  });

  it("says how often each alert category has been right, most urgent first", () => {
    installFakeDom();
    const view = {
      labels,
      track_record: [
        record("critical", "Critical — evaluation fleet (simulated): 86 % of alert episodes followed by a failure within 7 days"),
        record("high", "High or above — this park: 5 of 8 alert episodes followed by a confirmed fault"),
      ],
    } as unknown as FleetPage;
    const legend = fake(trackRecord(ctxEn, view)!);
    const items = legend.querySelectorAll("li");
    expect(items.map((li) => li.getAttribute("data-testid"))).toEqual(["track-record-critical", "track-record-high"]);
    expect(items[1].textContent).toContain("5 of 8 alert episodes followed by a confirmed fault");
  });

  it("shows no legend when the shell sends none", () => {
    expect(trackRecord(ctxEn, { labels, track_record: [] } as unknown as FleetPage)).toBeNull();
  });
});

describe("the maintenance workflow in the fleet table", () => {
  const withAlert = (row: FleetRow, status: "open" | "acknowledged" | "resolved", category: Category, raised: string): FleetRow => ({
    ...row,
    alert: {
      id: `a-${row.turbine_id}`,
      turbine_id: row.turbine_id,
      status,
      category,
      categories: [category],
      first_raised: raised,
      acknowledged: null,
      closure: null,
      outcome: null,
      interventions: [],
      notes: [],
      text: { status, path: category, badge: status === "resolved" ? null : "new", badge_kind: status === "resolved" ? null : "new", acknowledged: null, closure: null, outcome: null, first_raised: raised, notes: [] },
    },
  });
  const rows = [
    withAlert(item("LYO-01", "Lyon", 80, "critical"), "acknowledged", "critical", "2026-11-20T00:00:00Z"),
    withAlert(item("LYO-02", "Lyon", 60, "high"), "open", "high", "2026-11-25T00:00:00Z"),
    withAlert(item("LYO-03", "Lyon", 70, "high"), "open", "critical", "2026-11-22T00:00:00Z"),
    withAlert(item("LYO-04", "Lyon", 10, "low"), "resolved", "high", "2026-11-01T00:00:00Z"),
    item("LYO-05", "Lyon", 5, "low"),
  ];

  it("keeps only the open alerts nobody acknowledged", () => {
    const kept = filterItems(rows, { ...NO_FILTER, unacknowledged: true }).map((i) => i.turbine_id);
    expect(kept).toEqual(["LYO-02", "LYO-03"]);
    expect(filterArgs({ ...NO_FILTER, unacknowledged: true })).toEqual({ unacknowledged: true });
  });

  it("sorts open alerts first, the most urgent and oldest first, turbines without one last", () => {
    const page = { items: rows } as unknown as FleetPage;
    const order = visibleItems(page, NO_FILTER, { column: "alert", dir: "desc" }).map((i) => i.turbine_id);
    expect(order).toEqual(["LYO-03", "LYO-02", "LYO-01", "LYO-04", "LYO-05"]);
  });
});
