import { beforeAll, describe, expect, it } from "vitest";
import type { AllSites, SiteTurbine, SyncCard, SyncReport, SyncSettings } from "../src/api";
import type { Ctx } from "../src/context";
import type { Lang } from "../src/i18n";
import { sitesView, workflowState } from "../src/views/sites";
import { syncView, type SyncSource } from "../src/views/diagnostics/sync";
import { fake, installFakeDom, settle } from "./fakedom";

const opened: string[] = [];
const ctxOf = (lang: Lang): Ctx => ({
  lang,
  locale: lang === "fr" ? "fr-FR" : "en-GB",
  openTurbine: (id) => opened.push(id),
  backToFleet: () => undefined,
});

/** A turbine as the core phrases it (only what the view reads). */
function turbine(id: string, category: SiteTurbine["category"], score: number | null, words: { category: string; driver?: string }): SiteTurbine {
  return {
    turbine_id: id,
    site: id.startsWith("LYO") ? "Lyon" : "Valence",
    model: "V90",
    scored: category !== null,
    risk_score: score,
    category,
    p_fail_7d: score === null ? null : score / 100,
    ttf_median_days: null,
    ttf_range_days: null,
    ttf_range_open: false,
    ttf_known: false,
    ttf_text: null,
    as_of: "2026-12-01T00:00:00Z",
    text: {
      category: words.category,
      not_scored: null,
      drivers: words.driver ? [words.driver] : [],
      model_reactions: [],
      data_quality: { badge: null, lines: [] },
      time_to_failure: null,
      time_to_failure_short: null,
      search: id.toLowerCase(),
    },
    alert: null,
    interventions: [],
  } as unknown as SiteTurbine;
}

function view(lang: Lang): AllSites {
  const fr = lang === "fr";
  const lyo = turbine("LYO-01", "critical", 91, { category: fr ? "critique" : "critical", driver: fr ? "bobinage du générateur en hausse" : "generator winding rising" });
  lyo.alert = { status: "acknowledged", text: { status: fr ? "prise en compte" : "acknowledged", badge: null } } as unknown as SiteTurbine["alert"];
  return {
    summary: fr ? "2 sites, dont 1 noté ici" : "2 sites, 1 scored here",
    sites: [
      {
        site: "Lyon",
        here: false,
        scored_by: "LYON-WS1",
        scored_at: "2026-12-01T06:01:00Z",
        synced_at: "2026-12-01T06:02:00Z",
        freshness: fr ? "Lyon noté par LYON-WS1 à 06:01, synchronisé à 06:02" : "Lyon scored by LYON-WS1 at 06:01, synced 06:02",
        counts: { critical: 1, high: 0, moderate: 0, low: 0, not_scored: 0 },
        turbines: [lyo],
      },
      {
        site: "Valence",
        here: true,
        scored_by: null,
        scored_at: "2026-12-01T05:40:00Z",
        synced_at: null,
        freshness: fr ? "Valence noté ici à 05:40, pas encore synchronisé" : "Valence scored here at 05:40, not synced yet",
        counts: { critical: 0, high: 0, moderate: 0, low: 1, not_scored: 0 },
        turbines: [turbine("VAL-01", "low", 8, { category: fr ? "faible" : "low" })],
      },
    ],
  };
}

