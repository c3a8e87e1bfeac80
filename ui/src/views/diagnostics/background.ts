// The background service on Diagnostics: "score daily in the background" (a switch: on enables
// and starts the systemd user unit, off stops and disables it, through the core as
// `cockpit service enable|disable` does), the service's state and who handles the daily run
// ("Daily run handled by the background service, last heartbeat 06:00:02"). Both sentences come
// from the core, in the UI's language; only the card's title and the switch's label are the UI's.
import { asApiError, type BackgroundStatus } from "../../api";
import type { Ctx } from "../../context";
import { h } from "../../dom";
import { errorBlock } from "../../errors";
import { t } from "../../i18n";
import { statusLine } from "./actions";
import type { BackgroundSource } from "./types";

export type { BackgroundSource };

/** The commands this card uses (`api` in the app, a mock in tests). */
export interface BackgroundView {
  element: HTMLElement;
  reload(): Promise<void>;
}

/** Whether the switch shows "on": the stored choice, else the unit's own state. */
export function isOn(s: BackgroundStatus): boolean {
  return s.preference ?? s.enabled;
}

export function backgroundView(ctx: Ctx, src: BackgroundSource): BackgroundView {
  const lang = ctx.lang;
  const body = h("div", {}, h("p", { class: "muted" }, t(lang, "loading")));
  const { status, fail } = statusLine(lang, "background-action-status");

  const paint = (s: BackgroundStatus) => {
    const on = isOn(s);
    const toggle: HTMLButtonElement = h(
      "button",
      {
        type: "button",
        role: "switch",
        class: on ? "primary" : "",
        "aria-checked": on ? "true" : "false",
        "data-testid": "background-switch",
        onclick: async () => {
          toggle.disabled = true;
          try {
            paint(await src.setBackground(!on, lang));
          } catch (e) {
            fail(e);
            await reload();
          } finally {
            toggle.disabled = false;
          }
        },
      },
      t(lang, "backgroundSwitch", { state: t(lang, on ? "switchOn" : "switchOff") }),
    );
    body.replaceChildren(
      h("p", { "data-testid": "background-owner" }, s.owner_line),
      h("p", { class: s.unavailable ? "muted" : "", "data-testid": "background-summary" }, s.summary),
      h("div", { class: "buttons" }, toggle),
      status,
    );
  };

  const reload = async () => {
    try {
      paint(await src.backgroundStatus(lang));
    } catch (e) {
      body.replaceChildren(errorBlock(lang, asApiError(e), { role: "alert" }));
    }
  };
  const element = h("section", { class: "card", "data-testid": "background-service" }, h("h3", {}, t(lang, "backgroundTitle")), body);
  return { element, reload };
}
