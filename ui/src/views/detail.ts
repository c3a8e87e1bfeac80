// One turbine: identity, last measurements, latest prediction, drivers in words, risk history
// and the trend of the signals behind the drivers.
import { api, asApiError, type Driver, type DriverText, type TurbinePage } from "../api";
import type { Ctx } from "../context";
import { h, svgImage } from "../dom";
import { formatDate, formatDateTime, formatNumber, formatPercent, formatScore } from "../format";
import { errorBlock } from "../errors";
import { t } from "../i18n";
import { badge } from "./badge";

function dl(rows: [string, Node | string][]): HTMLElement {
  return h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** How a driver's value and reference read, by its basis (see `Driver.basis`). */
const MEASURED_KEY = {
  load: "measured",
  site: "measuredSite",
  own: "measuredOwn",
  trend: "measuredTrend",
  spread: "measuredSpread",
} as const;

function driverItem(ctx: Ctx, d: Driver, text: DriverText): HTMLElement {
  const pts = text.points;
  const measured =
    d.indicator === "power_curve" || d.indicator === "pitch"
      ? null
      : text.normal === null
        ? t(ctx.lang, "measuredNoNormal", { value: text.value })
        : t(ctx.lang, MEASURED_KEY[d.basis ?? "load"], { value: text.value, normal: text.normal });
  return h(
    "li",
    { class: "driver", "data-indicator": d.indicator },
    h("p", { class: "driver-phrase" }, text.phrase),
    measured ? h("p", { class: "driver-values" }, measured) : null,
    h(
      "div",
      { class: "contribution" },
      h("span", { class: "bar", style: `width: ${Math.min(100, Math.max(2, pts))}%`, "aria-hidden": "true" }),
      h("span", { class: "pts" }, pts === 1 ? t(ctx.lang, "contributionOne") : t(ctx.lang, "contribution", { pts })),
    ),
  );
}

function chartFigure(title: string, testid: string): [HTMLElement, HTMLElement] {
  const slot = h("div", { class: "chart-slot" }, "…");
  return [h("figure", { class: "card chart-card", "data-testid": testid }, h("h3", {}, title), slot), slot];
}

export function renderDetail(ctx: Ctx, d: TurbinePage): HTMLElement {
  const id = d.identity;
  const p = d.prediction;
  const lang = ctx.lang;
  const measurements = d.text.measurements.map((m): [string, string] => [m.label, m.value]);
  const [riskFig, riskSlot] = chartFigure(t(lang, "riskHistory"), "risk-trend");
  const [sigFig, sigSlot] = chartFigure(t(lang, "signalsTrend"), "signals-trend");
  const root = h(
    "section",
    { class: "detail", "data-testid": "turbine-detail", "data-turbine-id": id.turbine_id, "aria-labelledby": "detail-title" },
    h(
      "div",
      { class: "detail-head" },
      h("button", { type: "button", class: "back", "data-testid": "back", onclick: () => ctx.backToFleet() }, `← ${t(lang, "back")}`),
      h("h2", { id: "detail-title", tabindex: -1 }, `${id.turbine_id} — ${id.site}`),
      p ? badge(d.text.category, p.category) : null,
    ),
    h(
      "div",
      { class: "cards" },
      h(
        "section",
        { class: "card" },
        h("h3", {}, t(lang, "latestPrediction")),
        p && p.scored
          ? dl([
              [t(lang, "riskScore"), formatScore(p.risk_score, ctx.locale)],
              [t(lang, "pFailLong"), formatPercent(p.p_fail_7d, ctx.locale)],
              [t(lang, "timeToFailure"), d.text.time_to_failure ?? "–"],
              [t(lang, "scoredAt"), formatDateTime(p.scored_at, ctx.locale)],
            ])
          : h("p", {}, p ? t(lang, "notScoredReason", { reason: d.text.not_scored ?? "–" }) : t(lang, "noRun")),
        d.text.track_record ? h("p", { class: "muted track-record", "data-testid": "track-record" }, d.text.track_record) : null,
      ),
      h(
        "section",
        { class: "card" },
        h("h3", {}, t(lang, "identity")),
        dl([
          [t(lang, "model"), id.model],
          [t(lang, "ratedPower"), `${formatNumber(id.rated_power_kw, ctx.locale, 0)} kW`],
          [t(lang, "commissioned"), formatDate(id.commissioning_date, ctx.locale)],
          [t(lang, "position"), `${formatNumber(id.latitude, ctx.locale, 4)}, ${formatNumber(id.longitude, ctx.locale, 4)}`],
        ]),
      ),
      h(
        "section",
        { class: "card" },
        h("h3", {}, t(lang, "lastMeasurements")),
        h("p", { class: "muted" }, formatDateTime((d.last_measurements.timestamp as string) ?? null, ctx.locale)),
        dl(measurements),
      ),
    ),
    h(
      "section",
      { class: "card drivers-card" },
      h("h3", {}, t(lang, "drivers")),
      d.drivers.length
        ? h("ul", { class: "drivers", "data-testid": "drivers" }, d.drivers.map((x, k) => driverItem(ctx, x, d.text.drivers[k])))
        : h(
            "p",
            { "data-testid": "drivers", class: d.text.unexplained ? "" : "muted" },
            p && !p.scored ? t(lang, "notScoredReason", { reason: d.text.not_scored ?? "–" }) : (d.text.unexplained ?? t(lang, "noDrivers")),
          ),
      // What the model reacts to that is not a known failure sign: apart, never as a cause.
      d.text.model_reactions.length
        ? h(
            "div",
            { class: "model-reactions", "data-testid": "model-reactions" },
            h("h4", {}, t(lang, "modelReactions")),
            h("ul", {}, d.text.model_reactions.map((line) => h("li", {}, line))),
          )
        : null,
    ),
    p
      ? h(
          "section",
          { class: "card data-quality-card", "data-testid": "data-quality" },
          h("h3", {}, t(lang, "dataQuality")),
          d.text.data_quality.lines.length
            ? h("ul", { class: "data-quality" }, d.text.data_quality.lines.map((line) => h("li", {}, line)))
            : h("p", { class: "muted" }, t(lang, "dataQualityOk")),
        )
      : null,
    riskFig,
    sigFig,
  );
  const fill = (slot: HTMLElement, load: Promise<string>, alt: string, testid: string) =>
    load
      .then((svg) => slot.replaceChildren(svgImage(svg, alt, testid)))
      .catch((e) => slot.replaceChildren(errorBlock(lang, asApiError(e))));
  void fill(riskSlot, api.riskChart(id.turbine_id, lang), t(lang, "riskHistoryAlt", { id: id.turbine_id }), "risk-chart");
  void fill(sigSlot, api.signalsChart(id.turbine_id, lang), t(lang, "signalsAlt", { id: id.turbine_id }), "signals-chart");
  return root;
}
