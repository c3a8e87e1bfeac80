// End-to-end walk of the shared fleet store (issue 19) with a real, throwaway PostgreSQL
// (pg.mjs): the Nantes workstation (the command line, its own database) scores its park and
// syncs; the Lyon workstation is the app — its Sync card (Diagnostics) takes the hub's address
// without a password (PGPASSWORD holds it, as ~/.pgpass would), "Sync now" sends Lyon's runs and
// brings Nantes's; the All sites tab shows both parks, who scores each and how fresh; a Nantes
// alert is acknowledged from the tab, synced, and Nantes sees it acknowledged by the Lyon
// workstation. Screenshots go to docs/screenshots/ (35-… and 36-…).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { APP, ORT, ROOT, appEnv, display, endSession, invoke, session, shot as saveShot, startDriver, stopDriver } from "./harness.mjs";
import { ADMIN_PASSWORD, startPg } from "./pg.mjs";

/** The `cockpit` command (the debug build `make test` made before the walks). */
const CLI = process.env.COCKPIT_CLI ?? join(ROOT, "target/debug/cockpit");

let screen, pg, home, nantesDir, nantesDb, driver, browser;

const $t = (id) => browser.$(`[data-testid="${id}"]`);
const shot = async (name) => {
  await browser.pause(400);
  await saveShot(browser, name);
};

/** `cockpit --db DB ARGS` on the Nantes workstation; its standard output. */
function nantes(args) {
  return execFileSync(CLI, ["--db", nantesDb, ...args], {
    env: { ...process.env, COCKPIT_ORT_LIB: ORT, COCKPIT_MODELS: join(ROOT, "models"), COCKPIT_MACHINE: "NANTES-WS1", PGPASSWORD: ADMIN_PASSWORD },
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
}

describe("Shared fleet store: two workstations, one picture", () => {
  before(async () => {
    assert.ok(existsSync(APP), `${APP} is missing: build it with 'make app'`);
    assert.ok(existsSync(CLI), `${CLI} is missing: build it with 'cargo build -p cockpit-cli'`);
    screen = await display();
    pg = await startPg();
    home = mkdtempSync(join(tmpdir(), "cockpit-e2e-lyon-"));
    nantesDir = mkdtempSync(join(tmpdir(), "cockpit-e2e-nantes-"));
    nantesDb = join(nantesDir, "cockpit.db");
    const cli = { env: { ...process.env, COCKPIT_ORT_LIB: ORT, COCKPIT_MODELS: join(ROOT, "models") }, stdio: "ignore" };
    // Lyon's database built by the command line to save the walk a minute; Nantes scores the
    // same simulated park under its own site and ids.
    execFileSync(CLI, ["--db", join(home, "data", "energitech-cockpit", "cockpit.db"), "demo"], cli);
    execFileSync(CLI, ["--db", nantesDb, "demo"], cli);
    execFileSync("sqlite3", [
      nantesDb,
      "UPDATE turbines SET site = 'Nantes', turbine_id = 'NAN-' || substr(turbine_id, 5); UPDATE workflow_events SET turbine = 'NAN-' || substr(turbine, 5);",
    ]);
    nantes(["hub", "init", "--server", pg.url()]);
    nantes(["sync", "--server", pg.url()]);
  });

  after(async () => {
    await endSession(browser);
    if (driver) await stopDriver(driver);
    screen?.stop();
    pg?.stop();
    for (const d of [home, nantesDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("saves the hub's address without its password and syncs from the Sync card", async () => {
    driver = await startDriver(
      appEnv(home, { DISPLAY: screen.name, LANG: "en_GB.UTF-8", USER: "marie", COCKPIT_MACHINE: "LYON-WS1", PGPASSWORD: ADMIN_PASSWORD }),
    );
    browser = await session();
    await browser.setTimeout({ script: 60_000 });
    await (await $t("fleet-table")).waitForExist({ timeout: 120_000, interval: 500 });
    await (await $t("tab-diagnostics")).click();
    await (await $t("sync-card")).waitForExist({ timeout: 30_000 });
    await (await $t("sync-server")).setValue(pg.url());
    const enabled = await $t("sync-enabled");
    if (!(await enabled.isSelected())) await enabled.click();
    await (await $t("sync-save")).click();
    await browser.waitUntil(async () => (await (await $t("sync-action-status")).getText()).length > 0, { timeout: 10_000 });
    assert.equal(await (await $t("sync-server")).getValue(), pg.url(), "the address as saved, no password");
    assert.match(await (await $t("sync-password-note")).getText(), /pgpass|PGPASSWORD/);

    await (await $t("sync-now")).click();
    await browser.waitUntil(async () => (await (await $t("sync-action-status")).getText()).startsWith("Sync done."), {
      timeout: 60_000,
      timeoutMsg: "Sync now did not finish",
    });
    await browser.waitUntil(async () => !(await (await $t("sync-last")).getText()).includes("not synced yet"), { timeout: 10_000 });
    const status = (await invoke(browser, "sync_status", { lang: "en" })).value;
    assert.equal(status.status.pending_runs, 0, JSON.stringify(status));
    assert.equal(status.status.last_error, null, JSON.stringify(status));
    await (await $t("sync-facts")).scrollIntoView({ block: "end" });
    await shot("35-sync-card");
  });

  it("shows both parks on All sites and acknowledges a Nantes alert that Nantes then sees", async () => {
    await (await $t("tab-sites")).click();
    const site = await $t("site-Nantes");
    await site.waitForExist({ timeout: 30_000 });
    const freshness = await (await site.$('[data-testid="site-freshness"]')).getText();
    assert.match(freshness, /^Nantes scored by NANTES-WS1 (on .* )?at \d\d:\d\d, synced /);
    const lyon = await (await (await $t("site-Lyon")).$('[data-testid="site-freshness"]')).getText();
    assert.match(lyon, /^Lyon scored here /);
    await site.scrollIntoView();
    await shot("36-all-sites");

    const ack = await site.$('[data-testid="site-turbine-ack"]');
    await ack.waitForExist({ timeout: 10_000, timeoutMsg: "no open alert on a Nantes turbine" });
    const row = await ack.parentElement().parentElement();
    const turbine = (await row.getAttribute("data-testid")).replace("site-turbine-", "");
    await ack.click();
    await browser.waitUntil(
      async () => (await (await (await $t(`site-turbine-${turbine}`)).$('[data-testid="site-turbine-workflow"]')).getText()).startsWith("acknowledged"),
      { timeout: 15_000, timeoutMsg: `${turbine} not shown acknowledged` },
    );
    const sent = await invoke(browser, "sync_now", {});
    assert.ok(sent.ok, JSON.stringify(sent.error));
    assert.ok(sent.value.pushed_events >= 1, JSON.stringify(sent.value));

    nantes(["sync"]);
    const alerts = JSON.parse(nantes(["alerts", "--json"]));
    const alert = alerts.find((a) => a.turbine_id === turbine);
    assert.equal(alert.status, "acknowledged", JSON.stringify(alert));
    assert.equal(alert.acknowledged.machine, "LYON-WS1");

    const fr = (await invoke(browser, "hub_fleet", { lang: "fr" })).value;
    assert.match(fr.sites.find((s) => s.site === "Nantes").freshness, /^Nantes noté par NANTES-WS1 /);
  });
});
