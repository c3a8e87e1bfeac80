import { beforeAll, describe, expect, it } from "vitest";
import type { ComparisonPage, ModelSetChange, ModelSetInfo, ModelSetsPage } from "../src/api";
import type { Ctx } from "../src/context";
import type { Lang } from "../src/i18n";
import { modelSetsView, renderComparison, type ModelSetsSource } from "../src/views/diagnostics/modelsets";
import { fake, installFakeDom, settle } from "./fakedom";

const ctxOf = (lang: Lang): Ctx => ({
  lang,
  locale: lang === "fr" ? "fr-FR" : "en-GB",
  openTurbine: () => undefined,
  backToFleet: () => undefined,
});

const set = (version: string, sha: string): ModelSetInfo => ({ version, sha256: sha.repeat(64 / sha.length), dir: `/data/model-sets/${version}` });
const SERVED = set("1.1.0", "8c47f519");
const CAND = set("2.0.0", "67e3f30f");

function page(over: Partial<ModelSetsPage["status"]> = {}): ModelSetsPage {
  const status = { in_service: SERVED, candidate: CAND, candidate_refused: null, rollback_to: null, ...over };
  return {
    status,
    history: {
      periods: [
        { version: "1.0.0", sha256: null, from: "2026-11-01T06:00:00Z", to: "2026-11-20T06:00:00Z", first_run: 1, last_run: 20, runs: 20 },
        { version: "1.1.0", sha256: SERVED.sha256, from: "2026-11-21T06:00:00Z", to: "2026-11-29T06:00:00Z", first_run: 21, last_run: 29, runs: 9 },
      ],
      changes: [{ action: "promote", at: "2026-11-21T05:00:00Z", set: SERVED, replaced: set("1.0.0", "aaaaaaaa") }],
    },
    confirm_promote: status.candidate && !status.candidate_refused ? "Put the candidate model set 2.0.0 (67e3f30f) in service?" : null,
    confirm_rollback: status.rollback_to ? "Return to the model set 1.0.0 (aaaaaaaa) that served before?" : null,
  };
}

const COMPARISON: ComparisonPage = {
  text: {
    heading: ["In service: 1.1.0 (8c47f519)", "Candidate: 2.0.0 (67e3f30f)"],
    agreement: "Categories identical for 9 of 10 turbine-runs (90 %) over 2 runs scored in shadow.",
    table_caption: "Rows: category in service; columns: category of the candidate.",
    labels: ["low", "moderate", "high", "critical", "not scored"],
    backtest: ["Backtest on this fleet's history, 30 days:", "in service: High or above: …", "candidate: High or above: …"],
  },
  agreement: {
    runs: 2,
    skipped_runs: 0,
    last_skip_reason: null,
    compared: 10,
    identical: 9,
    share_identical: 0.9,
    confusion: [
      [7, 0, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
  },
};

function source(p: ModelSetsPage, calls: string[]): ModelSetsSource {
  const change = (action: string, s: ModelSetInfo): ModelSetChange => ({ action, at: "2026-11-29T10:00:00Z", set: s, replaced: null });
  return {
    modelSets: async () => p,
    compareModelSets: async () => COMPARISON,
    chooseCandidate: async () => {
      calls.push("choose");
      return CAND;
    },
    promoteModelSet: async () => {
      calls.push("promote");
      return change("promote", CAND);
    },
    rollbackModelSet: async () => {
      calls.push("rollback");
      return change("rollback", set("1.0.0", "aaaaaaaa"));
    },
  };
}

describe("model sets on Diagnostics", () => {
  beforeAll(installFakeDom);

  it("shows the set in service, the candidate and the history of which set served which runs", async () => {
    const v = modelSetsView(ctxOf("en"), source(page(), []), () => true);
    await v.reload();
    const root = fake(v.element);
    const status = root.querySelector('[data-testid="model-sets-status"]')!;
    expect(status.textContent).toContain("1.1.0 (8c47f519)");
    expect(status.textContent).toContain("2.0.0 (67e3f30f)");
    const rows = root.querySelector('[data-testid="model-history"]')!.querySelectorAll("tr");
    expect(rows).toHaveLength(3);
    expect(rows[1].textContent).toContain("1.1.0");
    expect(rows[2].textContent).toContain("—");
    expect(root.querySelector('[data-testid="model-changes"]')!.textContent).toContain("1.1.0 (8c47f519) ← 1.0.0 (aaaaaaaa)");
    expect(root.querySelector('[data-testid="rollback-model-set"]')!.disabled).toBe(true);
  });

  it("promotes only after the core's question is confirmed", async () => {
    const calls: string[] = [];
    const asked: string[] = [];
    let answer = false;
    const v = modelSetsView(ctxOf("en"), source(page(), calls), (q) => {
      asked.push(q);
      return answer;
    });
    await v.reload();
    const root = fake(v.element);
    await root.querySelector('[data-testid="promote-model-set"]')!.fire("click");
    expect(asked).toEqual(["Put the candidate model set 2.0.0 (67e3f30f) in service?"]);
    expect(calls).toEqual([]);
    answer = true;
    await root.querySelector('[data-testid="promote-model-set"]')!.fire("click");
    await settle();
    expect(calls).toEqual(["promote"]);
    expect(fake(v.element).querySelector('[data-testid="model-action-status"]')!.textContent).toContain("2.0.0 (67e3f30f)");
  });

  it("says why a candidate is refused and offers neither promotion nor comparison", async () => {
    const p = page({ candidate_refused: "the candidate model set in /x is refused: checksum mismatch", rollback_to: set("1.0.0", "aaaaaaaa") });
    const v = modelSetsView(ctxOf("fr"), source(p, []), () => true);
    await v.reload();
    const root = fake(v.element);
    expect(root.querySelector('[data-testid="candidate-refused"]')!.textContent).toContain("checksum mismatch");
    expect(root.querySelector('[data-testid="promote-model-set"]')!.disabled).toBe(true);
    expect(root.querySelector('[data-testid="compare-model-sets"]')!.disabled).toBe(true);
    expect(root.querySelector('[data-testid="rollback-model-set"]')!.disabled).toBe(false);
    expect(root.textContent).toContain("Jeux de modèles");
  });

  it("shows the comparison's sentences and the confusion table", () => {
    const c = fake(renderComparison(COMPARISON));
    expect(c.querySelector('[data-testid="model-agreement"]')!.textContent).toContain("9 of 10 turbine-runs (90 %)");
    const table = c.querySelector('[data-testid="model-confusion"]')!;
    const rows = table.querySelectorAll("tr");
    expect(rows).toHaveLength(6);
    expect(rows[2].textContent).toBe("moderate01100");
  });
});
