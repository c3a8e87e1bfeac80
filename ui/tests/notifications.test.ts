import { beforeAll, describe, expect, it } from "vitest";
import type { FleetPage, NotificationSettings } from "../src/api";
import { NO_FILTER, type Filter } from "../src/fleet";
import { filters } from "../src/views/fleet";
import type { Ctx } from "../src/context";
import type { Lang } from "../src/i18n";
import { notificationsView, type NotificationsSource } from "../src/views/diagnostics/notifications";
import { fake, installFakeDom, settle } from "./fakedom";

const ctxOf = (lang: Lang): Ctx => ({
  lang,
  locale: lang === "fr" ? "fr-FR" : "en-GB",
  openTurbine: () => undefined,
  backToFleet: () => undefined,
});

/** A source holding the setting; `fail`: the next change is refused. */
function source(initial: boolean, calls: { enabled?: boolean; lang?: string }[], fail = false): NotificationsSource {
  let enabled = initial;
  return {
    getNotifications: async (): Promise<NotificationSettings> => ({ enabled }),
    setNotifications: async (s) => {
      calls.push(s);
      if (fail) throw { code: "database", message: "database is locked", summary_en: "The database could not be written.", summary_fr: "La base n'a pas pu être écrite." };
      if (s.enabled !== undefined) enabled = s.enabled;
      return { enabled };
    },
  };
}

describe("notifications on Diagnostics", () => {
  beforeAll(installFakeDom);

  it("shows the stored setting and turns notifications off and on again", async () => {
    const calls: { enabled?: boolean }[] = [];
    const v = notificationsView(ctxOf("en"), source(true, calls));
    const root = fake(v.element);
    const box = root.querySelector('[data-testid="notifications-enabled"]')! as unknown as { checked: boolean; disabled: boolean; fire(t: string): Promise<void> };
    expect(box.disabled).toBe(true);
    await v.reload();
    expect(box.checked).toBe(true);
    expect(box.disabled).toBe(false);
    expect(root.textContent).toContain("Notify me when a daily or inbox run raises turbines to high or critical");

    box.checked = false;
    await box.fire("change");
    await settle();
    expect(calls).toEqual([{ enabled: false }]);
    expect(box.checked).toBe(false);
    expect(root.querySelector('[data-testid="notifications-status"]')!.textContent).toBe("Notifications off.");

    box.checked = true;
    await box.fire("change");
    await settle();
    expect(calls).toEqual([{ enabled: false }, { enabled: true }]);
    expect(root.querySelector('[data-testid="notifications-status"]')!.textContent).toBe("Notifications on.");
  });

  it("puts the switch back and says why when the change is refused, in French", async () => {
    const calls: { enabled?: boolean }[] = [];
    const v = notificationsView(ctxOf("fr"), source(true, calls, true));
    await v.reload();
    const root = fake(v.element);
    const box = root.querySelector('[data-testid="notifications-enabled"]')! as unknown as { checked: boolean; fire(t: string): Promise<void> };
    expect(root.textContent).toContain("Notifications");
    box.checked = false;
    await box.fire("change");
    await settle();
    expect(calls).toEqual([{ enabled: false }]);
    expect(box.checked).toBe(true);
    const status = root.querySelector('[data-testid="notifications-status"]')!;
    expect(status.textContent).toBe("La base n'a pas pu être écrite.");
    expect(status.getAttribute("data-kind")).toBe("error");
  });
});

describe("the fleet opened from a notification", () => {
  beforeAll(installFakeDom);

  it("says which turbines it shows and goes back to the whole fleet", async () => {
    const labels = { critical: "critical", high: "high", moderate: "moderate", low: "low", none: "not scored" };
    const view = { items: [], labels } as unknown as FleetPage;
    const seen: Filter[] = [];
    const handlers = {
      onFilter: (f: Filter) => seen.push(f),
      onExportCsv: () => undefined,
      onExportDocument: () => undefined,
      onPrint: () => undefined,
    };
    const named = { ...NO_FILTER, search: "oil", turbines: ["LYO-08", "LYO-17"] };
    const bar = fake(filters(ctxOf("en"), view, named, handlers));
    expect(bar.querySelector('[data-testid="only-turbines"]')!.textContent).toContain("Only the turbines of the notification: LYO-08, LYO-17.");
    await bar.querySelector('[data-testid="show-all-turbines"]')!.fire("click");
    expect(seen).toEqual([{ ...named, turbines: [] }]);
    // Without turbines named, nothing is said.
    expect(fake(filters(ctxOf("fr"), view, NO_FILTER, handlers)).querySelector('[data-testid="only-turbines"]')).toBeNull();
    const fr = fake(filters(ctxOf("fr"), view, named, handlers));
    expect(fr.querySelector('[data-testid="only-turbines"]')!.textContent).toContain("Seulement les éoliennes de la notification : LYO-08, LYO-17.");
  });
});
