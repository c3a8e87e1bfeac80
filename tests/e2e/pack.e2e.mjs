// End-to-end walk of the field-pack round trip with two app instances and separate data
// folders (issue 17): at the office, an intervention is planned on the turbine with an open
// alert (LYO-08 when it has one; the demo park of the day decides) and a pack of that turbine is
// exported from the fleet view's filter; the laptop (another HOME, no models, no ONNX Runtime
// variables) opens the pack as the file association does — the app started with the file as
// argument —, sees it marked "field pack from …", starts the intervention, adds a note and
// closes it with "fault confirmed: generator winding"; back at the office the pack is imported
// and the alert shows its outcome. Native file pickers cannot be driven, so the walk calls the
// commands the pickers hand their path to (`export_pack`, `import_pack`), as import.e2e.mjs
// does. Screenshots go to docs/screenshots/ (30-… to 34-…).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APP,
  ORT,
  ROOT,
  appEnv,
  display,
  endSession,
  session,
  shot as saveShot,
  startDriver,
  stopDriver,
  invoke as ipc,
} from "./harness.mjs";

/** The `cockpit` command (the debug build `make test` made before the walks). */
const CLI = process.env.COCKPIT_CLI ?? join(ROOT, "target/debug/cockpit");

let screen;
let office;
let laptop;
let officeDb;
let pack;
let turbine;
let driver;
let browser;

const $t = (id) => browser.$(`[data-testid="${id}"]`);
const shot = async (name) => {
  await browser.pause(400);
  await saveShot(browser, name);
};

const invoke = (cmd, args) => ipc(browser, cmd, args);

/** Starts tauri-driver and a session on the app with `env` and `args`. */
async function open(env, args = []) {
  driver = await startDriver(env);
  browser = await session({ args });
  await browser.setTimeout({ script: 60_000 });
}

async function close() {
  await endSession(browser);
  await stopDriver(driver);
  browser = null;
  driver = null;
}

async function openTurbine(id) {
  await (await browser.$(`[data-testid="fleet-row"][data-turbine-id="${id}"] th`)).click();
  await (await $t("turbine-detail")).waitForExist({ timeout: 10_000 });
  await (await $t("alert-card")).waitForExist({ timeout: 10_000 });
}

