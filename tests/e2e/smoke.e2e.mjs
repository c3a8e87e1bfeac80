// Staging smoke test: one short WebDriver pass over an *installed* cockpit. scripts/staging.sh
// installs the .deb into a fresh Debian root, starts Xvfb and tauri-driver inside it, then runs
// this file on the host (the chroot shares the host's network, so tauri-driver is on localhost).
// It starts nothing itself: it only drives the app tauri-driver launches.
//
// The walk: first launch on an empty data folder builds and scores the demo park (the fleet
// appears, 20 turbines, most scored, highest risk first); the top turbine opens with its
// drivers; "score now" records a new run. A screenshot of each step goes to SCREENSHOTS.
//
// Environment:
//   WEBDRIVER_PORT  tauri-driver's port (required; the staging script picks a free one)
//   COCKPIT_APP     the app as seen by tauri-driver (default: /usr/bin/energitech-cockpit)
//   SCREENSHOTS     where to save screenshots (default: target/staging)
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { endSession, fleetRows, number, ROOT, session, shot as saveShot } from "./harness.mjs";

const APP = process.env.COCKPIT_APP ?? "/usr/bin/energitech-cockpit";
const PORT = Number(process.env.WEBDRIVER_PORT);
const SHOTS = resolve(process.env.SCREENSHOTS ?? join(ROOT, "target/staging"));

let browser;
const $t = (id) => browser.$(`[data-testid="${id}"]`);
const shot = (name) => saveShot(browser, name, SHOTS);
const rows = () => fleetRows(browser);

describe("installed cockpit, staging smoke test", () => {
  before(async () => {
    assert.ok(Number.isInteger(PORT) && PORT > 0, "WEBDRIVER_PORT must name tauri-driver's port (scripts/staging.sh sets it)");
    browser = await session({ port: PORT, app: APP });
  });

  after(async () => {
    await endSession(browser);
  });

  it("builds and scores the demo park on first launch", async () => {
    const table = await $t("fleet-table");
    await table.waitForExist({
      timeout: 240_000,
      interval: 500,
      timeoutMsg: "no fleet table 240 s after launch: the demo park was not built and scored",
    });
    const list = await rows();
    assert.equal(list.length, 20, "the Lyon demo park has 20 turbines");
    const scores = list.map((r) => number(r.score)).filter((s) => s >= 0);
    assert.ok(scores.length >= 10, `most turbines are scored (${scores.length} of 20)`);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "highest risk first");
    await shot("staging-01-fleet");
  });

  it("opens the top turbine with its drivers", async () => {
    const top = (await rows())[0].id;
    await (await (await $t("fleet-row")).$("th")).click();
    const detail = await $t("turbine-detail");
    await detail.waitForExist({ timeout: 15_000, timeoutMsg: "the turbine detail did not open" });
    assert.equal(await detail.getAttribute("data-turbine-id"), top);
    const drivers = await (await $t("drivers")).getText();
    assert.ok(drivers.length > 10, "drivers are explained in words");
    await (await $t("risk-chart")).waitForExist({ timeout: 15_000, timeoutMsg: "no risk chart" });
    await shot("staging-02-turbine");
    await browser.keys("Escape");
    await (await $t("fleet-table")).waitForExist({ timeout: 10_000 });
  });

  it("scores now and records a new run", async () => {
    await (await $t("tab-diagnostics")).click();
    await (await $t("run-journal")).waitForExist({ timeout: 15_000, timeoutMsg: "no run journal" });
    const before = Number(await (await $t("run-row")).getAttribute("data-run-id"));
    await (await $t("score-now")).click();
    const status = await $t("run-status");
    await browser.waitUntil(async () => /Run #\d+ done/.test(await status.getText()), {
      timeout: 90_000,
      timeoutMsg: "no run outcome shown after 'score now'",
    });
    await (await $t("tab-fleet")).click();
    await (await $t("tab-diagnostics")).click();
    await (await $t("run-journal")).waitForExist({ timeout: 15_000 });
    await browser.waitUntil(async () => Number(await (await $t("run-row")).getAttribute("data-run-id")) > before, {
      timeout: 15_000,
      timeoutMsg: "the run journal shows no new run",
    });
    await shot("staging-03-after-score-now");
  });
});
