// The diagnostics actions: open the log folder, export a diagnostics bundle.
import { asApiError } from "../../api";
import { h } from "../../dom";
import { errorWords, t, type Lang } from "../../i18n";
import { type DiagnosticsSource } from "./types";

/** A status line for the result of an action: `say` writes it, `fail` says an error in words. */
export function statusLine(lang: Lang, testid: string) {
  const status = h("p", { class: "action-status", role: "status", "aria-live": "polite", "data-testid": testid });
  // `detail`: an error's technical message, as the status line's tooltip.
  const say = (text: string, kind: "info" | "ok" | "error", detail = "") => {
    status.textContent = text;
    status.setAttribute("data-kind", kind);
    status.setAttribute("title", detail);
  };
  const fail = (e: unknown) => {
    const { summary, detail } = errorWords(lang, asApiError(e));
    say(summary, "error", detail);
  };
  return { status, say, fail };
}

export function actionsBar(lang: Lang, src: DiagnosticsSource): HTMLElement {
  const { status, say, fail } = statusLine(lang, "diag-action-status");
  const open = h(
    "button",
    {
      type: "button",
      "data-testid": "open-log-folder",
      onclick: async () => {
        try {
          await src.openLogFolder();
          say(t(lang, "folderOpened"), "ok");
        } catch (e) {
          fail(e);
        }
      },
    },
    t(lang, "openLogFolder"),
  );
  const exportBtn: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      class: "primary",
      "data-testid": "export-bundle",
      "aria-describedby": "export-help",
      onclick: async () => {
        exportBtn.disabled = true;
        exportBtn.setAttribute("aria-busy", "true");
        say(t(lang, "exporting"), "info");
        try {
          const r = await src.exportDiagnosticsBundle();
          say(t(lang, "bundleSaved", { path: r.path }), "ok");
        } catch (e) {
          fail(e);
        } finally {
          exportBtn.disabled = false;
          exportBtn.setAttribute("aria-busy", "false");
        }
      },
    },
    t(lang, "exportBundle"),
  );
  return h(
    "div",
    { class: "diag-actions" },
    h("div", { class: "buttons" }, open, exportBtn),
    h("p", { class: "muted", id: "export-help" }, t(lang, "exportBundleHelp")),
    status,
  );
}

