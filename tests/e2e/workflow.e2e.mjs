// End-to-end walk of the maintenance workflow in the real release binary: the morning view says
// what changed since the previous run; "unacknowledged only" keeps the open alerts nobody has
// seen; a turbine's alert is acknowledged with a note; an intervention is planned, started and
// closed with "fault confirmed: generator winding"; the alert shows its outcome, the turbine's
// history its logbook entry, and `cockpit backtest` counts the failure. Then the same in French
// on another turbine. Screenshots go to docs/screenshots/ (20-… to 27-…).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
} from "./harness.mjs";

/** The `cockpit` command (the debug build `make test` made before the walks). */
const CLI = process.env.COCKPIT_CLI ?? join(ROOT, "target/debug/cockpit");

let browser;
let home;
let driver;
let screen;

const $t = (id) => browser.$(`[data-testid="${id}"]`);
// A pause first: WebKit paints the virtual table and the cards a moment after they exist.
const shot = async (name) => {
  await browser.pause(400);
  await saveShot(browser, name);
};

/** The app's database in the walk's fresh data folder. */
const db = () => join(home, "data", "energitech-cockpit", "cockpit.db");

function cli(...args) {
  return execFileSync(CLI, [...args, "--db", db()], {
    env: { ...process.env, COCKPIT_ORT_LIB: ORT, COCKPIT_MODELS: join(ROOT, "models") },
    encoding: "utf8",
  });
}

/** Failures `cockpit backtest` counts in the logbook over the stored history. */
function backtestFailures() {
  const report = JSON.parse(cli("backtest", "--json"));
  return report.failures.length;
}

/** The fleet rows with their alert badge: id and the alert's status ("" without one). */
function alertRows() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="fleet-row"]')].map((r) => ({
      id: r.getAttribute("data-turbine-id"),
      alert: r.querySelector('[data-testid="alert-badge"]')?.getAttribute("data-status") ?? "",
      badge: r.querySelector('[data-testid="alert-badge"]')?.textContent ?? "",
    })),
  );
}

async function openTurbine(id) {
  await (await browser.$(`[data-testid="fleet-row"][data-turbine-id="${id}"] th`)).click();
  const detail = await $t("turbine-detail");
  await detail.waitForExist({ timeout: 10_000 });
  await (await $t("alert-card")).waitForExist({ timeout: 10_000 });
}

/** Acknowledge, plan, start and close with a confirmed generator winding fault, on the open turbine page. */
async function fullStory(note, team, shots) {
  await (await $t("ack")).click();
  await (await $t("ack-note")).setValue(note);
  await shot(shots.ack);
  await (await $t("ack-form-submit")).click();
  await browser.waitUntil(async () => (await (await $t("alert-state")).getAttribute("data-status")) === "acknowledged", {
    timeout: 10_000,
    timeoutMsg: "the alert was not acknowledged",
  });
  assert.ok((await (await $t("alert-state")).getText()).includes(note), "the note is shown");

  await (await $t("plan")).click();
  await (await $t("plan-component")).selectByAttribute("value", "generator_winding");
  await (await $t("plan-team")).setValue(team);
  await (await $t("plan-priority")).selectByAttribute("value", "urgent");
  await (await $t("plan-form-submit")).click();
  await browser.waitUntil(async () => (await (await $t("intervention")).getAttribute("data-status")) === "planned", {
    timeout: 10_000,
    timeoutMsg: "no planned intervention",
  });
  await (await $t("interventions-card")).scrollIntoView();
  await shot(shots.planned);

  await (await $t("start-intervention")).click();
  await browser.waitUntil(async () => (await (await $t("intervention")).getAttribute("data-status")) === "in_progress", {
    timeout: 10_000,
  });
  await (await $t("close-intervention")).click();
  await (await $t("close-finding")).selectByAttribute("value", "confirmed");
  await (await $t("close-component")).selectByAttribute("value", "generator_winding");
  await (await $t("close-form-submit")).click();
  await browser.waitUntil(async () => (await (await $t("intervention")).getAttribute("data-status")) === "done", {
    timeout: 10_000,
    timeoutMsg: "the intervention was not closed",
  });
  await browser.waitUntil(async () => (await (await $t("alert-state")).getAttribute("data-status")) === "resolved", {
    timeout: 10_000,
  });
}

