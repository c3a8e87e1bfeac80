// The diagnostics actions: open the log folder, export a diagnostics bundle.
import { asApiError } from "../../api";
import { h } from "../../dom";
import { errorText, t, type Lang } from "../../i18n";
import { type DiagnosticsSource } from "./types";

export function actionsBar(lang: Lang, src: DiagnosticsSource): HTMLElement {
  const status = h("p", { class: "action-status", role: "status", "aria-live": "polite", "data-testid": "diag-action-status" });
  const say = (text: string, kind: "info" | "ok" | "error") => {
    status.textContent = text;
    status.setAttribute("data-kind", kind);
  };
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
          say(errorText(lang, asApiError(e)), "error");
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
          say(errorText(lang, asApiError(e)), "error");
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

