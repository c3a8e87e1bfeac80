// End-to-end walk of the real release binary: first launch on a fresh XDG data directory (the
// demo park is built), fleet ranked, filter, turbine detail with drivers and trends, score now,
// diagnostics, language switch. Screenshots of each view go to docs/screenshots/.
//
// Runs under Xvfb (started here when DISPLAY is unset) through tauri-driver and WebKitWebDriver;
// environment variables in harness.mjs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APP,
  appEnv,
  display,
  endSession,
  fleetRows,
  number,
  session,
  shot as saveShot,
  startDriver,
  stopDriver,
} from "./harness.mjs";

let browser;
let home;
let driver;
let screen;

const $t = (id) => browser.$(`[data-testid="${id}"]`);
const $$t = (id) => browser.$$(`[data-testid="${id}"]`);
const shot = (name) => saveShot(browser, name);
const rows = () => fleetRows(browser);

describe("EnergiTech Cockpit, first launch to work list", () => {
  before(async () => {
    assert.ok(existsSync(APP), `${APP} is missing: build it with 'make app'`);
    home = mkdtempSync(join(tmpdir(), "cockpit-e2e-"));
    screen = await display();
    driver = await startDriver(appEnv(home, { DISPLAY: screen.name }));
    browser = await session();
  });

  after(async () => {
    await endSession(browser);
    await stopDriver(driver);
    screen?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("prepares the demo park, then shows every turbine ranked by risk", async () => {
    // First launch shows "preparing the demo park" while it builds it (docs/screenshots/
    // 01-preparing-demo-park.png was taken with `import -window root` on a direct run: WebDriver's
    // snapshot lags behind the screen while the app is that busy).
    const preparing = await $t("preparing");
    if (await preparing.isExisting()) {
      await browser
        .waitUntil(async () => /demo park/.test(await (await $t("preparing")).getText()), { timeout: 5000, interval: 100 })
        .catch(() => undefined);
    }
    const table = await $t("fleet-table");
    await table.waitForExist({ timeout: 180_000, interval: 500 });
    const list = await rows();
    assert.equal(list.length, 20, "the Lyon demo park has 20 turbines");
    const scores = list.map((r) => number(r.score)).filter((s) => s >= 0);
    assert.ok(scores.length >= 10, "most turbines are scored");
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "highest risk first");
    // The table's scrolling box is painted a moment after its rows exist (WebDriver's snapshot).
    await browser.pause(300);
    await shot("02-fleet");
  });

  it("filters on the most urgent category present and opens its top turbine", async () => {
    const counts = {};
    for (const c of ["critical", "high", "moderate", "low"]) {
      counts[c] = Number(await (await browser.$(`[data-testid="count-${c}"] .counter-n`)).getText());
    }
    const category = ["critical", "high", "moderate", "low"].find((c) => counts[c] > 0);
    await (await $t("category-filter")).selectByAttribute("value", category);
    await browser.waitUntil(async () => (await rows()).every((r) => r.category === category), { timeout: 5000 });
    const filtered = await rows();
    assert.equal(filtered.length, counts[category]);
    await shot("03-fleet-filtered");

    // The filtered work list as CSV, saved to the Downloads folder.
    await (await $t("export-csv")).click();
    const status = await $t("run-status");
    await browser.waitUntil(async () => /Work list saved to/.test(await status.getText()), {
      timeout: 10_000,
      timeoutMsg: "the CSV was not saved",
    });
    const saved = (await status.getText()).replace(/^.*saved to /, "").trim();
    assert.ok(saved.startsWith(join(home, "Downloads")), saved);
    const csv = readFileSync(saved, "utf8");
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\n");
    assert.equal(lines.length, 1 + filtered.length, csv);
    assert.ok(lines[0].startsWith("rank,turbine,site,category"), lines[0]);

    // Keyboard: focus the top row and press Enter.
    const top = filtered[0].id;
    await browser.execute(() => document.querySelector('[data-testid="fleet-row"]').focus());
    await browser.keys("Enter");
    const detail = await $t("turbine-detail");
    await detail.waitForExist({ timeout: 10_000 });
    assert.equal(await detail.getAttribute("data-turbine-id"), top);
    const drivers = await (await $t("drivers")).getText();
    assert.ok(drivers.length > 10, "drivers are explained in words");
    const chart = await $t("risk-chart");
    await chart.waitForExist({ timeout: 10_000 });
    assert.match(await chart.getAttribute("src"), /^data:image\/svg\+xml/);
    await (await $t("signals-chart")).waitForExist({ timeout: 10_000 });
    await browser.pause(300);
    await shot("04-turbine-detail");
    await (await $t("risk-trend")).scrollIntoView();
    await browser.pause(200);
    await shot("05-turbine-risk-and-signal-trends");
    await browser.keys("Escape");
    await (await $t("fleet-table")).waitForExist({ timeout: 5000 });
  });

  it("sorts by any column and shows several categories at once", async () => {
    await (await $t("category-filter")).selectByAttribute("value", "");
    await browser.waitUntil(async () => (await rows()).length === 20, { timeout: 5000 });
    const ariaSort = (col) => browser.execute((c) => document.querySelector(`[data-testid="sort-${c}"]`).closest("th").getAttribute("aria-sort"), col);
    // By turbine, A to Z, then Z to A; the rank is the place in the order shown.
    await (await $t("sort-turbine")).click();
    await browser.waitUntil(async () => (await ariaSort("turbine")) === "ascending", { timeout: 5000 });
    const ids = (await rows()).map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    const firstRank = await browser.execute(() => document.querySelector('[data-testid="fleet-row"] .rank').textContent);
    assert.equal(firstRank, "1");
    await (await $t("sort-turbine")).click();
    await browser.waitUntil(async () => (await ariaSort("turbine")) === "descending", { timeout: 5000 });
    assert.deepEqual((await rows()).map((r) => r.id), [...ids].reverse());
    await (await $t("sort-risk")).click();
    await browser.waitUntil(async () => (await ariaSort("risk")) === "descending", { timeout: 5000 });
    const scores = (await rows()).map((r) => number(r.score)).filter((x) => x >= 0);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "highest risk first again");
    // Two counters on: the turbines of either category, the CSV the same.
    const counts = {};
    for (const c of ["critical", "high", "moderate", "low"]) {
      counts[c] = Number(await (await browser.$(`[data-testid="count-${c}"] .counter-n`)).getText());
    }
    const two = ["critical", "high", "moderate", "low"].filter((c) => counts[c] > 0).slice(0, 2);
    for (const c of two) await (await $t(`count-${c}`)).click();
    await browser.waitUntil(async () => (await rows()).length === two.reduce((n, c) => n + counts[c], 0), { timeout: 5000 });
    assert.ok((await rows()).every((r) => two.includes(r.category)));
    for (const c of two) assert.equal(await (await $t(`count-${c}`)).getAttribute("aria-pressed"), "true");
    await shot("03b-fleet-two-categories");
    for (const c of two) await (await $t(`count-${c}`)).click();
    await browser.waitUntil(async () => (await rows()).length === 20, { timeout: 5000 });
  });

  it("shows the fleet trend", async () => {
    await (await $t("tab-trend")).click();
    const chart = await $t("fleet-trend-chart");
    await chart.waitForExist({ timeout: 10_000 });
    await browser.pause(300);
    await shot("06-fleet-trend");
  });

  it("scores now and records a new run", async () => {
    await (await $t("tab-diagnostics")).click();
    await (await $t("run-journal")).waitForExist({ timeout: 10_000 });
    const before = Number(await (await $t("run-row")).getAttribute("data-run-id"));
    await (await $t("score-now")).click();
    const status = await $t("run-status");
    await browser.waitUntil(async () => /Run #\d+ done/.test(await status.getText()), {
      timeout: 60_000,
      timeoutMsg: "no run outcome shown",
    });
    await (await $t("tab-fleet")).click();
    await (await $t("tab-diagnostics")).click();
    await (await $t("run-journal")).waitForExist({ timeout: 10_000 });
    await browser.waitUntil(async () => Number(await (await $t("run-row")).getAttribute("data-run-id")) > before, {
      timeout: 10_000,
    });
    await shot("07-diagnostics-after-score-now");
  });

  it("switches to French", async () => {
    await (await $t("lang-switch")).click();
    await browser.waitUntil(async () => (await (await $t("tab-fleet")).getText()) === "Parc", { timeout: 5000 });
    await (await $t("tab-fleet")).click();
    await (await $t("fleet-table")).waitForExist({ timeout: 10_000 });
    const badges = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="fleet-row"] .badge')].map((b) => b.textContent),
    );
    assert.ok(badges.every((b) => ["critique", "élevé", "modéré", "faible", "non évaluée"].includes(b)), badges.join());
    await shot("08-fleet-fr");
    // A mouse click on the row's first cell opens the detail too.
    await (await (await $t("fleet-row")).$("th")).click();
    await (await $t("risk-chart")).waitForExist({ timeout: 10_000 });
    const phrases = await (await $t("drivers")).getText();
    assert.ok(/normale|habituellement|d'habitude|éoliennes|Aucun indicateur/.test(phrases), phrases);
    await browser.pause(300);
    await shot("09-turbine-detail-fr");
    await (await $t("risk-trend")).scrollIntoView();
    await browser.pause(200);
    await shot("10-turbine-trends-fr");
  });
});