describe("the All sites tab", () => {
  beforeAll(installFakeDom);

  it("lists each site with the core's freshness line and its turbines with category, drivers and workflow state", async () => {
    const v = sitesView(ctxOf("en"), { hubFleet: async (lang) => view(lang as Lang), acknowledgeAlert: async () => null });
    await v.reload();
    const root = fake(v.element);
    expect(root.querySelector('[data-testid="sites-summary"]')!.textContent).toBe("2 sites, 1 scored here");
    const lyon = root.querySelector('[data-testid="site-Lyon"]')!;
    expect(lyon.querySelector('[data-testid="site-freshness"]')!.textContent).toBe("Lyon scored by LYON-WS1 at 06:01, synced 06:02");
    const row = lyon.querySelector('[data-testid="site-turbine-LYO-01"]')!;
    expect(row.textContent).toContain("critical");
    expect(row.querySelector('[data-testid="site-turbine-drivers"]')!.textContent).toBe("generator winding rising");
    expect(row.querySelector('[data-testid="site-turbine-workflow"]')!.textContent).toBe("acknowledged");
    // Another cockpit's turbine has no detail page here; this cockpit's own opens one.
    expect(row.querySelector("button")).toBeNull();
    const own = root.querySelector('[data-testid="site-turbine-VAL-01"]')!;
    await own.querySelector("button")!.fire("click");
    expect(opened).toEqual(["VAL-01"]);
  });

  it("acknowledges another site's open alert from the tab, then reads the view again", async () => {
    const acked: string[] = [];
    let reads = 0;
    const v = sitesView(ctxOf("en"), {
      hubFleet: async (lang) => {
        reads += 1;
        const all = view(lang as Lang);
        const lyo = all.sites[0].turbines[0];
        lyo.alert = { ...lyo.alert!, status: acked.length ? "acknowledged" : "open" } as SiteTurbine["alert"];
        return all;
      },
      acknowledgeAlert: async (turbine) => {
        acked.push(turbine);
        return null;
      },
    });
    await v.reload();
    const root = fake(v.element);
    const row = root.querySelector('[data-testid="site-turbine-LYO-01"]')!;
    const button = row.querySelector('[data-testid="site-turbine-ack"]')!;
    expect(button.textContent).toBe("Acknowledge");
    await button.fire("click");
    expect(acked).toEqual(["LYO-01"]);
    expect(reads).toBe(2);
    expect(root.querySelector('[data-testid="site-turbine-LYO-01"]')!.querySelector('[data-testid="site-turbine-ack"]')).toBeNull();
    // This cockpit's own turbines are acted on from their page, not here.
    expect(root.querySelector('[data-testid="site-turbine-VAL-01"]')!.querySelector('[data-testid="site-turbine-ack"]')).toBeNull();
  });

  it("speaks French when the UI does", async () => {
    const v = sitesView(ctxOf("fr"), { hubFleet: async (lang) => view(lang as Lang), acknowledgeAlert: async () => null });
    await v.reload();
    const root = fake(v.element);
    expect(root.textContent).toContain("Tous les sites");
    expect(root.querySelector('[data-testid="site-Lyon"]')!.querySelector('[data-testid="site-freshness"]')!.textContent).toBe(
      "Lyon noté par LYON-WS1 à 06:01, synchronisé à 06:02",
    );
    expect(root.textContent).toContain("critique");
  });

  it("says the core's error when the view cannot be read", async () => {
    const v = sitesView(ctxOf("en"), {
      acknowledgeAlert: async () => null,
      hubFleet: async () => {
        throw { code: "database", message: "database is locked", summary_en: "The database could not be read.", summary_fr: "La base n'a pas pu être lue." };
      },
    });
    await v.reload();
    expect(fake(v.element).textContent).toContain("The database could not be read.");
  });

  it("puts an open intervention beside the alert", () => {
    const tb = turbine("VAL-02", "high", 70, { category: "high" });
    tb.alert = { status: "open", text: { status: "open", badge: "new" } } as unknown as SiteTurbine["alert"];
    tb.interventions = [{ text: { status: "planned", component: "generator winding", due: "due Dec 3" } }] as unknown as SiteTurbine["interventions"];
    expect(workflowState(tb)).toEqual(["open · new", "planned: generator winding, due Dec 3"]);
    tb.alert = { status: "resolved", text: { status: "resolved", badge: null } } as unknown as SiteTurbine["alert"];
    tb.interventions = [];
    expect(workflowState(tb)).toEqual([]);
  });
});