describe("Field pack: office → offline laptop → office", () => {
  before(async () => {
    assert.ok(existsSync(APP), `${APP} is missing: build it with 'make app'`);
    assert.ok(existsSync(CLI), `${CLI} is missing: build it with 'cargo build -p cockpit-cli'`);
    screen = await display();
    office = mkdtempSync(join(tmpdir(), "cockpit-e2e-office-"));
    laptop = mkdtempSync(join(tmpdir(), "cockpit-e2e-laptop-"));
    officeDb = join(office, "data", "energitech-cockpit", "cockpit.db");
    mkdirSync(join(laptop, "Downloads"), { recursive: true });
    pack = join(laptop, "Downloads", "lyon-field.cockpitpack");
    // The office's cockpit: the demo park, built by the command line to save the walk a minute.
    execFileSync(CLI, ["--db", officeDb, "demo"], {
      env: { ...process.env, COCKPIT_ORT_LIB: ORT, COCKPIT_MODELS: join(ROOT, "models") },
      stdio: "ignore",
    });
  });

  after(async () => {
    if (browser) await close();
    screen?.stop();
    for (const d of [office, laptop]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("plans an intervention at the office and exports a pack of that turbine", async () => {
    await open(appEnv(office, { DISPLAY: screen.name, LANG: "en_GB.UTF-8", USER: "marie", COCKPIT_MACHINE: "PC-OFFICE" }));
    await (await $t("fleet-table")).waitForExist({ timeout: 120_000, interval: 500 });
    const alerts = (await invoke("alerts", { openOnly: true, lang: "en" })).value;
    assert.ok(alerts.length > 0, "the demo park has open alerts");
    turbine = (alerts.find((a) => a.turbine_id === "LYO-08") ?? alerts[0]).turbine_id;

    await openTurbine(turbine);
    await (await $t("plan")).click();
    await (await $t("plan-component")).selectByAttribute("value", "generator_winding");
    await (await $t("plan-team")).setValue("Crew Karim");
    await (await $t("plan-form-submit")).click();
    await browser.waitUntil(async () => (await (await $t("intervention")).getAttribute("data-status")) === "planned", {
      timeout: 10_000,
      timeoutMsg: "no planned intervention",
    });

    // The fleet filtered to the turbine: "Export field pack…" writes what the filter shows.
    await browser.keys("Escape");
    await (await $t("search")).setValue(turbine);
    await browser.waitUntil(async () => (await browser.$$('[data-testid="fleet-row"]')).length === 1, { timeout: 5000 });
    await (await $t("export-pack")).waitForExist({ timeout: 5000 });
    await shot("30-pack-export");
    const out = await invoke("export_pack", { filter: { search: turbine }, path: pack });
    assert.ok(out.ok, JSON.stringify(out.error));
    assert.deepEqual(out.value.turbines, [turbine]);
    assert.ok(statSync(pack).size > 0);
    await close();
  });

  it("opens the pack on the laptop, marked as such, and closes the intervention with a confirmed fault", async () => {
    // The laptop: its own HOME and data folder, no models and no ONNX Runtime named.
    const env = appEnv(laptop, { DISPLAY: screen.name, LANG: "en_GB.UTF-8", USER: "karim", COCKPIT_MACHINE: "LAPTOP-07" });
    delete env.COCKPIT_ORT_LIB;
    env.COCKPIT_MODELS = join(laptop, "no-models");
    await open(env, [pack]);
    const banner = await $t("pack-banner");
    await banner.waitForExist({ timeout: 60_000, interval: 500 });
    assert.match(await banner.getText(), /^Field pack from PC-OFFICE, prepared on .* by marie \(PC-OFFICE\): 1 turbine/);
    assert.equal(await (await $t("score-now")).isExisting(), false, "no scoring on a pack");
    await (await $t("fleet-table")).waitForExist({ timeout: 10_000 });
    assert.equal((await browser.$$('[data-testid="fleet-row"]')).length, 1);
    await shot("31-pack-on-laptop");

    await openTurbine(turbine);
    await (await $t("start-intervention")).click();
    await browser.waitUntil(async () => (await (await $t("intervention")).getAttribute("data-status")) === "in_progress", {
      timeout: 10_000,
    });
    await (await $t("add-intervention-note")).click();
    await (await $t("note-text")).setValue("Burnt varnish smell at the generator; winding rewound");
    await (await $t("note-form-submit")).click();
    await (await $t("intervention-notes")).waitForExist({ timeout: 10_000 });
    await (await $t("close-intervention")).click();
    await (await $t("close-finding")).selectByAttribute("value", "confirmed");
    await (await $t("close-component")).selectByAttribute("value", "generator_winding");
    await (await $t("close-form-submit")).click();
    await browser.waitUntil(async () => (await (await $t("intervention")).getAttribute("data-status")) === "done", {
      timeout: 10_000,
      timeoutMsg: "the intervention was not closed in the pack",
    });
    assert.match(await (await $t("alert-outcome")).getText(), /fault confirmed: generator winding/);
    await (await $t("interventions-card")).scrollIntoView();
    await shot("32-pack-laptop-closed");
    await close();
  });

  it("imports the findings at the office: the alert shows its outcome", async () => {
    await open(appEnv(office, { DISPLAY: screen.name, LANG: "en_GB.UTF-8", USER: "marie", COCKPIT_MACHINE: "PC-OFFICE" }));
    await (await $t("fleet-table")).waitForExist({ timeout: 60_000, interval: 500 });
    assert.equal(await (await $t("pack-banner")).isExisting(), false, "the office's own database is no pack");
    await (await $t("import-pack")).waitForExist({ timeout: 5000 });
    const r = await invoke("import_pack", { path: pack, lang: "en" });
    assert.ok(r.ok, JSON.stringify(r.error));
    assert.equal(r.value.logbook_entries, 1);
    assert.match(r.value.summary, new RegExp(`1 fault confirmed on ${turbine} \\(generator winding\\)`));
    const again = await invoke("import_pack", { path: pack, lang: "en" });
    assert.equal(again.value.new_events, 0, "importing twice changes nothing");

    await browser.refresh();
    await (await $t("fleet-table")).waitForExist({ timeout: 30_000, interval: 500 });
    await openTurbine(turbine);
    assert.match(await (await $t("alert-outcome")).getText(), /fault confirmed: generator winding/);
    const notes = await $t("intervention-notes");
    await notes.waitForExist({ timeout: 10_000 });
    assert.match(await notes.getText(), /karim on LAPTOP-07/);
    await (await $t("alert-card")).scrollIntoView();
    await shot("33-pack-imported-outcome");

    // The same in French: the outcome and the note in the core's words.
    await (await $t("lang-switch")).click();
    await browser.waitUntil(async () => (await (await $t("tab-fleet")).getText()) === "Parc", { timeout: 5000 });
    // The turbine page is shown again in French, its words the core's.
    await browser.waitUntil(
      async () => {
        const outcome = await $t("alert-outcome");
        return (await outcome.isExisting()) && /panne confirmée : bobinage génératrice/.test(await outcome.getText());
      },
      { timeout: 10_000, timeoutMsg: "the alert's outcome is not shown in French" },
    );
    await (await $t("alert-card")).scrollIntoView();
    await shot("34-paquet-importe-resultat");
  });
});
