// Diagnostics: versions, folders, and the run journal.
import type { AppInfo, RunRecord } from "../api";
import type { Ctx } from "../context";
import { h } from "../dom";
import { formatDateTime, formatDuration } from "../format";
import { statusText, t, triggerText } from "../i18n";

export function renderDiagnostics(ctx: Ctx, info: AppInfo, runs: RunRecord[]): HTMLElement {
  const lang = ctx.lang;
  const facts: [string, string][] = [
    [t(lang, "appVersion"), info.appVersion],
    [t(lang, "modelVersion"), info.modelVersion ?? `${t(lang, "none")} — ${info.modelsError ?? ""}`],
    [t(lang, "modelsFolder"), info.modelsDir],
    [t(lang, "database"), info.database],
    [t(lang, "inbox"), info.inbox],
  ];
  return h(
    "section",
    { class: "diagnostics", "data-testid": "diagnostics" },
    h(
      "section",
      { class: "card" },
      h("dl", { class: "facts", "data-testid": "app-info" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, t(lang, "runJournal")),
      h(
        "table",
        { class: "journal", "data-testid": "run-journal" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              t(lang, "run"),
              t(lang, "trigger"),
              t(lang, "started"),
              t(lang, "status"),
              t(lang, "duration"),
              t(lang, "dataAsOf", { date: "" }).replace(/\s+$/, ""),
              t(lang, "turbines"),
              t(lang, "critical"),
              t(lang, "high"),
              t(lang, "moderate"),
              t(lang, "low"),
              t(lang, "modelVersion"),
              t(lang, "error"),
            ].map((x) => h("th", { scope: "col" }, x)),
          ),
        ),
        h(
          "tbody",
          {},
          runs.map((r) =>
            h(
              "tr",
              { "data-testid": "run-row", "data-run-id": r.id, class: r.status === "failed" ? "failed" : "" },
              h("td", { class: "num" }, r.id),
              h("td", {}, triggerText(lang, r.trigger)),
              h("td", {}, formatDateTime(r.started_at, ctx.locale)),
              h("td", {}, statusText(lang, r.status)),
              h("td", { class: "num" }, formatDuration(r.duration_ms, ctx.locale)),
              h("td", {}, formatDateTime(r.as_of, ctx.locale)),
              h("td", { class: "num" }, r.turbines),
              h("td", { class: "num" }, r.counts.critical),
              h("td", { class: "num" }, r.counts.high),
              h("td", { class: "num" }, r.counts.moderate),
              h("td", { class: "num" }, r.counts.low),
              h("td", {}, r.model_version ?? "–"),
              h("td", { class: "reason" }, r.error ?? ""),
            ),
          ),
        ),
      ),
    ),
  );
}
