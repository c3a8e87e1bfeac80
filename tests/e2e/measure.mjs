// Measures the release app: start to populated fleet view (first launch on a fresh data folder,
// which builds the demo park, then a second launch on the same data), the `fleet` command's
// time as the UI sees it, and resident memory (app + WebKit processes). Then, when a scored
// 1,000-turbine database exists (`scripts/bench-scoring.sh 1000` builds
// .bench/scoring/fleet-1000x30.db; or set COCKPIT_MEASURE_DB), the same on a copy of it.
//
//   node tests/e2e/measure.mjs            (environment variables: see harness.mjs)
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appEnv, display, ROOT, session, startDriver, stopDriver } from "./harness.mjs";

const home = mkdtempSync(join(tmpdir(), "cockpit-measure-"));
const screen = await display(":98");
const env = appEnv(home, { DISPLAY: screen.name });
const BIG_DB = process.env.COCKPIT_MEASURE_DB ?? join(ROOT, ".bench/scoring/fleet-1000x30.db");
let driver = await startDriver(env, { quiet: true });

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
  const b = await session({ logLevel: "error" });
  const sessionMs = Date.now() - t0;
  await b.$('[data-testid="fleet-row"]').then((e) => e.waitForExist({ timeout: 180_000, interval: 50 }));
  const populated = Date.now() - t0;
  console.log(`${label}: window + WebDriver session ${sessionMs} ms, populated fleet view ${populated} ms after launch`);
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
    await stopDriver(driver);
    const db = join(home, "big", "cockpit.db");
    execFileSync("mkdir", ["-p", join(home, "big")]);
    copyFileSync(BIG_DB, db);
    driver = await startDriver({ ...env, COCKPIT_DB: db }, { quiet: true });
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
  await stopDriver(driver);
  screen.stop();
  rmSync(home, { recursive: true, force: true });
}
