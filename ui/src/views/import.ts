// "Import files…": pick SCADA, registry and logbook files, choose the column mapping (built-in, or
// a TOML file), import them in the background with a progress bar, then the summary per file —
// stored, already known, quarantined by reason with the first line of each — and the rescoring
// run. The words about the data (error messages, examples of quarantined lines) are the core's.
import { asApiError, type ApiError, type ImportOutcome, type IngestProgress, type MappingChoice } from "../api";
import type { Ctx } from "../context";
import { h } from "../dom";
import { errorBlock } from "../errors";
import { errorText, hasKey, t, type Lang } from "../i18n";

/** What the dialog uses (`api` and `events` in the app, a mock in tests). */
export interface ImportSource {
  mappings(): Promise<MappingChoice[]>;
  pickDataFiles(): Promise<string[] | null>;
  pickMappingFile(): Promise<string | null>;
  importFiles(paths: string[], mapping: string, lang: string): Promise<ImportOutcome>;
  /** Calls `f` with every progress event until the returned function is called. */
  onProgress(f: (p: IngestProgress) => void): Promise<() => void>;
}

export interface ImportDialog {
  element: HTMLElement;
  /** The built-in mappings are loaded. */
  ready: Promise<void>;
}

/** The value of the mapping choice that stands for "a TOML file". */
export const MAPPING_FILE = "__file__";

/** The last part of a path (Unix or Windows). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** Bytes as megabytes in the locale ("12.3 MB", "12,3 Mo"). */
export function formatBytes(bytes: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(bytes / 1e6);
}

/** Percent read, 0–100 (100 when there was nothing to read). */
export function percent(p: IngestProgress): number {
  return p.bytes_total > 0 ? Math.min(100, Math.floor((p.bytes_read * 100) / p.bytes_total)) : 100;
}

/** The progress line under the bar. */
export function progressText(ctx: Ctx, p: IngestProgress): string {
  return t(ctx.lang, "importProgress", {
    pct: percent(p),
    read: formatBytes(p.bytes_read, ctx.locale),
    total: formatBytes(p.bytes_total, ctx.locale),
    k: p.file_index + 1,
    n: p.files,
    file: baseName(p.file),
  });
}

function kindWord(lang: Lang, kind: string): string {
  const key = `kind_${kind}`;
  return hasKey(key) ? t(lang, key) : kind;
}

/** The summary of an import: totals, one row per file with its quarantine reasons and their
 * first line, the files that failed with the core's message, and the rescoring. */
