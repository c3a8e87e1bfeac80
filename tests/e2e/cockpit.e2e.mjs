// End-to-end walk of the real release binary: first launch on a fresh XDG data directory (the
// demo park is built), fleet ranked, filter, turbine detail with drivers and trends, score now,
// diagnostics, language switch. Screenshots of each view go to docs/screenshots/.
//
// Runs under Xvfb (started here when DISPLAY is unset) through tauri-driver (port 4444) and
// WebKitWebDriver. Environment:
//   COCKPIT_APP      the binary (default: target/release/energitech-cockpit)
//   TAURI_DRIVER     tauri-driver (default: .tools/bin/tauri-driver, then PATH)
//   COCKPIT_ORT_LIB  ONNX Runtime library (default: .tools/onnxruntime/lib/libonnxruntime.so.1.31.1)
//   SCREENSHOTS      where to save screenshots (default: docs/screenshots)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const APP = resolve(process.env.COCKPIT_APP ?? join(ROOT, "target/release/energitech-cockpit"));
const DRIVER =
  process.env.TAURI_DRIVER ??
  (existsSync(join(ROOT, ".tools/bin/tauri-driver")) ? join(ROOT, ".tools/bin/tauri-driver") : "tauri-driver");
const ORT = process.env.COCKPIT_ORT_LIB ?? join(ROOT, ".tools/onnxruntime/lib/libonnxruntime.so.1.31.1");
const SHOTS = resolve(process.env.SCREENSHOTS ?? join(ROOT, "docs/screenshots"));
const PORT = Number(process.env.PORT ?? 4444); // WebKitWebDriver takes PORT + 1

const children = [];
let browser;
let home;

function start(cmd, args, env) {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "inherit", "inherit"] });
  children.push(child);
  return child;
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/status`);
      if (r.ok || r.status === 404) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}

const $t = (id) => browser.$(`[data-testid="${id}"]`);
const $$t = (id) => browser.$$(`[data-testid="${id}"]`);

async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  await browser.saveScreenshot(join(SHOTS, `${name}.png`));
}

async function rows() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="fleet-row"]')].map((r) => ({
      id: r.getAttribute("data-turbine-id"),
      category: r.getAttribute("data-category"),
      score: r.querySelector('[data-testid="risk-score"]')?.textContent ?? "",
    })),
  );
}

const number = (text) => (/\d/.test(text) ? Number(text.replace(",", ".")) : -1);

describe("EnergiTech Cockpit, first launch to work list", () => {
  before(async () => {
    assert.ok(existsSync(APP), `${APP} is missing: build it with 'make app'`);
    home = mkdtempSync(join(tmpdir(), "cockpit-e2e-"));
    const env = {
      ...process.env,
      // A fresh data directory: the app must build the demo park itself.
      XDG_DATA_HOME: join(home, "data"),
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_CACHE_HOME: join(home, "cache"),
      // No user-dirs.dirs there: downloads go to $HOME/Downloads.
      HOME: home,
      COCKPIT_ORT_LIB: ORT,
      LANG: "C.UTF-8",
      LC_ALL: "",
      NO_AT_BRIDGE: "1",
    };
    delete env.COCKPIT_DB;
    if (!env.DISPLAY) {
      env.DISPLAY = ":99";
      start("Xvfb", [":99", "-screen", "0", "1400x900x24", "-nolisten", "tcp"], env);
      await new Promise((r) => setTimeout(r, 1000));
    }
    start(DRIVER, ["--port", String(PORT), "--native-port", String(PORT + 1), "--native-driver", "/usr/bin/WebKitWebDriver"], env);
    await waitForPort(PORT, 15_000);
    browser = await remote({
      hostname: "127.0.0.1",
      port: PORT,
      logLevel: "warn",
      connectionRetryTimeout: 180_000,
      capabilities: {
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: APP },
      },
    });
  });

  after(async () => {
    try {
      await browser?.deleteSession();
    } catch {
      /* the app may already be gone */
    }
    // SIGTERM lets tauri-driver stop WebKitWebDriver and the app it started.
    for (const c of children.reverse()) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
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
    assert.ok(/normale|habituellement|éoliennes|Aucun indicateur/.test(phrases), phrases);
    await browser.pause(300);
    await shot("09-turbine-detail-fr");
    await (await $t("risk-trend")).scrollIntoView();
    await browser.pause(200);
    await shot("10-turbine-trends-fr");
  });
});
