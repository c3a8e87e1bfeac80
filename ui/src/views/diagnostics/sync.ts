// The Sync card on Diagnostics: the shared fleet store's address (a PostgreSQL URL without its
// password: the core's note says where the password goes), background sync on or off, the last
// sync, what waits for the hub, the last error, and "Sync now". Every sentence is the core's
// (`sync_status` in the UI's language, its error summaries); labels and buttons are the UI's.
import { asApiError, type SyncCard } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { errorBlock } from "../../errors";
import { t } from "../../i18n";
import { statusLine } from "./actions";
import type { SyncSource } from "./types";

export type { SyncSource };

export interface SyncView {
  element: HTMLElement;
  reload(): Promise<void>;
}

export function syncView(ctx: Ctx, src: SyncSource): SyncView {
  const lang = ctx.lang;
  const { status, say, fail } = statusLine(lang, "sync-action-status");
  const server = h("input", {
    type: "text",
    id: "sync-server",
    "data-testid": "sync-server",
    placeholder: "postgresql://cockpit@hub.example.org/cockpit?sslmode=require",
    autocomplete: "off",
    spellcheck: "false",
  }) as HTMLInputElement;
  const enabled = h("input", { type: "checkbox", id: "sync-enabled", "data-testid": "sync-enabled" }) as HTMLInputElement;
  const facts = h("div", { "data-testid": "sync-facts" }, h("p", { class: "muted" }, t(lang, "loading")));
  const note = h("p", { class: "muted", "data-testid": "sync-password-note" });
  const switchNote = h("p", { class: "muted" });

  const paint = (c: SyncCard) => {
    server.value = c.status.settings.server ?? "";
    enabled.checked = c.status.settings.enabled;
    note.textContent = c.text.password_note;
    switchNote.textContent = c.text.background_note;
    facts.replaceChildren(
      h("p", { "data-testid": "sync-last" }, c.text.last_sync),
      h("p", { "data-testid": "sync-pending" }, c.text.pending),
      c.text.last_error ? h("p", { class: "error", role: "alert", "data-testid": "sync-last-error" }, c.text.last_error) : "",
    );
  };

  const reload = async () => {
    try {
      paint(await src.syncStatus(lang));
    } catch (e) {
      facts.replaceChildren(errorBlock(lang, asApiError(e), { role: "alert" }));
    }
  };

  const save: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      "data-testid": "sync-save",
      onclick: async () => {
        save.disabled = true;
        try {
          const s = server.value.trim();
          await src.saveSyncSettings(s === "" ? null : s, enabled.checked);
          say(t(lang, "syncSaved"), "ok");
          await reload();
        } catch (e) {
          fail(e);
        } finally {
          save.disabled = false;
        }
      },
    },
    t(lang, "syncSave"),
  );
  const now: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      class: "primary",
      "data-testid": "sync-now",
      onclick: async () => {
        now.disabled = true;
        say(t(lang, "syncRunning"), "info");
        try {
          const r = await src.syncNow();
          say([t(lang, "syncDone"), ...r.warnings].join(" "), r.warnings.length ? "error" : "ok", r.warnings.join("\n"));
        } catch (e) {
          fail(e);
        } finally {
          now.disabled = false;
          await reload();
        }
      },
    },
    t(lang, "syncNow"),
  );

  const element = h(
    "section",
    { class: "card", "data-testid": "sync-card" },
    h("h3", {}, t(lang, "syncTitle")),
    h("label", { for: "sync-server" }, t(lang, "syncServer")),
    server,
    note,
    h("label", { for: "sync-enabled" }, enabled, " ", t(lang, "syncEnabled")),
    switchNote,
    h("div", { class: "buttons" }, save, now),
    facts,
    status,
  );
  return { element, reload };
}
