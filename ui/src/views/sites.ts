// The "All sites" tab: every site this cockpit knows — its own and, from its copy of the shared
// fleet store (hub), the others' — with who scores it and how fresh ("Lyon scored by LYON-WS1 at
// 06:01, synced 06:02"), then its turbines, highest risk first, with category, risk, time to
// failure, main drivers and workflow state (alert, open interventions). Every sentence is the
// core's (`hub_fleet`, in the UI's language); only headings are the UI's.
import { asApiError, type AllSites, type SiteTurbine, type SiteView } from "../api";
import type { Ctx } from "../context";
import { h } from "../dom";
import { errorBlock } from "../errors";
import { formatPercent, formatScore } from "../format";
import { t } from "../i18n";
import { badge } from "./badge";

/** The commands this view uses (`api` in the app, a mock in tests). */
export interface SitesSource {
  hubFleet(lang: string): Promise<AllSites>;
  /** Acknowledges a turbine's open alert (any site: the action reaches its scorer at the next
   * sync). */
  acknowledgeAlert(turbine: string, note: string | null): Promise<null>;
}

/** The turbine's workflow state in the core's words: the alert's status (and badge) and its open
 * interventions ("planned: generator winding, due Dec 3"). Empty when there is none. */
export function workflowState(tb: SiteTurbine): string[] {
  const out: string[] = [];
  const a = tb.alert;
  if (a && (a.status === "open" || a.status === "acknowledged")) {
    out.push(a.text.badge ? `${a.text.status} · ${a.text.badge}` : a.text.status);
  }
  for (const i of tb.interventions) out.push(`${i.text.status}: ${i.text.component}, ${i.text.due}`);
  return out;
}

/** "Acknowledge" for another site's open alert (this cockpit's own turbines are acted on from
 * their page): recorded here, sent to the hub at the next sync. */
function ackButton(ctx: Ctx, tb: SiteTurbine, src: SitesSource, reload: () => Promise<void>): HTMLElement | null {
  if (tb.alert?.status !== "open") return null;
  const button: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      "data-testid": "site-turbine-ack",
      onclick: async () => {
        button.disabled = true;
        try {
          await src.acknowledgeAlert(tb.turbine_id, null);
          await reload();
        } catch (e) {
          button.disabled = false;
          button.replaceWith(errorBlock(ctx.lang, asApiError(e), { role: "alert" }));
        }
      },
    },
    t(ctx.lang, "acknowledge"),
  ) as HTMLButtonElement;
  return button;
}

function turbineRow(ctx: Ctx, tb: SiteTurbine, here: boolean, src: SitesSource, reload: () => Promise<void>): HTMLElement {
  const state = workflowState(tb);
  const ack = here ? null : ackButton(ctx, tb, src, reload);
  return h(
    "tr",
    { "data-testid": `site-turbine-${tb.turbine_id}` },
    // Only this cockpit's turbines have a detail page here (their data are local).
    h("th", { scope: "row" }, here ? h("button", { type: "button", class: "link", onclick: () => ctx.openTurbine(tb.turbine_id) }, tb.turbine_id) : tb.turbine_id),
    h("td", { title: tb.text.not_scored ?? "" }, badge(tb.text.category, tb.category)),
    h("td", { class: "num" }, formatScore(tb.risk_score, ctx.locale)),
    h("td", { class: "num" }, formatPercent(tb.p_fail_7d, ctx.locale)),
    h("td", {}, tb.text.time_to_failure_short ?? ""),
    h("td", { "data-testid": "site-turbine-drivers" }, tb.text.drivers[0] ?? ""),
    h("td", { "data-testid": "site-turbine-workflow" }, state.length ? state.join(" — ") : "", ...(ack ? [" ", ack] : [])),
  );
}

function siteCard(ctx: Ctx, s: SiteView, src: SitesSource, reload: () => Promise<void>): HTMLElement {
  const lang = ctx.lang;
  return h(
    "section",
    { class: "card site-card", "data-testid": `site-${s.site}`, "data-here": s.here ? "true" : "false" },
    h("h3", {}, s.site),
    h("p", { class: "muted", "data-testid": "site-freshness" }, s.freshness),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "fleet" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...(["turbine", "category", "riskScore", "pFail", "timeToFailure", "mainDriver", "alertCol"] as const).map((k) =>
              h("th", { scope: "col" }, t(lang, k)),
            ),
          ),
        ),
        h("tbody", {}, ...s.turbines.map((tb) => turbineRow(ctx, tb, s.here, src, reload))),
      ),
    ),
  );
}

/** The tab's content; `reload` asks the core again (after a sync). */
export function sitesView(ctx: Ctx, src: SitesSource): { element: HTMLElement; reload(): Promise<void> } {
  const lang = ctx.lang;
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, t(lang, "loading")));
  const reload = async (): Promise<void> => {
    try {
      const v = await src.hubFleet(lang);
      body.replaceChildren(
        h("p", { "data-testid": "sites-summary" }, v.summary),
        ...(v.sites.length ? v.sites.map((s) => siteCard(ctx, s, src, reload)) : [h("p", { class: "muted" }, t(lang, "sitesEmpty"))]),
      );
      body.removeAttribute("aria-busy");
    } catch (e) {
      body.replaceChildren(errorBlock(lang, asApiError(e), { role: "alert" }));
      body.removeAttribute("aria-busy");
    }
  };
  const element = h("section", { class: "sites-view", "data-testid": "all-sites" }, h("h2", {}, t(lang, "tabSites")), body);
  return { element, reload };
}
