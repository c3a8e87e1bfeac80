// The quarantine: the lines of imported files that broke the data contract (file, line, reason,
// raw text), a page at a time, filtered by file and reason, and "Export CSV" of every line.
import { asApiError, type ApiError, type QuarantineArgs, type QuarantinePage } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { errorBlock } from "../../errors";
import { errorWords, t } from "../../i18n";
import { baseName } from "../import";
import { type DiagnosticsSource } from "./types";

/** Lines per page of the table. */
export const QUARANTINE_PAGE = 50;

export interface QuarantineView {
  element: HTMLElement;
  reload(): Promise<void>;
}

export function quarantineView(ctx: Ctx, src: Pick<DiagnosticsSource, "quarantine" | "exportQuarantineCsv">): QuarantineView {
  const lang = ctx.lang;
  const num = (n: number) => new Intl.NumberFormat(ctx.locale).format(n);
  const query: Required<Pick<QuarantineArgs, "file" | "reason">> & { offset: number } = { file: "", reason: "", offset: 0 };
  let page: QuarantinePage | null = null;
  let error: ApiError | null = null;
  let seq = 0;

  const fileSelect = h("select", { id: "quarantine-file", "data-testid": "quarantine-file" });
  const reasonSelect = h("select", { id: "quarantine-reason", "data-testid": "quarantine-reason" });
  const shown = h("p", { class: "muted shown", "aria-live": "polite", "data-testid": "quarantine-shown" }, t(lang, "loading"));
  const tableSlot = h("div", { class: "table-wrap" });
  const errorSlot = h("div", {});
  const status = h("p", { class: "action-status", role: "status", "aria-live": "polite", "data-testid": "quarantine-status" });
  const prev: HTMLButtonElement = h(
    "button",
    { type: "button", "data-testid": "quarantine-prev", disabled: true, onclick: () => void go(-QUARANTINE_PAGE) },
    t(lang, "quarantinePrev"),
  );
  const next: HTMLButtonElement = h(
    "button",
    { type: "button", "data-testid": "quarantine-next", disabled: true, onclick: () => void go(QUARANTINE_PAGE) },
    t(lang, "quarantineNext"),
  );
  const exportBtn: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      "data-testid": "quarantine-export",
      onclick: async () => {
        exportBtn.disabled = true;
        try {
          const r = await src.exportQuarantineCsv();
          if (r) {
            status.textContent = t(lang, "quarantineExported", { n: num(r.lines), path: r.path });
            status.setAttribute("data-kind", "ok");
            status.setAttribute("title", "");
          }
        } catch (e) {
          const { summary, detail } = errorWords(lang, asApiError(e));
          status.textContent = summary;
          status.setAttribute("data-kind", "error");
          status.setAttribute("title", detail);
        } finally {
          exportBtn.disabled = false;
        }
      },
    },
    t(lang, "quarantineExport"),
  );

  const options = (sel: HTMLSelectElement, all: string, list: { name: string; count: number }[], label: (n: string) => string, value: string) => {
    sel.replaceChildren(
      h("option", { value: "" }, all),
      ...list.map((c) => h("option", { value: c.name, title: c.name }, `${label(c.name)} (${num(c.count)})`)),
    );
    sel.value = list.some((c) => c.name === value) ? value : "";
  };

  const paint = () => {
    errorSlot.replaceChildren(error ? errorBlock(lang, error, { role: "alert" }) : "");
    if (!page) return;
    options(fileSelect, t(lang, "quarantineAllFiles"), page.files, baseName, query.file);
    options(reasonSelect, t(lang, "quarantineAllReasons"), page.reasons, (n) => n, query.reason);
    const p = page;
    shown.textContent = !p.total
      ? t(lang, "quarantineEmpty")
      : !p.matching
        ? t(lang, "quarantineNoMatch")
        : t(lang, "quarantineShown", { from: num(p.offset + 1), to: num(p.offset + p.rows.length), n: num(p.matching) });
    prev.disabled = p.offset <= 0;
    next.disabled = p.offset + p.rows.length >= p.matching;
    exportBtn.disabled = !p.total;
    tableSlot.replaceChildren(
      h(
        "table",
        { class: "quarantine-table", "data-testid": "quarantine-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [t(lang, "quarantineFile"), t(lang, "quarantineLine"), t(lang, "quarantineReason"), t(lang, "quarantineRaw")].map((x) =>
              h("th", { scope: "col" }, x),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          p.rows.map((r) =>
            h(
              "tr",
              { "data-testid": "quarantine-row", "data-reason": r.reason },
              h("td", { title: r.file }, baseName(r.file)),
              h("td", { class: "num" }, num(r.line)),
              h("td", { title: r.message }, r.reason),
              h("td", {}, h("code", { class: "raw-line" }, r.raw)),
            ),
          ),
        ),
      ),
    );
  };

  /** Asks the shell for the page matching the filters (the newest answer wins). */
  const load = async () => {
    const mine = ++seq;
    try {
      const got = await src.quarantine({
        file: query.file || undefined,
        reason: query.reason || undefined,
        offset: query.offset,
        limit: QUARANTINE_PAGE,
      });
      if (mine !== seq) return;
      page = got;
      error = null;
    } catch (e) {
      if (mine !== seq) return;
      error = asApiError(e);
    }
    paint();
  };

  const go = (delta: number) => {
    query.offset = Math.max(0, query.offset + delta);
    return load();
  };

  fileSelect.addEventListener("change", () => {
    query.file = fileSelect.value;
    query.offset = 0;
    return load();
  });
  reasonSelect.addEventListener("change", () => {
    query.reason = reasonSelect.value;
    query.offset = 0;
    return load();
  });

  const element = h(
    "section",
    { class: "card quarantine", "data-testid": "quarantine-view" },
    h("h3", {}, t(lang, "quarantineTitle")),
    h("p", { class: "muted" }, t(lang, "quarantineHelp")),
    h(
      "div",
      { class: "filters" },
      h("label", { for: "quarantine-file" }, t(lang, "quarantineFile"), fileSelect),
      h("label", { for: "quarantine-reason" }, t(lang, "quarantineReason"), reasonSelect),
      h("div", { class: "actions" }, prev, next, exportBtn),
    ),
    shown,
    errorSlot,
    tableSlot,
    status,
  );
  return { element, reload: load };
}
