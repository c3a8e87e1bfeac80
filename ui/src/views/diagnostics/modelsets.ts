// The model sets on Diagnostics: the set in service, the candidate (and why it is refused), a
// folder picker to choose one, the comparison (agreement of categories, both backtests: sentences
// from the core), promote and roll back (each after a confirmation phrased by the core), and the
// history of which set served which runs.
import { asApiError, type ComparisonPage, type ModelSetInfo, type ModelSetsPage } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { errorBlock } from "../../errors";
import { formatDateTime } from "../../format";
import { statusLine } from "./actions";
import type { ModelSetsSource } from "./types";
import { t, type Lang } from "../../i18n";

/** The commands this card uses: [`ModelSetsSource`] (in `types.ts`, beside the tab's other sources). */
export type { ModelSetsSource };

export interface ModelSetsView {
  element: HTMLElement;
  reload(): Promise<void>;
}

/** `1.0.0 (ab12cd34)`. */
export function setLabel(s: ModelSetInfo | null): string {
  return s ? `${s.version} (${s.sha256.slice(0, 8)})` : "—";
}

/** The confusion table: rows the category in service, columns the candidate's. */
export function renderConfusion(c: ComparisonPage): HTMLElement | null {
  if (!c.text.table_caption) return null;
  const labels = c.text.labels;
  return h(
    "table",
    { class: "data", "data-testid": "model-confusion" },
    h("caption", {}, c.text.table_caption),
    h("thead", {}, h("tr", {}, h("th", {}, ""), ...labels.map((l) => h("th", { scope: "col" }, l)))),
    h(
      "tbody",
      {},
      ...c.agreement.confusion.map((row, i) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, labels[i] ?? ""),
          ...row.map((n, j) => h("td", { class: i === j ? "num same" : "num" }, String(n))),
        ),
      ),
    ),
  );
}

/** The comparison: the core's sentences and the confusion table. */
export function renderComparison(c: ComparisonPage): HTMLElement {
  return h(
    "div",
    { "data-testid": "model-comparison" },
    ...c.text.heading.map((l) => h("p", {}, l)),
    h("p", { "data-testid": "model-agreement" }, c.text.agreement),
    renderConfusion(c),
    h("ul", { class: "plain" }, ...c.text.backtest.map((l) => h("li", {}, l))),
  );
}

/** The periods of service and the promotions and rollbacks. */
export function renderHistory(lang: Lang, locale: string, page: ModelSetsPage): HTMLElement {
  const periods = page.history.periods.slice().reverse();
  return h(
    "div",
    {},
    h("h4", {}, t(lang, "modelHistory")),
    h(
      "table",
      { class: "data", "data-testid": "model-history" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...(["colVersion", "colChecksum", "colFrom", "colTo", "colRunsCount"] as const).map((k) => h("th", { scope: "col" }, t(lang, k))),
        ),
      ),
      h(
        "tbody",
        {},
        ...periods.map((p) =>
          h(
            "tr",
            {},
            h("td", {}, p.version),
            h("td", { class: "mono" }, p.sha256 ? p.sha256.slice(0, 8) : "—"),
            h("td", {}, formatDateTime(p.from, locale)),
            h("td", {}, formatDateTime(p.to, locale)),
            h("td", { class: "num" }, String(p.runs)),
          ),
        ),
      ),
    ),
    page.history.changes.length
      ? h(
          "div",
          {},
          h("h4", {}, t(lang, "modelChanges")),
          h(
            "ul",
            { class: "plain", "data-testid": "model-changes" },
            ...page.history.changes
              .slice()
              .reverse()
              .map((c) => h("li", {}, `${formatDateTime(c.at, locale)} — ${c.action === "promote" ? t(lang, "promoteSet") : t(lang, "rollbackSet")}: ${setLabel(c.set)}${c.replaced ? ` ← ${setLabel(c.replaced)}` : ""}`)),
          ),
        )
      : null,
  );
}

export function modelSetsView(
  ctx: Ctx,
  src: ModelSetsSource,
  confirm: (question: string) => boolean = (q) => (typeof window !== "undefined" ? window.confirm(q) : false),
): ModelSetsView {
  const lang = ctx.lang;
  const body = h("div", {}, h("p", { class: "muted" }, t(lang, "loading")));
  const comparison = h("div", {});
  const { status, say, fail } = statusLine(lang, "model-action-status");
  let page: ModelSetsPage | null = null;

  const button = (label: string, testid: string, action: () => Promise<void>, primary = false): HTMLButtonElement => {
    const b: HTMLButtonElement = h(
      "button",
      {
        type: "button",
        class: primary ? "primary" : "",
        "data-testid": testid,
        onclick: async () => {
          b.disabled = true;
          try {
            await action();
          } catch (e) {
            fail(e);
          } finally {
            b.disabled = false;
          }
        },
      },
      label,
    );
    return b;
  };

  const paint = (p: ModelSetsPage) => {
    page = p;
    const s = p.status;
    const promote = button(t(lang, "promoteSet"), "promote-model-set", async () => {
      if (!page?.confirm_promote || !confirm(page.confirm_promote)) return;
      const c = await src.promoteModelSet();
      say(`${t(lang, "promoteSet")}: ${setLabel(c.set)}`, "ok");
      await reload();
    }, true);
    promote.disabled = !p.confirm_promote;
    const rollback = button(t(lang, "rollbackSet"), "rollback-model-set", async () => {
      if (!page?.confirm_rollback || !confirm(page.confirm_rollback)) return;
      const c = await src.rollbackModelSet();
      say(`${t(lang, "rollbackSet")}: ${setLabel(c.set)}`, "ok");
      await reload();
    });
    rollback.disabled = !p.confirm_rollback;
    const compare = button(t(lang, "compareSets"), "compare-model-sets", async () => {
      comparison.replaceChildren(h("p", { class: "muted" }, t(lang, "loading")));
      try {
        comparison.replaceChildren(renderComparison(await src.compareModelSets(lang)));
      } catch (e) {
        comparison.replaceChildren(errorBlock(lang, asApiError(e), { role: "alert" }));
      }
    });
    compare.disabled = !s.candidate || s.candidate_refused !== null;
    const choose = button(t(lang, "chooseCandidate"), "choose-candidate", async () => {
      const info = await src.chooseCandidate();
      if (info) {
        say(`${t(lang, "modelCandidate")}: ${setLabel(info)}`, "ok");
        await reload();
      }
    });
    body.replaceChildren(
      h(
        "dl",
        { class: "facts", "data-testid": "model-sets-status" },
        h("dt", {}, t(lang, "modelInService")),
        h("dd", {}, setLabel(s.in_service)),
        h("dt", {}, t(lang, "modelCandidate")),
        h("dd", {}, setLabel(s.candidate)),
        ...(s.candidate_refused
          ? [h("dt", {}, t(lang, "modelRefused")), h("dd", { class: "error", "data-testid": "candidate-refused" }, s.candidate_refused)]
          : []),
        h("dt", {}, t(lang, "modelRollbackTo")),
        h("dd", {}, setLabel(s.rollback_to)),
      ),
      h("div", { class: "buttons" }, choose, compare, promote, rollback),
      status,
      comparison,
      renderHistory(lang, ctx.locale, p),
    );
  };

  const reload = async () => {
    try {
      paint(await src.modelSets(lang));
    } catch (e) {
      body.replaceChildren(errorBlock(lang, asApiError(e), { role: "alert" }));
    }
  };
  const element = h("section", { class: "card", "data-testid": "model-sets" }, h("h3", {}, t(lang, "modelSetsTitle")), body);
  return { element, reload };
}
