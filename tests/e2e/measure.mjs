// Measures the release app: start to populated fleet view (first launch on a fresh data folder,
// which builds the demo park, then a second launch on the same data), the `fleet` command's
// time as the UI sees it, and resident memory (app + WebKit processes).
//
//   node tests/e2e/measure.mjs            (same environment variables as cockpit.e2e.mjs)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
children.push(spawn(DRIVER, ["--port", String(PORT), "--native-port", String(PORT + 1)], { env, stdio: "ignore" }));
await new Promise((r) => setTimeout(r, 1500));

/** Resident memory (MiB) of the app and of the WebKit processes it started. */
function rssMiB() {
  const ps = execFileSync("ps", ["-eo", "pid,ppid,rss,comm"], { encoding: "utf8" }).trim().split("\n").slice(1);
  const procs = ps.map((l) => l.trim().split(/\s+/)).map(([pid, ppid, rss, comm]) => ({ pid, ppid, rss: Number(rss), comm }));
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
  return b;
}

try {
  let b = await launch("first launch (fresh data folder: demo park built and scored)");
  await b.deleteSession();
  await new Promise((r) => setTimeout(r, 1000));
  b = await launch("second launch (existing database)");
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
    `fleet command round trip (20 calls, UI side): median ${times[10].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`,
  );
  await new Promise((r) => setTimeout(r, 2000));
  const m = rssMiB();
  console.log(`resident memory: ${m.total} MiB (${m.parts})`);
  await b.deleteSession();
} finally {
  for (const c of children.reverse()) c.kill("SIGTERM");
  rmSync(home, { recursive: true, force: true });
}
