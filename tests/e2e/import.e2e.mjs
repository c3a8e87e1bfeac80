// End-to-end walk of "Import files…" and the quarantine on the real release binary:
//   1. the header's "Import files…" opens the import dialog, which offers the built-in mappings
//      (canonical, edp) and a TOML file; screenshot docs/screenshots/import-dialog.png;
//   2. native file pickers cannot be driven through WebDriver, so the walk imports through the same
//      command the dialog calls once files are picked (`import_files`, a list of paths): the
//      committed EDP sample (registry, logbook, SCADA) and a small file with two bad lines, with
//      the `edp` mapping — every file summarised, the bad lines quarantined with their first line,
//      the fleet rescored by a "new data" run;
//   3. the Diagnostics tab lists the quarantined lines (file, line, reason, raw text), filters them
//      by reason, and "Export CSV" is offered; screenshot docs/screenshots/quarantine.png.
//
// Runs under Xvfb (started here when DISPLAY is unset) through tauri-driver and WebKitWebDriver,
// like the other walks; environment variables in harness.mjs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { appEnv, byTestId as by, display, endSession, invoke as ipc, ROOT, session, shot, startDriver, stopDriver } from "./harness.mjs";

/** First launch simulates the demo park (under a minute on a quiet machine). */
const READY_MS = 240_000;
const SAMPLE = join(ROOT, "data/samples/edp");

let screen, home, driver, browser;

const invoke = (cmd, args) => ipc(browser, cmd, args);

describe("import files and the quarantine", () => {
  before(async () => {
    screen = await display();
    home = mkdtempSync(join(tmpdir(), "cockpit-import-e2e-"));
    driver = await startDriver(appEnv(home, { DISPLAY: screen.name }));
    browser = await session();
    await browser.setTimeout({ script: 120_000 });
    const $t = by(browser);
    await browser.waitUntil(async () => (await $t("fleet-table").isExisting()) || (await $t("fleet-empty").isExisting()), {
      timeout: READY_MS,
      interval: 500,
      timeoutMsg: "the cockpit did not finish starting",
    });
  });

  after(async () => {
    await endSession(browser);
    await stopDriver(driver);
    screen?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("opens the import dialog with the built-in mappings and a TOML file", async () => {
    const $t = by(browser);
    const button = await $t("import-files");
    await button.waitForEnabled({ timeout: 10_000 });
    await button.click();
    const dialog = await $t("import-dialog");
    await dialog.waitForExist({ timeout: 5_000 });
    const values = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="import-mapping"] option')].map((o) => o.value),
    );
    assert.deepEqual(values.slice(0, 2), ["canonical", "edp"]);
    assert.equal(values.at(-1), "__file__");
    assert.equal(await (await $t("import-start")).isEnabled(), false, "nothing to import before files are chosen");
    // Let WebKit paint the dialog before the screenshot (it shows the last painted frame).
    await dialog.waitForDisplayed({ timeout: 5_000 });
    await browser.pause(500);
    await shot(browser, "import-dialog");
  });

  it("imports registry, logbook and SCADA files, quarantines the bad lines and rescores", async () => {
    // Two bad lines in the EDP layout: an unknown turbine, and a line cut short.
    const scada = readFileSync(join(SAMPLE, "scada.csv"), "utf8").split("\n");
    const header = scada[0];
    const good = scada[1].split(";");
    const unknown = [...good];
    unknown[0] = "ZZ-404";
    const bad = join(home, "bad-lines.csv");
    writeFileSync(bad, [header, unknown.join(";"), good.slice(0, 3).join(";"), ""].join("\n"));
    const paths = [join(SAMPLE, "scada.csv"), bad, join(SAMPLE, "failures.csv"), join(SAMPLE, "turbines.csv")];
    const r = await invoke("import_files", { paths, mapping: "edp" });
    assert.ok(r.ok, `import refused: ${JSON.stringify(r.error)}`);
    const { report, run, rescore_error } = r.value;
    assert.deepEqual(report.failed, []);
    assert.deepEqual(
      report.files.map((f) => f.kind),
      ["registry", "logbook", "scada", "scada"],
      "registries first, then logbooks, then SCADA",
    );
    assert.ok(report.accepted > 0);
    const badReport = report.files.find((f) => f.file.endsWith("bad-lines.csv"));
    assert.equal(badReport.quarantined, 2);
    assert.equal(badReport.reasons.unknown_turbine.count, 1);
    assert.ok(badReport.reasons.unknown_turbine.example_line.startsWith("ZZ-404;"));
    assert.equal(badReport.reasons.wrong_field_count.count, 1);
    assert.ok(run, `the fleet was not rescored: ${JSON.stringify(rescore_error)}`);
    assert.equal(run.trigger, "watch");

    // A refused import (unknown mapping, a mapping naming a column the file lacks) is covered by
    // the shell's IPC tests (src-tauri/tests/import.rs): WebKit's driver reports a rejected
    // command as a script error, whatever the page does with it.
  });

  it("lists the quarantined lines in Diagnostics, filtered by reason", async () => {
    const $t = by(browser);
    await (await $t("import-close")).click();
    await (await $t("tab-diagnostics")).click();
    const table = await $t("quarantine-table");
    await table.waitForExist({ timeout: 20_000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="quarantine-row"]')).length >= 2, {
      timeout: 10_000,
      timeoutMsg: "no quarantined line shown",
    });
    const rows = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="quarantine-row"]')].map((r) => ({
        reason: r.getAttribute("data-reason"),
        text: r.textContent,
      })),
    );
    assert.ok(rows.some((r) => r.reason === "unknown_turbine" && r.text.includes("bad-lines.csv") && r.text.includes("ZZ-404;")));
    await (await $t("quarantine-reason")).selectByAttribute("value", "wrong_field_count");
    await browser.waitUntil(
      async () =>
        (await browser.execute(() =>
          [...document.querySelectorAll('[data-testid="quarantine-row"]')].every((r) => r.getAttribute("data-reason") === "wrong_field_count"),
        )),
      { timeout: 10_000, timeoutMsg: "the reason filter was not applied" },
    );
    assert.equal(await (await $t("quarantine-export")).isEnabled(), true);
    // The run journal shows the rescoring run the import started.
    const journal = await (await $t("run-journal")).getText();
    assert.match(journal, /new data|nouvelles données/);
    await (await $t("quarantine-view")).scrollIntoView();
    await shot(browser, "quarantine");
  });
});
