import { describe, expect, it } from "vitest";
import type { Category, FleetPage, FleetRow } from "../src/api";
import { csvFileName, filterArgs, filterItems, NO_FILTER, sitesOf, sortByRisk } from "../src/fleet";
import type { Ctx } from "../src/context";
import { detectLang, errorText, errorWords, localeFor, t } from "../src/i18n";
import { FIRST_ROWS, table, trackRecord } from "../src/views/fleet";
import { fake, FakeElement, installFakeDom, settle } from "./fakedom";

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

describe("fleet filters", () => {
  it("filters by category and site", () => {
    expect(filterItems(fleet, { ...NO_FILTER, category: "critical" }).map((i) => i.turbine_id)).toEqual(["LYO-01", "VAL-01"]);
    expect(filterItems(fleet, { ...NO_FILTER, site: "valence" })).toHaveLength(2);
    expect(filterItems(fleet, { category: "critical", site: "Lyon", search: "" }).map((i) => i.turbine_id)).toEqual(["LYO-01"]);
  });
  it("searches what the core says each row matches (ids, sites, drivers in words)", () => {
    expect(filterItems(fleet, { ...NO_FILTER, search: " lyo-0 " })).toHaveLength(3);
    expect(filterItems(fleet, { ...NO_FILTER, search: "gearbox" }).map((i) => i.turbine_id)).toEqual(["LYO-01"]);
    expect(filterItems(fleet, { ...NO_FILTER, search: "génératrice" }).map((i) => i.turbine_id)).toEqual(["LYO-02"]);
    expect(filterItems(fleet, { ...NO_FILTER, search: "transformateur" })).toHaveLength(0);
  });
  it("lists sites and sends only the filters in use", () => {
    expect(sitesOf(fleet)).toEqual(["Lyon", "Valence"]);
    expect(filterArgs(NO_FILTER)).toEqual({});
    expect(filterArgs({ category: "high", site: "", search: "  gear " })).toEqual({ category: "high", search: "gear" });
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
    const t = fake(table(ctx, [frozen, item("LYO-03", "Lyon", 12, "low")]));
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
    const t = fake(table(ctx, [item("LYO-01", "Lyon", 81, "critical"), none, item("VAL-02", "Valence", null, null)]));
    const cells = t.querySelectorAll('td[data-testid="time-to-failure"]');
    expect(cells.map((c) => c.textContent)).toEqual(["3–10 d", "none ≤ 30 d", "–"]);
    expect(cells[0].getAttribute("title")).toBe("likely in 3 to 10 days");
    expect(cells[1].getAttribute("title")).toBe("no failure expected within 30 days");
    for (const c of cells) expect(c.textContent).not.toMatch(/\d[.,]\d/);
  });
});

describe("the fleet table on a large fleet", () => {
  const many = Array.from({ length: 450 }, (_, k) => item(`T${String(k).padStart(4, "0")}`, "Big", 90 - k / 10, "high"));
  const ctx: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };
  const rowsOf = (t: HTMLElement) => fake(t).querySelectorAll('tr[data-testid="fleet-row"]');

  it("shows the most urgent turbines at once and the rest soon after, in rank order", async () => {
    installFakeDom();
    const root = new FakeElement("main");
    root.isRoot = true;
    const t = table(ctx, many);
    root.append(fake(t));
    expect(rowsOf(t)).toHaveLength(FIRST_ROWS);
    for (let k = 0; k < 5; k++) await settle();
    const rows = rowsOf(t);
    expect(rows).toHaveLength(450);
    expect(rows.map((r) => r.getAttribute("data-turbine-id"))).toEqual(many.map((i) => i.turbine_id));
    expect(rows[449].textContent.startsWith("450")).toBe(true);
  });

  it("stops filling a table that a newer render replaced", async () => {
    installFakeDom();
    const root = new FakeElement("main");
    root.isRoot = true;
    const t = table(ctx, many);
    root.append(fake(t));
    await settle(); // first chunk
    root.replaceChildren();
    for (let k = 0; k < 5; k++) await settle();
    expect(rowsOf(t).length).toBeLessThan(450);
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
