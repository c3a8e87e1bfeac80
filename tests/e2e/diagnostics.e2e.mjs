// End-to-end check of the Diagnostics tab on the real release binary, twice:
//   1. with a fault injected — COCKPIT_MODELS points at an empty folder, on fresh XDG folders —
//      the status banner must say the cockpit is in error (or degraded) because of the models;
//      screenshot docs/screenshots/diagnostics-fault.png;
//   2. a healthy start (the shipped models): banner, checks, run durations chart, drift table, log
//      view with level filter and search, diagnostics bundle; screenshot docs/screenshots/diagnostics.png.
//
// Runs under Xvfb (started here when DISPLAY is unset) through tauri-driver and WebKitWebDriver,
// like cockpit.e2e.mjs; environment variables in harness.mjs.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APP,
  appEnv,
  byTestId as by,
  display,
  endSession,
  session,
  shot,
  startDriver,
  stopDriver,
} from "./harness.mjs";

/** First launch simulates the demo park (under a minute on a quiet machine). */
const READY_MS = 240_000;

let screen;

/**
 * The app on fresh XDG folders with `extra` environment: tauri-driver (which starts
 * WebKitWebDriver, which starts the app with this environment) and a WebDriver session.
 */
async function launch(extra = {}) {
  const home = mkdtempSync(join(tmpdir(), "cockpit-diag-e2e-"));
  const driver = await startDriver(appEnv(home, { DISPLAY: screen.name, ...extra }));
  const browser = await session();
  return { home, driver, browser };
}

async function close(s) {
  if (!s) return;
  await endSession(s.browser);
  await stopDriver(s.driver);
  rmSync(s.home, { recursive: true, force: true });
}

/** Waits until start-up is over (fleet ranked, or said empty), then opens the Diagnostics tab. */
async function openDiagnostics(browser) {
  const $t = by(browser);
  await browser.waitUntil(
    async () => (await $t("fleet-table").isExisting()) || (await $t("fleet-empty").isExisting()) || (await $t("startup-failed").isExisting()),
    { timeout: READY_MS, interval: 500, timeoutMsg: "the cockpit did not finish starting" },
  );
  // The header is drawn again when start-up ends: a tab found just before may be replaced.
  await browser.waitUntil(
    async () => {
      try {
        await (await $t("tab-diagnostics")).click();
        return true;
      } catch (e) {
        if (/stale/i.test(String(e))) return false;
        throw e;
      }
    },
    { timeout: 10_000, interval: 200, timeoutMsg: "the Diagnostics tab could not be clicked" },
  );
  const banner = await $t("health-status");
  await banner.waitForExist({ timeout: 20_000 });
  // The panel is complete once the log view has its first answer.
  await browser.waitUntil(async () => !/…$/.test(await (await $t("log-shown")).getText()), { timeout: 20_000, interval: 200 });
  return banner;
}

const checkStatus = (browser, name) =>
  browser.execute(
    (n) => document.querySelector(`[data-testid="health-checks"] [data-check="${n}"]`)?.getAttribute("data-status") ?? null,
    name,
  );