export function renderSummary(ctx: Ctx, o: ImportOutcome): HTMLElement {
  const lang = ctx.lang;
  const num = (n: number) => new Intl.NumberFormat(ctx.locale).format(n);
  const r = o.report;
  const files = r.files.map((f) => {
    const reasons = Object.entries(f.reasons);
    return h(
      "li",
      { class: "import-file", "data-testid": "import-file", "data-kind": f.kind },
      h("strong", { title: f.file }, baseName(f.file)),
      ` — ${kindWord(lang, f.kind)} · ${f.mapping}`,
      h(
        "dl",
        { class: "import-counts" },
        ([
          ["importRows", f.rows],
          ["importAccepted", f.accepted],
          ["importDuplicates", f.duplicates],
          ["importQuarantined", f.quarantined],
          ["importOutOfOrder", f.out_of_order],
        ] as const).map(([k, v]) => h("div", { "data-count": k }, h("dt", {}, t(lang, k)), h("dd", {}, num(v)))),
        h("div", {}, h("dt", {}, t(lang, "importDuration")), h("dd", {}, `${num(f.duration_ms)} ms`)),
      ),
      reasons.length
        ? h(
            "details",
            { class: "import-reasons", open: true },
            h("summary", {}, t(lang, "importReasons")),
            h(
              "ul",
              {},
              reasons.map(([code, rc]) =>
                h(
                  "li",
                  { "data-testid": "import-reason", "data-reason": code },
                  h("span", { class: "reason-code" }, `${code} × ${num(rc.count)}`),
                  " — ",
                  rc.example,
                  rc.example_line ? h("pre", { class: "raw-line" }, rc.example_line) : null,
                ),
              ),
            ),
          )
        : null,
      Object.keys(f.cleared_values).length
        ? h(
            "details",
            { class: "import-reasons", "data-testid": "import-cleared", open: true },
            h("summary", {}, t(lang, "importCleared")),
            h(
              "ul",
              {},
              Object.entries(f.cleared_values).map(([signal, rc]) =>
                h(
                  "li",
                  { "data-signal": signal },
                  h("span", { class: "reason-code" }, `${signal} × ${num(rc.count)}`),
                  " — ",
                  rc.example,
                ),
              ),
            ),
          )
        : null,
      f.standstill_zeroed ? h("p", {}, t(lang, "importStandstill", { n: num(f.standstill_zeroed) })) : null,
      f.absent_columns.length
        ? h("p", { "data-testid": "import-absent" }, t(lang, "importAbsent"), " ", f.absent_columns.join(", "))
        : null,
    );
  });
  const notes = o.notes.length
    ? h("ul", { class: "import-notes", "data-testid": "import-notes", role: "alert" }, o.notes.map((n) => h("li", {}, n)))
    : null;
  const failed = r.failed.length
    ? h(
        "section",
        { class: "import-failed", "data-testid": "import-failed", role: "alert" },
        h("h4", {}, t(lang, "importFailedFiles")),
        h("ul", {}, r.failed.map((f) => h("li", { class: "error", title: f.file }, f.error))),
      )
    : null;
  let rescore: HTMLElement;
  if (o.run) {
    rescore = h(
      "p",
      { "data-testid": "import-rescore", "data-kind": "ok" },
      t(lang, "importRescored", { id: o.run.id, critical: o.run.counts.critical, high: o.run.counts.high }),
    );
  } else if (o.rescore_error) {
    rescore = h(
      "p",
      { "data-testid": "import-rescore", "data-kind": "error", title: o.rescore_error.message },
      t(lang, "importNotRescored", { reason: errorText(lang, o.rescore_error) }),
    );
  } else {
    rescore = h("p", { "data-testid": "import-rescore", "data-kind": "info" }, t(lang, "importNothingNew"));
  }
  return h(
    "section",
    { class: "import-summary", "data-testid": "import-summary" },
    h(
      "p",
      { class: "import-total" },
      t(lang, "importDone", { accepted: num(r.accepted), duplicates: num(r.duplicates), quarantined: num(r.quarantined) }),
    ),
    rescore,
    notes,
    failed,
    h("ul", { class: "import-files" }, files),
  );
}

/** The dialog. `onImported` runs after each import (the app refreshes the fleet); `onClose` when
 * the user closes it. */
