// The recent log lines, filtered by level and words, reloaded as the filter changes.
import { asApiError, type ApiError, type LogLevel, type LogLine } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { capitalize, FILTER_LEVELS, filterLogs, levelFilterLabel, levelWord } from "../../health";
import { errorBlock } from "../../errors";
import { t } from "../../i18n";
import { type DiagnosticsSource, type LogFilter, type Options } from "./types";

export interface LogView {
  element: HTMLElement;
  reload(): Promise<void>;
}

export function logLine(ctx: Ctx, l: LogLine): HTMLElement {
  const d = new Date(l.ts);
  const time = Number.isNaN(d.getTime())
    ? l.ts
    : new Intl.DateTimeFormat(ctx.locale, { dateStyle: "short", timeStyle: "medium" }).format(d);
  const level = l.level.toUpperCase();
  return h(
    "li",
    { class: `log-line lvl-${level.toLowerCase()}`, "data-testid": "log-line", "data-level": level },
    h("time", { datetime: l.ts }, time),
    h("span", { class: "lvl" }, levelWord(ctx.lang, level)),
    h("span", { class: "target" }, l.target),
    h("span", { class: "msg" }, l.message),
  );
}

export function logView(ctx: Ctx, src: DiagnosticsSource, filter: LogFilter, opts: Required<Pick<Options, "debounceMs" | "logLimit">>): LogView {
  const lang = ctx.lang;
  let lines: LogLine[] = [];
  let error: ApiError | null = null;
  let loaded = false;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const select = h(
    "select",
    { id: "log-level", "data-testid": "log-level-filter" },
    h("option", { value: "" }, t(lang, "logAll")),
    FILTER_LEVELS.map((l) => h("option", { value: l }, capitalize(levelFilterLabel(lang, l)))),
  );
  select.value = filter.level;
  const input = h("input", {
    type: "search",
    id: "log-search",
    "data-testid": "log-search",
    placeholder: t(lang, "logSearchPlaceholder"),
    autocomplete: "off",
    spellcheck: "false",
  });
  input.value = filter.search;
  const shown = h("p", { class: "muted shown", "aria-live": "polite", "data-testid": "log-shown" });
  const list = h("ol", { class: "log-lines" });
  const errorSlot = h("div", {});

  const paint = () => {
    const visible = filterLogs(lines, filter.level, filter.search);
    list.replaceChildren(...visible.map((l) => logLine(ctx, l)));
    errorSlot.replaceChildren(error ? errorBlock(lang, error, { role: "alert" }) : "");
    shown.textContent = !loaded
      ? t(lang, "loading")
      : visible.length
        ? t(lang, "logShown", { n: visible.length, total: lines.length })
        : t(lang, "logNone");
  };

  /** Asks the shell for the lines matching the filter (the newest answer wins). */
  const query = async () => {
    const mine = ++seq;
    const search = filter.search.trim();
    try {
      // TRACE and above is everything.
      const level = filter.level && filter.level !== "TRACE" ? filter.level : null;
      const got = await src.recentLogs({ limit: opts.logLimit, level, search: search || null });
      if (mine !== seq) return;
      lines = got;
      error = null;
    } catch (e) {
      if (mine !== seq) return;
      error = asApiError(e);
    }
    loaded = true;
    paint();
  };

  select.addEventListener("change", () => {
    filter.level = select.value as LogLevel | "";
    paint();
    clearTimeout(timer);
    void query();
  });
  input.addEventListener("input", () => {
    filter.search = input.value;
    // At once over what was fetched, then from the shell once the user pauses.
    paint();
    clearTimeout(timer);
    timer = setTimeout(() => void query(), opts.debounceMs);
  });

  const element = h(
    "section",
    { class: "card logs", "data-testid": "log-view" },
    h("h3", { id: "logs-title" }, t(lang, "logsTitle")),
    h(
      "div",
      { class: "filters" },
      h("label", { for: "log-level" }, t(lang, "logLevel"), select),
      h("label", { for: "log-search", class: "grow" }, t(lang, "logSearch"), input),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", "data-testid": "log-refresh", onclick: () => void query() }, t(lang, "refresh")),
      ),
    ),
    shown,
    errorSlot,
    h("div", { class: "log-scroll", tabindex: 0, role: "region", "aria-label": t(lang, "logsRegion") }, list),
  );
  paint();
  return { element, reload: query };
}

