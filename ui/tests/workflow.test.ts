import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AlertView, Choices, InterventionView, TurbineHistory } from "../src/api";
import type { Ctx } from "../src/context";
import { alertBadge, changesBanner, isUnacknowledged, workflowCards } from "../src/views/workflow";
import { fake, installFakeDom, settle } from "./fakedom";

// What the shell would answer, kept in memory: acknowledging changes the alert's status.
const calls: unknown[][] = [];
let history: TurbineHistory;

vi.mock("../src/api", async (original) => ({
  ...(await original<typeof import("../src/api")>()),
  api: {
    turbineHistory: async () => history,
    workflowChoices: async (): Promise<Choices> => ({
      reasons: [["false_alarm_sensor", "false alarm — sensor"], ["other", "other"]],
      findings: [["confirmed", "fault confirmed"], ["nothing", "nothing found"], ["other", "other"]],
      priorities: [["urgent", "urgent"], ["normal", "normal"]],
      components: [["generator_winding", "generator winding"], ["converter", "converter"]],
      max_note: 2000,
    }),
    acknowledgeAlert: async (turbine: string, note: string | null) => {
      calls.push(["ack", turbine, note]);
      history = { ...history, alerts: [{ ...alert("acknowledged"), text: { ...alert("acknowledged").text, acknowledged: "acknowledged by marie on Nov 29 (PC-OFFICE)" } }] };
      return null;
    },
    addNote: async (turbine: string, intervention: string | null, text: string) => {
      calls.push(["note", turbine, intervention, text]);
      const note = `karim on LAPTOP-07, Nov 30: ${text}`;
      history = {
        ...history,
        interventions: history.interventions.map((i) => (i.id === intervention ? { ...i, text: { ...i.text, notes: [...i.text.notes, note] } } : i)),
      };
      return null;
    },
    closeIntervention: async (id: string, finding: string, component: string | null, note: string | null) => {
      calls.push(["close", id, finding, component, note]);
      throw { code: "intervention_state", message: "intervention 1234 on LYO-08 is already done (by karim on LAPTOP-07, 2026-11-29T10:00:00Z): it cannot be closed", summary_en: "This intervention is already done or cancelled, or cannot take that step; nothing was changed.", summary_fr: "…" };
    },
  },
}));

function alert(status: AlertView["status"]): AlertView {
  return {
    id: "a1",
    turbine_id: "LYO-08",
    status,
    category: "high",
    categories: ["high"],
    first_raised: "2026-11-25T00:00:00Z",
    acknowledged: null,
    closure: null,
    outcome: null,
    interventions: [],
    notes: [],
    text: {
      status,
      path: "high",
      badge: status === "open" || status === "acknowledged" ? "since Nov 25 (4 d)" : null,
      badge_kind: status === "open" || status === "acknowledged" ? "since" : null,
      acknowledged: null,
      closure: null,
      outcome: null,
      first_raised: "Nov 25",
      notes: [],
    },
  };
}

const planned: InterventionView = {
  id: "1234abcd-0000",
  turbine_id: "LYO-08",
  alert: "a1",
  component: "generator_winding",
  action: "inspect the stator",
  due: "2026-12-03",
  team: "Team B",
  priority: "urgent",
  note: null,
  status: "in_progress",
  overdue: false,
  planned: { author: "marie", machine: "PC-OFFICE", at: 1_795_000_000, note: null },
  started: null,
  ended: null,
  finding: null,
  found_component: null,
  notes: [],
  conflicts: [],
  text: { status: "in progress", component: "generator winding", priority: "urgent", due: "due Dec 3", finding: null, notes: [], conflicts: [] },
};

const ctx: Ctx = { lang: "en", locale: "en-GB", openTurbine: () => undefined, backToFleet: () => undefined };

beforeEach(() => {
  installFakeDom();
  calls.length = 0;
  history = { logbook: [], alerts: [alert("open")], interventions: [planned] };
});

describe("the fleet row's alert", () => {
  it("shows the core's badge, marks an acknowledged alert and keeps it out of the unacknowledged filter", () => {
    expect(fake(alertBadge(alert("open"))).textContent).toBe("since Nov 25 (4 d)");
    expect(fake(alertBadge(alert("acknowledged"))).textContent).toBe("✓ since Nov 25 (4 d)");
    expect(isUnacknowledged(alert("open"))).toBe(true);
    expect(isUnacknowledged(alert("acknowledged"))).toBe(false);
    expect(isUnacknowledged(null)).toBe(false);
    expect(alertBadge(null)).toBeNull();
    expect(changesBanner(null)).toBeNull();
  });
});

describe("the turbine page's workflow", () => {
  it("acknowledges with the note typed and shows who acknowledged", async () => {
    const root = fake(workflowCards(ctx, "LYO-08", () => calls.push(["changed"])));
    await settle();
    await fake(root.querySelector('[data-testid="ack"]')).fire("click");
    const form = fake(root.querySelector('[data-testid="ack-form"]'));
    fake(form.querySelector('[name="note"]')).value = "  seen at the morning meeting ";
    await form.fire("submit");
    await settle();
    expect(calls).toContainEqual(["ack", "LYO-08", "seen at the morning meeting"]);
    expect(calls).toContainEqual(["changed"]);
    await settle();
    const state = fake(root.querySelector('[data-testid="alert-state"]'));
    expect(state.getAttribute("data-status")).toBe("acknowledged");
    expect(state.textContent).toContain("acknowledged by marie on Nov 29 (PC-OFFICE)");
    expect(root.querySelector('[data-testid="ack"]')).toBeNull();
  });

  it("adds a note to an intervention and shows it, and shows a field closing in conflict", async () => {
    const conflict =
      "also closed by karim on LAPTOP-07 on Nov 30: fault confirmed: generator winding (not applied: the closing recorded first stands)";
    history = { ...history, interventions: [{ ...planned, text: { ...planned.text, conflicts: [conflict] } }] };
    const root = fake(workflowCards(ctx, "LYO-08", () => undefined));
    await settle();
    expect(fake(root.querySelector('[data-testid="intervention-conflicts"]')).textContent).toContain(conflict);
    await fake(root.querySelector('[data-testid="add-intervention-note"]')).fire("click");
    const form = fake(root.querySelector('[data-testid="note-form"]'));
    fake(form.querySelector('[name="note"]')).value = "burnt varnish smell";
    await form.fire("submit");
    await settle();
    expect(calls).toContainEqual(["note", "LYO-08", "1234abcd-0000", "burnt varnish smell"]);
    await settle();
    expect(fake(root.querySelector('[data-testid="intervention-notes"]')).textContent).toContain("karim on LAPTOP-07, Nov 30: burnt varnish smell");
  });

  it("shows why a closing was refused and keeps the intervention as it was", async () => {
    const root = fake(workflowCards(ctx, "LYO-08", () => undefined));
    await settle();
    await fake(root.querySelector('[data-testid="close-intervention"]')).fire("click");
    const form = fake(root.querySelector('[data-testid="close-form"]'));
    fake(form.querySelector('[name="finding"]')).value = "confirmed";
    fake(form.querySelector('[name="component"]')).value = "generator_winding";
    await form.fire("submit");
    await settle();
    expect(calls).toContainEqual(["close", "1234abcd-0000", "confirmed", "generator_winding", null]);
    const err = fake(root.querySelector('[data-testid="workflow-error"]'));
    expect(err.getAttribute("data-code")).toBe("intervention_state");
    expect(err.textContent).toContain("already done (by karim on LAPTOP-07");
    expect(fake(root.querySelector('[data-testid="intervention"]')).getAttribute("data-status")).toBe("in_progress");
  });
});
