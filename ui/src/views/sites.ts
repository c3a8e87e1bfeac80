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

/** The command this view uses (`api` in the app, a mock in tests). */
export interface SitesSource {
  hubFleet(lang: string): Promise<AllSites>;
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

function turbineRow(ctx: Ctx, tb: SiteTurbine, here: boolean): HTMLElement {
  const state = workflowState(tb);
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
    h("td", { "data-testid": "site-turbine-workflow" }, state.length ? state.join(" — ") : ""),
  );
}

function siteCard(ctx: Ctx, s: SiteView): HTMLElement {
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
        h("tbody", {}, ...s.turbines.map((tb) => turbineRow(ctx, tb, s.here))),
      ),
    ),
  );
}

/** The tab's content; `reload` asks the core again (after a sync). */
export function sitesView(ctx: Ctx, src: SitesSource): { element: HTMLElement; reload(): Promise<void> } {
  const lang = ctx.lang;
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, t(lang, "loading")));
  const reload = async () => {
    try {
      const v = await src.hubFleet(lang);
      body.replaceChildren(
        h("p", { "data-testid": "sites-summary" }, v.summary),
        ...(v.sites.length ? v.sites.map((s) => siteCard(ctx, s)) : [h("p", { class: "muted" }, t(lang, "sitesEmpty"))]),
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
