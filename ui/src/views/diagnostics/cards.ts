// The diagnostics cards at the top: status banner, health checks, the errors of the commands, the
// fleet alert level and data freshness; and the small pieces every card uses.
import { type AppInfo, type DiagnosticsPage, type HealthReport } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { formatDateTime, formatNumber } from "../../format";
import { capitalize, checkLabel, statusLabel, type Banner, type Tone } from "../../health";
import { errorWords, t, type Lang } from "../../i18n";
import { ICON, RECENT_RUNS, type Loaded } from "./types";

export function toneIcon(tone: Tone): HTMLElement {
  return h("span", { class: `tone tone-${tone}`, "aria-hidden": "true" }, ICON[tone]);
}

/** A status written as a word, coloured. */
export function statusPill(lang: Lang, tone: Tone): HTMLElement {
  return h("span", { class: `pill pill-${tone}` }, statusLabel(lang, tone));
}

export function card(title: string, testid: string | null, ...body: (Node | null)[]): HTMLElement {
  return h("section", { class: "card", "data-testid": testid }, h("h3", {}, title), ...body);
}

export function unavailable(lang: Lang): HTMLElement {
  return h("p", { class: "muted" }, t(lang, "unavailable"));
}

export function renderBanner(ctx: Ctx, b: Banner, health: HealthReport | null, info: AppInfo | null): HTMLElement {
  const lang = ctx.lang;
  const app = health?.app_version ?? info?.appVersion ?? "–";
  const model = health?.model_version ?? info?.modelVersion ?? t(lang, "none");
  return h(
    "section",
    { class: `card banner banner-${b.status}`, "data-testid": "health-status", "data-status": b.status, "aria-labelledby": "health-title" },
    h("h2", { id: "health-title" }, toneIcon(b.status), b.title),
    h(
      "ul",
      { class: "answers" },
      b.lines.map((l) =>
        h("li", { "data-question": l.question, "data-status": l.status }, toneIcon(l.status), h("span", {}, l.text)),
      ),
    ),
    h(
      "p",
      { class: "muted versions", "data-testid": "versions" },
      t(lang, "versionsLine", { app, model }),
      health ? ` · ${t(lang, "healthCheckedAt", { date: formatDateTime(health.checked_at, ctx.locale) })}` : "",
    ),
  );
}

export function renderChecks(ctx: Ctx, health: HealthReport | null): HTMLElement {
  const lang = ctx.lang;
  return card(
    t(lang, "healthChecks"),
    null,
    health
      ? h(
          "ul",
          { class: "checks", "data-testid": "health-checks" },
          health.checks.map((c) =>
            h(
              "li",
              { "data-check": c.name, "data-status": c.status },
              toneIcon(c.status),
              h("span", { class: "check-name" }, capitalize(checkLabel(lang, c.name))),
              statusPill(lang, c.status),
              c.message ? h("span", { class: "check-detail" }, c.message) : null,
            ),
          ),
        )
      : h("p", { class: "muted", "data-testid": "health-checks" }, t(lang, "qRunningUnknown")),
  );
}

export function renderErrors(lang: Lang, errors: Loaded["errors"]): HTMLElement | null {
  if (!errors.length) return null;
  return h(
    "section",
    { class: "card error-box", role: "alert", "data-testid": "diagnostics-errors" },
    h("h3", {}, t(lang, "diagErrorsTitle")),
    h(
      "ul",
      {},
      errors.map((e) => {
        const { summary, detail } = errorWords(lang, e.error);
        return h("li", { "data-code": e.error.code }, t(lang, e.key, { message: summary }), detail ? h("small", { class: "error-detail" }, detail) : null);
      }),
    ),
  );
}

export function renderAlertLevel(ctx: Ctx, b: Banner, d: DiagnosticsPage | null): HTMLElement {
  const lang = ctx.lang;
  const line = b.lines.find((l) => l.question === "alert")!;
  if (!d) return card(t(lang, "alertLevelTitle"), "alert-level", unavailable(lang));
  const recent = [...d.categories].sort((a, b) => b.run - a.run).slice(0, RECENT_RUNS);
  const el = card(
    t(lang, "alertLevelTitle"),
    "alert-level",
    h("p", { class: `alert-sentence tone-text-${line.status}` }, toneIcon(line.status), line.text),
    d.alert_level.message && d.alert_level.latest !== null ? h("p", { class: "muted" }, d.alert_level.message) : null,
    recent.length
      ? h(
          "table",
          { class: "compact" },
          h("caption", {}, t(lang, "alertRecent")),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t(lang, "run")),
              h("th", { scope: "col" }, t(lang, "dataAsOfCol")),
              ...(["critical", "high", "moderate", "low"] as const).map((c) => h("th", { scope: "col", class: "num" }, capitalize(d.labels[c]))),
            ),
          ),
          h(
            "tbody",
            {},
            recent.map((r) =>
              h(
                "tr",
                {},
                h("td", { class: "num" }, r.run),
                h("td", {}, formatDateTime(r.as_of, ctx.locale)),
                h("td", { class: "num" }, r.critical),
                h("td", { class: "num" }, r.high),
                h("td", { class: "num" }, r.moderate),
                h("td", { class: "num" }, r.low),
              ),
            ),
          ),
        )
      : null,
  );
  el.setAttribute("data-unusual", d.alert_level.unusual ? "true" : "false");
  return el;
}

export function renderFreshness(ctx: Ctx, d: DiagnosticsPage | null): HTMLElement {
  const lang = ctx.lang;
  if (!d) return card(t(lang, "staleTitle"), "stale-turbines", unavailable(lang));
  const f = d.freshness;
  const hours = formatNumber(f.threshold_hours, ctx.locale, 0);
  const el = card(
    t(lang, "staleTitle"),
    "stale-turbines",
    f.stale.length === 0
      ? h("p", { class: "tone-text-ok" }, toneIcon("ok"), t(lang, "staleNone", { n: f.fresh, h: hours }))
      : h(
          "p",
          { class: "tone-text-degraded" },
          toneIcon("degraded"),
          t(lang, "staleSome", {
            n: f.stale.length,
            turbines: t(lang, f.stale.length === 1 ? "turbineOne" : "turbineMany"),
            h: hours,
            fresh: f.fresh,
          }),
        ),
    f.stale.length
      ? h(
          "table",
          { class: "compact" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t(lang, "turbine")),
              h("th", { scope: "col" }, t(lang, "lastData")),
              h("th", { scope: "col", class: "num" }, ""),
            ),
          ),
          h(
            "tbody",
            {},
            f.stale.map((s) =>
              h(
                "tr",
                { "data-testid": "stale-turbine", "data-turbine-id": s.turbine_id },
                h("th", { scope: "row" }, s.turbine_id),
                h("td", {}, s.last_data ? formatDateTime(s.last_data, ctx.locale) : t(lang, "neverReceived")),
                h("td", { class: "num" }, s.hours === null ? "–" : t(lang, "hoursAgo", { h: formatNumber(s.hours, ctx.locale, 0) })),
              ),
            ),
          ),
        )
      : null,
  );
  el.setAttribute("data-stale", String(f.stale.length));
  return el;
}

