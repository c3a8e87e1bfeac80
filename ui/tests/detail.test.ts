import { describe, expect, it, vi } from "vitest";
import type { TurbinePage } from "../src/api";
import type { Ctx } from "../src/context";
import { renderDetail } from "../src/views/detail";
import { fake, installFakeDom } from "./fakedom";

// The charts load through the shell; here they never answer.
vi.mock("../src/api", async (original) => ({
  ...(await original<typeof import("../src/api")>()),
  api: { riskChart: () => new Promise(() => undefined), signalsChart: () => new Promise(() => undefined) },
}));

const cooler = { indicator: "gearbox_oil", feature: "gearbox_oil_resid_24h", value: 48.2, reference: 50.3, unit: "°C", basis: "load" as const, contribution: 0.04 };

// What the core sends for LYO-08: a plausible driver, and the cooler oil the model reacts to.
function page(withDriver: boolean): TurbinePage {
  const reaction =
    "the model also reacts to gearbox oil 2.1 °C below normal for this load (+4 pts); this is not a known failure sign";
  return {
    identity: { turbine_id: "LYO-08", site: "Lyon", model: "V2", rated_power_kw: 2300, latitude: 45.7, longitude: 4.9, commissioning_date: "2019-01-08" },
    last_measurements: { timestamp: "2026-11-27T23:50:00Z" },
    prediction: {
      run_id: 3,
      scored_at: "2026-11-28T00:00:00Z",
      scored: true,
      not_scored_reason: null,
      risk_score: 61,
      category: "high",
      p_fail_7d: 0.31,
      ttf_median_days: 9,
      ttf_range_days: [5, 14],
      ttf_range_open: false,
      ttf_known: true,
      ttf_text: "likely in 5 to 14 days",
      data_quality: { unwatched: [], power_curve: true, pitch: true, faults: [], held_at_moderate: false },
      features: {},
    },
    drivers: withDriver ? [{ ...cooler, indicator: "converter", feature: "converter_resid_24h", value: 51, reference: 45, contribution: 0.4 }] : [],
    model_reactions: [cooler],
    history: [],
    text: {
      measurements: [],
      category: "high",
      not_scored: null,
      time_to_failure: "likely in 5 to 14 days",
      drivers: withDriver ? [{ phrase: "converter 6.0 °C above normal for this load", value: "51.0 °C", normal: "45.0 °C", points: 40 }] : [],
      unexplained: withDriver
        ? null
        : "the cockpit cannot name a cause for this risk: the models react to gearbox oil moving in a direction that is not a known failure sign",
      model_reactions: [reaction],
      data_quality: { badge: null, lines: [] },
      track_record: HIGH_RECORD,
    },
  };
}

// What the core says of the high level (evaluation fleet and this park).
const HIGH_RECORD =
  "High or above — evaluation fleet (simulated): 30 % of alert episodes followed by a failure within 7 days, median lead 5 days; this park: 5 of 8 alert episodes followed by a confirmed fault (failure logbook) within 7 days.";

const ctx: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };

describe("the turbine page's reasons", () => {
  it("lists a model reaction apart from the drivers, labelled as no cause", () => {
    installFakeDom();
    const root = fake(renderDetail(ctx, page(true)));
    const drivers = root.querySelectorAll('[data-testid="drivers"]')[0];
    expect(drivers.textContent).toContain("converter 6.0 °C above normal for this load");
    expect(drivers.textContent).not.toContain("gearbox oil");
    const reactions = root.querySelectorAll('[data-testid="model-reactions"]');
    expect(reactions).toHaveLength(1);
    expect(reactions[0].textContent).toContain("not a known failure sign, not a cause");
    expect(reactions[0].textContent).toContain("the model also reacts to gearbox oil 2.1 °C below normal for this load (+4 pts)");
  });

  it("says why a high has no cause it can name, and still lists the reaction apart", () => {
    installFakeDom();
    const root = fake(renderDetail(ctx, page(false)));
    expect(root.querySelectorAll('[data-testid="drivers"]')[0].textContent).toMatch(/^the cockpit cannot name a cause/);
    expect(root.querySelectorAll('[data-testid="model-reactions"]')).toHaveLength(1);
  });

  it("shows the time to failure as the core's range in words", () => {
    installFakeDom();
    const root = fake(renderDetail(ctx, page(true)));
    expect(root.textContent).toContain("Time to failure");
    expect(root.textContent).toContain("likely in 5 to 14 days");
  });

  it("shows no reaction block when the model reacts to nothing else", () => {
    installFakeDom();
    const p = page(true);
    p.model_reactions = [];
    p.text.model_reactions = [];
    expect(fake(renderDetail(ctx, p)).querySelectorAll('[data-testid="model-reactions"]')).toHaveLength(0);
  });
});

describe("the turbine page's category", () => {
  it("says beside the latest prediction how often its category has been right", () => {
    installFakeDom();
    const shown = fake(renderDetail(ctx, page(true))).querySelectorAll('[data-testid="track-record"]');
    expect(shown).toHaveLength(1);
    expect(shown[0].textContent).toBe(HIGH_RECORD);
  });

  it("says nothing of the kind for a category that is not an alert", () => {
    installFakeDom();
    const p = page(true);
    p.text.track_record = null;
    expect(fake(renderDetail(ctx, p)).querySelectorAll('[data-testid="track-record"]')).toHaveLength(0);
  });
});
