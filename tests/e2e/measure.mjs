// Measures the release app: start to populated fleet view (first launch on a fresh data folder,
// which builds the demo park, then a second launch on the same data), the `fleet` command's
// time as the UI sees it, and resident memory (app + WebKit processes). Then, when a scored
// 1,000-turbine database exists (`scripts/bench-scoring.sh 1000` builds
// .bench/scoring/fleet-1000x30.db; or set COCKPIT_MEASURE_DB), the same on a copy of it.
//
//   node tests/e2e/measure.mjs            (same environment variables as cockpit.e2e.mjs)
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const APP = resolve(process.env.COCKPIT_APP ?? join(ROOT, "target/release/energitech-cockpit"));
const DRIVER =
  process.env.TAURI_DRIVER ??
  (existsSync(join(ROOT, ".tools/bin/tauri-driver")) ? join(ROOT, ".tools/bin/tauri-driver") : "tauri-driver");
const ORT = process.env.COCKPIT_ORT_LIB ?? join(ROOT, ".tools/onnxruntime/lib/libonnxruntime.so.1.31.1");
const PORT = Number(process.env.PORT ?? 4444);

const home = mkdtempSync(join(tmpdir(), "cockpit-measure-"));
const env = {
  ...process.env,
  XDG_DATA_HOME: join(home, "data"),
  XDG_CONFIG_HOME: join(home, "config"),
  COCKPIT_ORT_LIB: ORT,
  NO_AT_BRIDGE: "1",
};
delete env.COCKPIT_DB;
const children = [];
if (!env.DISPLAY) {
  env.DISPLAY = ":98";
  children.push(spawn("Xvfb", [":98", "-screen", "0", "1400x900x24", "-nolisten", "tcp"], { stdio: "ignore" }));
  await new Promise((r) => setTimeout(r, 1000));
}
const BIG_DB = process.env.COCKPIT_MEASURE_DB ?? join(ROOT, ".bench/scoring/fleet-1000x30.db");

/** Starts tauri-driver with the app's environment (stopped with SIGTERM, never SIGKILL). */
async function startDriver(appEnv) {
  const d = spawn(DRIVER, ["--port", String(PORT), "--native-port", String(PORT + 1)], { env: appEnv, stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 1500));
  return d;
}
let driver = await startDriver(env);

function processes() {
  const ps = execFileSync("ps", ["-eo", "pid,ppid,rss,comm"], { encoding: "utf8" }).trim().split("\n").slice(1);
  return ps.map((l) => l.trim().split(/\s+/)).map(([pid, ppid, rss, comm]) => ({ pid, ppid, rss: Number(rss), comm }));
}
const appPids = () => processes().filter((p) => p.comm.startsWith("energitech-coc")).map((p) => p.pid);

/** Waits (up to 15 s) for the apps of earlier sessions to exit, so they are neither measured nor in the way. */
async function waitForAppsToExit() {
  const t0 = Date.now();
  while (appPids().length > 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 100));
  const left = appPids();
  if (left.length) console.log(`warning: an earlier app is still running (pid ${left.join(", ")})`);
  else console.log(`(earlier app exited ${Date.now() - t0} ms after its session ended)`);
}

/** Resident memory (MiB) of the app and of the WebKit processes it started. */
function rssMiB() {
  const procs = processes();
  const app = procs.filter((p) => p.comm.startsWith("energitech-coc"));
  const ids = new Set(app.map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) if (ids.has(p.ppid) && !ids.has(p.pid)) (ids.add(p.pid), (grew = true));
  }
  const mine = procs.filter((p) => ids.has(p.pid));
  return {
    total: Math.round(mine.reduce((s, p) => s + p.rss, 0) / 1024),
    parts: mine.map((p) => `${p.comm} ${Math.round(p.rss / 1024)}`).join(", "),
  };
}

async function launch(label) {
  const t0 = Date.now();
  const b = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "error",
    connectionRetryTimeout: 180_000,
    capabilities: { "wdio:enforceWebDriverClassic": true, "tauri:options": { application: APP } },
  });
  const session = Date.now() - t0;
  await b.$('[data-testid="fleet-row"]').then((e) => e.waitForExist({ timeout: 180_000, interval: 50 }));
  const populated = Date.now() - t0;
  console.log(`${label}: window + WebDriver session ${session} ms, populated fleet view ${populated} ms after launch`);
  const marks = await b.execute(() =>
    performance
      .getEntriesByType("mark")
      .map((m) => `${m.name} ${Math.round(m.startTime)}`)
      .join(", "),
  );
  console.log(`  page timeline (ms since the page started): ${marks}`);
  return b;
}

/** Median time of 20 `fleet` commands as the UI sees them (invoke round trip). */
async function fleetTimes(b, label) {
  const times = await b.executeAsync((done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    (async () => {
      const out = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await invoke("fleet", { filter: {}, lang: "en" });
        out.push(performance.now() - t);
      }
      done(out);
    })();
  });
  times.sort((a, c) => a - c);
  console.log(
    `fleet command round trip, ${label} (20 calls, UI side): median ${times[10].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`,
  );
}

try {
  let b = await launch("first launch (fresh data folder: demo park built and scored)");
  await b.deleteSession();
  await waitForAppsToExit();
  b = await launch("second launch (existing database)");
  await fleetTimes(b, "demo park (20 turbines)");
  await new Promise((r) => setTimeout(r, 2000));
  const m = rssMiB();
  console.log(`resident memory: ${m.total} MiB (${m.parts})`);
  await b.deleteSession();

  if (existsSync(BIG_DB)) {
    await waitForAppsToExit();
    driver.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    const db = join(home, "big", "cockpit.db");
    execFileSync("mkdir", ["-p", join(home, "big")]);
    copyFileSync(BIG_DB, db);
    driver = await startDriver({ ...env, COCKPIT_DB: db });
    const t0 = Date.now();
    b = await launch("launch on a scored 1,000-turbine database");
    let n = 0;
    await b.waitUntil(async () => (n = await b.execute(() => document.querySelectorAll('[data-testid="fleet-row"]').length)) >= 1000, {
      timeout: 60_000,
      interval: 100,
    });
    console.log(`  all ${n} rows in the table ${Date.now() - t0} ms after launch`);
    await fleetTimes(b, "1,000 turbines");
    await new Promise((r) => setTimeout(r, 2000));
    const big = rssMiB();
    console.log(`resident memory with 1,000 turbines: ${big.total} MiB (${big.parts})`);
    await b.deleteSession();
  } else {
    console.log(`no 1,000-turbine database at ${BIG_DB}: run scripts/bench-scoring.sh 1000 first`);
  }
} finally {
  driver.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  for (const c of children.reverse()) c.kill("SIGTERM");
  rmSync(home, { recursive: true, force: true });
}