/** A Sync source over a saved state; `refuse`: saving answers `hub_address`. */
function syncSource(calls: unknown[], opts: { refuse?: boolean; warnings?: string[] } = {}): SyncSource {
  let settings: SyncSettings = { server: null, enabled: false };
  let synced = false;
  const card = (lang: string): SyncCard => {
    const fr = lang === "fr";
    return {
      status: { settings, cockpit_id: null, cockpit_name: "VAL-WS", last_sync: synced ? 1796105100 : null, last_error: null, pending_events: synced ? 0 : 2, pending_runs: synced ? 0 : 1 },
      text: {
        last_sync: synced ? (fr ? "Dernière synchronisation à 06:05" : "Last sync at 06:05") : fr ? "Jamais synchronisé avec le hub" : "Never synced with the hub",
        pending: synced ? "Nothing waiting for the hub" : fr ? "2 actions et 1 calcul en attente pour le hub" : "2 actions and 1 run waiting for the hub",
        password_note: fr ? "L'adresse ne porte pas de mot de passe : mettez-le dans ~/.pgpass ou PGPASSWORD." : "The address carries no password: put it in ~/.pgpass or PGPASSWORD.",
        background_note: "",
        last_error: null,
      },
    };
  };
  return {
    syncStatus: async (lang) => card(lang),
    saveSyncSettings: async (server, enabled) => {
      calls.push({ server, enabled });
      if (opts.refuse)
        throw { code: "hub_address", message: "the hub address x is not a PostgreSQL connection string", summary_en: "The hub's address is not valid.", summary_fr: "L'adresse du hub n'est pas valide." };
      settings = { server, enabled };
      return settings;
    },
    syncNow: async (): Promise<SyncReport> => {
      calls.push("sync");
      synced = true;
      return { server: settings.server ?? "", pushed_events: 2, pushed_runs: 1, pulled_events: 0, pulled_predictions: 3, clock_offset_s: 0, warnings: opts.warnings ?? [], notices: [], duration_ms: 40 };
    },
  };
}

describe("the Sync card", () => {
  beforeAll(installFakeDom);

  it("saves the address and the switch, says where the password goes, syncs now and shows what is left", async () => {
    const calls: unknown[] = [];
    const v = syncView(ctxOf("en"), syncSource(calls));
    await v.reload();
    const root = fake(v.element);
    expect(root.querySelector('[data-testid="sync-password-note"]')!.textContent).toContain("~/.pgpass");
    expect(root.querySelector('[data-testid="sync-last"]')!.textContent).toBe("Never synced with the hub");
    expect(root.querySelector('[data-testid="sync-pending"]')!.textContent).toBe("2 actions and 1 run waiting for the hub");
    const server = root.querySelector('[data-testid="sync-server"]')! as unknown as { value: string };
    const box = root.querySelector('[data-testid="sync-enabled"]')! as unknown as { checked: boolean };
    server.value = "  postgresql://cockpit@hub.example.org/cockpit  ";
    box.checked = true;
    await root.querySelector('[data-testid="sync-save"]')!.fire("click");
    await settle();
    expect(calls).toEqual([{ server: "postgresql://cockpit@hub.example.org/cockpit", enabled: true }]);
    expect(root.querySelector('[data-testid="sync-action-status"]')!.textContent).toBe("Sync settings saved.");
    await root.querySelector('[data-testid="sync-now"]')!.fire("click");
    await settle();
    expect(calls[1]).toBe("sync");
    expect(root.querySelector('[data-testid="sync-action-status"]')!.textContent).toBe("Sync done.");
    expect(root.querySelector('[data-testid="sync-last"]')!.textContent).toBe("Last sync at 06:05");
  });

  it("says in French why an address is refused, and a sync's warnings", async () => {
    const calls: unknown[] = [];
    const v = syncView(ctxOf("fr"), syncSource(calls, { refuse: true, warnings: ["Lyon est noté par LYON-WS1 depuis …"] }));
    await v.reload();
    const root = fake(v.element);
    expect(root.textContent).toContain("Base partagée du parc");
    expect(root.querySelector('[data-testid="sync-pending"]')!.textContent).toBe("2 actions et 1 calcul en attente pour le hub");
    (root.querySelector('[data-testid="sync-server"]')! as unknown as { value: string }).value = "postgresql://hub:notaport/x";
    await root.querySelector('[data-testid="sync-save"]')!.fire("click");
    await settle();
    const status = root.querySelector('[data-testid="sync-action-status"]')!;
    expect(status.textContent).toBe("L'adresse du hub n'est pas valide.");
    expect(status.getAttribute("data-kind")).toBe("error");
    await root.querySelector('[data-testid="sync-now"]')!.fire("click");
    await settle();
    expect(status.textContent).toBe("Synchronisation terminée. Lyon est noté par LYON-WS1 depuis …");
  });
});