export function createImportDialog(
  ctx: Ctx,
  src: ImportSource,
  onImported: (o: ImportOutcome) => void,
  onClose: () => void,
): ImportDialog {
  const lang = ctx.lang;
  let files: string[] = [];
  let mappingFile: string | null = null;
  let busy = false;

  const chosen = h("ul", { class: "import-chosen", "data-testid": "import-chosen" });
  const chosenCount = h("p", { class: "muted", "data-testid": "import-chosen-count" }, t(lang, "importNone"));
  const select = h("select", { id: "import-mapping", "data-testid": "import-mapping" });
  const mappingFileLine = h("p", { class: "muted", "data-testid": "import-mapping-file", hidden: true }, t(lang, "importMappingNone"));
  const pickMapping = h(
    "button",
    { type: "button", "data-testid": "import-pick-mapping", hidden: true, onclick: () => void chooseMappingFile() },
    t(lang, "importMappingPick"),
  );
  const bar = h("progress", { max: 100, value: 0, "data-testid": "import-progress", hidden: true });
  const progressLine = h("p", { class: "muted", "data-testid": "import-progress-text", role: "status", "aria-live": "polite" });
  const result = h("div", { "data-testid": "import-result" });
  const startBtn: HTMLButtonElement = h(
    "button",
    { type: "button", class: "primary", "data-testid": "import-start", disabled: true, onclick: () => void start() },
    t(lang, "importStart"),
  );
  const chooseBtn: HTMLButtonElement = h(
    "button",
    { type: "button", "data-testid": "import-choose", onclick: () => void chooseFiles() },
    t(lang, "importChoose"),
  );

  const mapping = (): string | null => (select.value === MAPPING_FILE ? mappingFile : select.value || "canonical");

  const update = () => {
    chosen.replaceChildren(...files.map((f) => h("li", { title: f }, baseName(f))));
    chosenCount.textContent = files.length
      ? files.length === 1
        ? t(lang, "importChosenOne")
        : t(lang, "importChosen", { n: files.length })
      : t(lang, "importNone");
    const custom = select.value === MAPPING_FILE;
    const toggle = (el: HTMLElement, show: boolean) => (show ? el.removeAttribute("hidden") : el.setAttribute("hidden", ""));
    toggle(pickMapping, custom);
    toggle(mappingFileLine, custom);
    mappingFileLine.textContent = mappingFile ? mappingFile : t(lang, "importMappingNone");
    startBtn.disabled = busy || files.length === 0 || mapping() === null;
    chooseBtn.disabled = busy;
    select.disabled = busy;
  };

  const showError = (e: ApiError) => result.replaceChildren(errorBlock(lang, e, { role: "alert", "data-testid": "import-error" }));

  async function chooseFiles(): Promise<void> {
    try {
      const picked = await src.pickDataFiles();
      if (picked && picked.length) files = picked;
    } catch (e) {
      showError(asApiError(e));
    }
    update();
  }

  async function chooseMappingFile(): Promise<void> {
    try {
      const picked = await src.pickMappingFile();
      if (picked) mappingFile = picked;
    } catch (e) {
      showError(asApiError(e));
    }
    update();
  }

  async function start(): Promise<void> {
    const m = mapping();
    if (busy || !files.length || m === null) return;
    busy = true;
    update();
    result.replaceChildren();
    bar.removeAttribute("hidden");
    bar.value = 0;
    progressLine.textContent = t(lang, "importRunning");
    const stop = await src
      .onProgress((p) => {
        bar.value = percent(p);
        progressLine.textContent = progressText(ctx, p);
      })
      .catch(() => () => undefined);
    try {
      const o = await src.importFiles(files, m, lang);
      bar.value = 100;
      result.replaceChildren(renderSummary(ctx, o));
      onImported(o);
    } catch (e) {
      showError(asApiError(e));
    } finally {
      stop();
      progressLine.textContent = "";
      bar.setAttribute("hidden", "");
      busy = false;
      update();
    }
  }

  select.addEventListener("change", () => update());

  const element = h(
    "section",
    { class: "card import-dialog", "data-testid": "import-dialog", role: "dialog", "aria-labelledby": "import-title" },
    h(
      "div",
      { class: "import-head" },
      h("h2", { id: "import-title" }, t(lang, "importTitle")),
      h("button", { type: "button", "data-testid": "import-close", onclick: () => onClose() }, t(lang, "importClose")),
    ),
    h("p", { class: "muted" }, t(lang, "importHelp")),
    h("div", { class: "import-row" }, chooseBtn, chosenCount),
    chosen,
    h("label", { for: "import-mapping" }, t(lang, "importMapping"), select),
    h("div", { class: "import-row" }, pickMapping, mappingFileLine),
    h("div", { class: "import-row" }, startBtn, bar),
    progressLine,
    result,
  );

  const ready = src
    .mappings()
    .then((list) => {
      select.replaceChildren(
        ...list.map((m) => h("option", { value: m.name, title: m.description }, `${m.name} — ${m.description}`)),
        h("option", { value: MAPPING_FILE }, t(lang, "importMappingFile")),
      );
      select.value = list.some((m) => m.name === "canonical") ? "canonical" : (list[0]?.name ?? MAPPING_FILE);
      update();
    })
    .catch((e) => {
      select.replaceChildren(h("option", { value: MAPPING_FILE }, t(lang, "importMappingFile")));
      select.value = MAPPING_FILE;
      showError(asApiError(e));
      update();
    });
  update();
  return { element, ready };
}
