import { beforeAll, describe, expect, it } from "vitest";
import type { ApiError, BackgroundStatus } from "../src/api";
import type { Ctx } from "../src/context";
import type { Lang } from "../src/i18n";
import { backgroundView, type BackgroundSource } from "../src/views/diagnostics/background";
import { fake, installFakeDom, settle } from "./fakedom";

const ctxOf = (lang: Lang): Ctx => ({
  lang,
  locale: lang === "fr" ? "fr-FR" : "en-GB",
  openTurbine: () => undefined,
  backToFleet: () => undefined,
});

const RUNNING: BackgroundStatus = {
  preference: true,
  unavailable: null,
  enabled: true,
  active: true,
  owner: { kind: "service", pid: 4242, host: "ws-01", since: 1764482400, beat_at: 1764482402, replaced_stale: null },
  owner_live: true,
  service_owns_timer: true,
  summary: "The background service is on and running: the fleet is scored daily even with the app closed.",
  owner_line: "Daily run handled by the background service, last heartbeat 06:00:02.",
};

const OFF: BackgroundStatus = {
  ...RUNNING,
  preference: false,
  enabled: false,
  active: false,
  owner: { kind: "app", pid: 77, host: "ws-01", since: 1764482400, beat_at: 1764482460, replaced_stale: null },
  service_owns_timer: false,
  summary: "The background service is off: the fleet is scored daily only while the app or `cockpit watch` is open.",
  owner_line: "Daily run handled by the app while it is open, last heartbeat 06:01:00.",
};

function source(first: BackgroundStatus, calls: boolean[], fail?: ApiError): BackgroundSource {
  let current = first;
  return {
    backgroundStatus: async () => current,
    setBackground: async (on) => {
      calls.push(on);
      if (fail) throw fail;
      current = on ? RUNNING : OFF;
      return current;
    },
  };
}

describe("background service on Diagnostics", () => {
  beforeAll(installFakeDom);

  it("says who handles the daily run and its last heartbeat, in the core's words", async () => {
    const v = backgroundView(ctxOf("en"), source(RUNNING, []));
    await v.reload();
    const root = fake(v.element);
    expect(root.querySelector('[data-testid="background-owner"]')!.textContent).toBe(
      "Daily run handled by the background service, last heartbeat 06:00:02.",
    );
    const sw = root.querySelector('[data-testid="background-switch"]')!;
    expect(sw.getAttribute("aria-checked")).toBe("true");
    expect(sw.textContent).toBe("Score daily in the background: on");
  });

  it("turns the service off with one click, then shows the app as the owner", async () => {
    const calls: boolean[] = [];
    const v = backgroundView(ctxOf("fr"), source(RUNNING, calls));
    await v.reload();
    await fake(v.element).querySelector('[data-testid="background-switch"]')!.fire("click");
    await settle();
    expect(calls).toEqual([false]);
    const root = fake(v.element);
    expect(root.querySelector('[data-testid="background-switch"]')!.getAttribute("aria-checked")).toBe("false");
    expect(root.querySelector('[data-testid="background-switch"]')!.textContent).toBe("Évaluer chaque jour en arrière-plan : désactivé");
    expect(root.querySelector('[data-testid="background-owner"]')!.textContent).toContain("handled by the app");
    expect(root.textContent).toContain("Service d'arrière-plan");
  });

  it("says in words why the service cannot be turned on without a systemd user session", async () => {
    const err: ApiError = {
      code: "no_user_systemd",
      message: "no systemd user session here (Failed to connect to bus)",
      summary_en: "No systemd user session here: the background service cannot run; the app scores daily while it is open.",
      summary_fr: "Pas de session utilisateur systemd ici : le service d'arrière-plan ne peut pas fonctionner ; l'application évalue chaque jour tant qu'elle est ouverte.",
    };
    const calls: boolean[] = [];
    const v = backgroundView(ctxOf("en"), source(OFF, calls, err));
    await v.reload();
    await fake(v.element).querySelector('[data-testid="background-switch"]')!.fire("click");
    await settle();
    expect(calls).toEqual([true]);
    const status = fake(v.element).querySelector('[data-testid="background-action-status"]')!;
    expect(status.textContent).toBe(err.summary_en);
    expect(status.getAttribute("data-kind")).toBe("error");
  });
});
