// Notifications on Diagnostics: one switch, "notify when a daily or inbox run raises turbines to
// high or critical". The setting is the database's: the app's own runs and the background service
// (`cockpit watch`) both follow it. What a notification says is the core's (FR/EN).
import type { NotificationSettings } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { t } from "../../i18n";
import { statusLine } from "./actions";
import type { NotificationsSource } from "./types";

export type { NotificationsSource };

/** The commands this card uses. */
export interface NotificationsView {
  element: HTMLElement;
  reload(): Promise<void>;
}

export function notificationsView(ctx: Ctx, src: NotificationsSource): NotificationsView {
  const lang = ctx.lang;
  const { status, say, fail } = statusLine(lang, "notifications-status");
  const box = h("input", {
    type: "checkbox",
    id: "notifications-enabled",
    "data-testid": "notifications-enabled",
  }) as HTMLInputElement;
  // Until the stored setting is read.
  box.disabled = true;
  const show = (s: NotificationSettings) => {
    box.checked = s.enabled;
    box.disabled = false;
  };
  box.addEventListener("change", () => {
    const wanted = box.checked;
    box.disabled = true;
    src
      .setNotifications({ enabled: wanted })
      .then((s) => {
        show(s);
        say(t(lang, s.enabled ? "notificationsOn" : "notificationsOff"), "ok");
      })
      .catch((e) => {
        box.checked = !wanted;
        box.disabled = false;
        fail(e);
      });
  });
  const element = h(
    "section",
    { class: "card", "data-testid": "notifications-card" },
    h("h3", {}, t(lang, "notificationsTitle")),
    h("label", { for: "notifications-enabled" }, box, " ", t(lang, "notificationsLabel")),
    h("p", { class: "muted" }, t(lang, "notificationsNote")),
    status,
  );
  const reload = () => src.getNotifications().then(show).catch(fail);
  return { element, reload };
}