describe("Maintenance workflow: from the morning view to a recorded outcome", () => {
  before(async () => {
    assert.ok(existsSync(APP), `${APP} is missing: build it with 'make app'`);
    assert.ok(existsSync(CLI), `${CLI} is missing: build it with 'cargo build -p cockpit-cli'`);
    home = mkdtempSync(join(tmpdir(), "cockpit-e2e-wf-"));
    screen = await display();
    driver = await startDriver(appEnv(home, { DISPLAY: screen.name, LANG: "en_GB.UTF-8", USER: "marie" }));
    browser = await session();
  });

  after(async () => {
    await endSession(browser);
    await stopDriver(driver);
    screen?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  let first;
  let second;

  it("shows what changed since the previous run and filters the unacknowledged alerts", async () => {
    await (await $t("fleet-table")).waitForExist({ timeout: 180_000, interval: 500 });
    const changes = await $t("changes");
    await changes.waitForExist({ timeout: 10_000 });
    assert.match(await changes.getText(), /^Since the previous run \(/);
    const rows = await alertRows();
    const open = rows.filter((r) => r.alert === "open");
    assert.ok(open.length >= 2, `the demo park has open alerts: ${JSON.stringify(rows)}`);
    await shot("20-morning-view");

    await (await $t("unacknowledged-filter")).click();
    await browser.waitUntil(async () => (await alertRows()).every((r) => r.alert === "open"), { timeout: 5000 });
    const filtered = await alertRows();
    assert.equal(filtered.length, open.length, "only the unacknowledged alerts");
    await shot("21-unacknowledged-only");
    // LYO-08 when it has an open alert, else the most urgent one.
    first = (filtered.find((r) => r.id === "LYO-08") ?? filtered[0]).id;
    second = filtered.find((r) => r.id !== first).id;
  });

  it("acknowledges an alert with a note, plans, starts and closes an intervention with a confirmed fault", async () => {
    const failuresBefore = backtestFailures();
    await openTurbine(first);
    await fullStory("Seen at the morning meeting: winding temperature rising", "Team B", {
      ack: "22-acknowledge",
      planned: "23-intervention-planned",
    });
    const outcome = await $t("alert-outcome");
    assert.match(await outcome.getText(), /fault confirmed: generator winding/);
    const logbook = await $t("history-logbook");
    assert.match(await logbook.getText(), /generator winding/);
    await (await $t("alert-card")).scrollIntoView();
    await shot("24-alert-outcome");

    // The logbook and `cockpit backtest` include the confirmed fault.
    const logbookRows = JSON.parse(cli("alerts", "--json")).filter((a) => a.turbine_id === first);
    assert.equal(logbookRows[0].status, "resolved");
    assert.equal(logbookRows[0].outcome.finding, "confirmed");
    assert.equal(backtestFailures(), failuresBefore + 1, "backtest counts the confirmed fault");

    // Back on the fleet: the row shows the outcome; the unacknowledged filter no longer lists it.
    await browser.keys("Escape");
    await (await $t("fleet-table")).waitForExist({ timeout: 5000 });
    await browser.waitUntil(async () => !(await alertRows()).some((r) => r.id === first), {
      timeout: 10_000,
      timeoutMsg: "the handled turbine is still listed as unacknowledged",
    });
  });

  it("lists interventions by due date in the Interventions view", async () => {
    await (await $t("tab-interventions")).click();
    await (await $t("interventions-view")).waitForExist({ timeout: 10_000 });
    assert.match(await (await $t("recorded-as")).getText(), /marie/);
    await (await $t("show-closed")).click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="intervention"]')).length >= 1, { timeout: 10_000 });
    const item = await $t("intervention");
    assert.equal(await item.getAttribute("data-turbine-id"), first);
    assert.match(await (await $t("intervention-finding")).getText(), /fault confirmed: generator winding/);
    await shot("25-interventions-view");
  });

  it("does the same in French", async () => {
    await (await $t("lang-switch")).click();
    await browser.waitUntil(async () => (await (await $t("tab-fleet")).getText()) === "Parc", { timeout: 5000 });
    await (await $t("tab-fleet")).click();
    await (await $t("fleet-table")).waitForExist({ timeout: 10_000 });
    assert.match(await (await $t("changes")).getText(), /^Depuis l'évaluation précédente \(/);
    await openTurbine(second);
    await fullStory("Vu en réunion du matin", "Équipe A", { ack: "26-prise-en-compte", planned: "27-intervention-planifiee" });
    assert.match(await (await $t("alert-outcome")).getText(), /panne confirmée : bobinage génératrice/);
    assert.match(await (await $t("history-logbook")).getText(), /bobinage génératrice/);
    await (await $t("alert-card")).scrollIntoView();
    await shot("28-resultat-alerte");
  });
});