describe("Diagnostics tab", () => {
  before(async () => {
    assert.ok(existsSync(APP), `${APP} is missing: build it with 'make app'`);
    screen = await display();
  });

  after(() => {
    screen?.stop();
  });

  describe("with the models folder empty", () => {
    let s;
    let models;
    before(async () => {
      models = mkdtempSync(join(tmpdir(), "cockpit-no-models-"));
      s = await launch({ COCKPIT_MODELS: models });
    });
    after(async () => {
      await close(s);
      rmSync(models, { recursive: true, force: true });
    });

    it("says in the banner that the cockpit is in error because of the models", async () => {
      const { browser } = s;
      const $t = by(browser);
      const banner = await openDiagnostics(browser);
      const status = await banner.getAttribute("data-status");
      assert.ok(status === "error" || status === "degraded", `banner status ${status}`);
      const text = await banner.getText();
      assert.match(text, /model/i, text);
      assert.match(text, /not working properly|running, with problems|ne fonctionne pas|avec des problèmes/, text);
      const models = await checkStatus(browser, "models");
      assert.ok(models === "error" || models === "degraded", `models check ${models}`);
      // The model version says there is none, and the app version is shown.
      assert.match(await (await $t("app-info")).getText(), /\d+\.\d+\.\d+/);
      await browser.pause(300);
      await shot(browser, "diagnostics-fault");
    });
  });

  describe("on a healthy start", () => {
    let s;
    before(async () => {
      s = await launch();
    });
    after(async () => {
      await close(s);
    });

    it("shows the banner, the checks, the run durations, the drift and the logs", async () => {
      const { browser } = s;
      const $t = by(browser);
      const banner = await openDiagnostics(browser);
      const text = await banner.getText();
      assert.notEqual(await banner.getAttribute("data-status"), "error", text);
      assert.equal(await checkStatus(browser, "models"), "ok");
      assert.equal(await checkStatus(browser, "database"), "ok");
      assert.match(text, /Risk computations|calculs de risque/, text);
      assert.match(text, /alert level|niveau d'alerte/i, text);
      // App and model versions.
      assert.match(await (await $t("versions")).getText(), /\d+\.\d+\.\d+.*\d+\.\d+\.\d+/);
      await (await $t("run-durations-chart")).waitForExist({ timeout: 20_000 });
      assert.match(await (await $t("run-durations-chart")).getAttribute("src"), /^data:image\/svg\+xml/);
      for (const id of ["errors-by-day", "ops-metrics", "alert-level", "stale-turbines", "drift-table", "run-journal"]) {
        assert.ok(await (await $t(id)).isExisting(), `${id} is shown`);
      }
      assert.ok((await browser.$$('[data-testid="run-row"]').length) > 1, "the backfilled runs are in the journal");
      await browser.pause(300);
      await shot(browser, "diagnostics");
      // The middle of the tab: run durations (plotters SVG), models and input drift.
      await (await $t("run-durations")).scrollIntoView();
      await browser.pause(300);
      await shot(browser, "diagnostics-monitoring");
      // The model sets: the set in service, no candidate yet, and its history.
      const sets = await $t("model-sets-status");
      await sets.waitForExist({ timeout: 10_000 });
      assert.match(await sets.getText(), /\d+\.\d+\.\d+/);
      await sets.scrollIntoView();
      await browser.pause(300);
      await shot(browser, "diagnostics-model-sets");
      await browser.execute(() => window.scrollTo(0, 0));
    });

    it("filters the log lines by level and by a search typed by the user", async () => {
      const { browser } = s;
      const $t = by(browser);
      const lines = () =>
        browser.execute(() =>
          [...document.querySelectorAll('[data-testid="log-line"]')].map((l) => ({
            level: l.getAttribute("data-level"),
            text: l.textContent,
            message: l.querySelector(".msg")?.textContent ?? "",
          })),
        );
      await browser.waitUntil(async () => (await lines()).length > 0, { timeout: 20_000, timeoutMsg: "no log line shown" });
      const all = await lines();
      await (await $t("log-level-filter")).selectByAttribute("value", "WARN");
      await browser.waitUntil(async () => (await lines()).every((l) => l.level === "ERROR" || l.level === "WARN"), { timeout: 10_000 });
      await (await $t("log-level-filter")).selectByAttribute("value", "");
      await browser.waitUntil(async () => (await lines()).length >= all.length, { timeout: 10_000 });
      // A word from an INFO line, typed into the search box (keyboard).
      const word =
        all
          .filter((l) => l.level === "INFO")
          .concat(all)
          .map((l) => l.message.match(/[A-Za-z]{5,}/g)?.at(-1))
          .find(Boolean) ?? "cockpit";
      // Typed as the element's keyboard input (WebDriver "send keys"): key-by-key actions lose
      // the second of two equal letters ("command" -> "comand") when the machine is busy. The
      // tab also reloads in place when the service reports something, which can land mid-typing:
      // type again (at most three times) until the box holds the word.
      let search;
      for (let attempt = 0; attempt < 3; attempt++) {
        search = await $t("log-search");
        await search.clearValue();
        await search.click();
        await search.addValue(word);
        await browser.pause(400);
        search = await $t("log-search");
        if ((await search.getValue()) === word) break;
      }
      const only = (got) => got.length > 0 && got.every((l) => l.text.toLowerCase().includes(word.toLowerCase()));
      await browser.waitUntil(async () => only(await lines()), { timeout: 10_000 }).catch(() => undefined);
      const got = await lines();
      const typed = await search.getValue();
      assert.ok(only(got), `search "${typed}" for "${word}": ${JSON.stringify(got.slice(0, 5))} (${got.length} lines)`);
      await (await $t("log-view")).scrollIntoView();
      await browser.pause(300);
      await shot(browser, "diagnostics-logs");
      await search.clearValue();
    });

    it("exports a diagnostics bundle and says where", async () => {
      const { browser } = s;
      const $t = by(browser);
      await (await $t("export-bundle")).click();
      const status = await $t("diag-action-status");
      await browser.waitUntil(async () => /saved to|enregistré dans/.test(await status.getText()), {
        timeout: 30_000,
        timeoutMsg: "the bundle was not saved",
      });
      const path = (await status.getText()).replace(/^.*(saved to|enregistré dans) /, "").trim();
      assert.ok(existsSync(path), `${path} exists`);
    });
  });
});
