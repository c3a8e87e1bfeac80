// What the end-to-end specs and measure.mjs share: where the app and its tools are, Xvfb,
// tauri-driver, a WebDriver session on the real app, fresh XDG folders, screenshots.
//
// Environment (all optional):
//   COCKPIT_APP      the binary (default: target/release/energitech-cockpit)
//   TAURI_DRIVER     tauri-driver (default: .tools/bin/tauri-driver, then PATH)
//   COCKPIT_ORT_LIB  ONNX Runtime library (default: .tools/onnxruntime/lib/libonnxruntime.so.1.31.1)
//   SCREENSHOTS      where to save screenshots (default: docs/screenshots)
//   PORT             tauri-driver's port (default 4444; WebKitWebDriver takes PORT + 1)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const APP = resolve(process.env.COCKPIT_APP ?? join(ROOT, "target/release/energitech-cockpit"));
export const DRIVER =
  process.env.TAURI_DRIVER ??
  (existsSync(join(ROOT, ".tools/bin/tauri-driver")) ? join(ROOT, ".tools/bin/tauri-driver") : "tauri-driver");
export const ORT = process.env.COCKPIT_ORT_LIB ?? join(ROOT, ".tools/onnxruntime/lib/libonnxruntime.so.1.31.1");
export const SHOTS = resolve(process.env.SCREENSHOTS ?? join(ROOT, "docs/screenshots"));
export const PORT = Number(process.env.PORT ?? 4444);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until a WebDriver server answers on `port`. */
export async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/status`);
      if (r.ok || r.status === 404) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}

/** Waits (at most `ms`) until nothing answers on `port` any more. */
export async function waitForPortFree(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
    } catch {
      return;
    }
    await sleep(200);
  }
}

/**
 * The app's environment on fresh folders under `home`: it must build the demo park itself. No
 * user-dirs.dirs there, so downloads go to `$HOME/Downloads`. `COCKPIT_DB` and `COCKPIT_MODELS`
 * from the caller's shell are dropped unless `extra` sets them.
 */
export function appEnv(home, extra = {}) {
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    HOME: home,
    COCKPIT_ORT_LIB: ORT,
    LANG: "C.UTF-8",
    LC_ALL: "",
    NO_AT_BRIDGE: "1",
    ...extra,
  };
  if (!("COCKPIT_DB" in extra)) delete env.COCKPIT_DB;
  if (!("COCKPIT_MODELS" in extra)) delete env.COCKPIT_MODELS;
  return env;
}

/** The X display to use: `$DISPLAY`, else an Xvfb started on `fallback` (stopped by `stop()`). */
export async function display(fallback = ":99") {
  if (process.env.DISPLAY) return { name: process.env.DISPLAY, stop() {} };
  const xvfb = spawn("Xvfb", [fallback, "-screen", "0", "1400x900x24", "-nolisten", "tcp"], { stdio: "ignore" });
  await sleep(1000);
  return { name: fallback, stop: () => xvfb.kill("SIGTERM") };
}

/**
 * Starts tauri-driver (which starts WebKitWebDriver, which starts the app with `env`); the app's
 * console output shows unless `quiet`.
 */
export async function startDriver(env, { port = PORT, quiet = false } = {}) {
  const child = spawn(
    DRIVER,
    ["--port", String(port), "--native-port", String(port + 1), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { env, stdio: quiet ? "ignore" : ["ignore", "inherit", "inherit"] },
  );
  await waitForPort(port, 15_000);
  return child;
}

/** Stops tauri-driver with SIGTERM (it then stops WebKitWebDriver and the app; SIGKILL would orphan them). */
export async function stopDriver(child, port = PORT) {
  child?.kill("SIGTERM");
  await waitForPortFree(port, 5000);
}

/** A WebDriver session on the app (tauri-driver must be listening on `port`), started with `args`. */
export function session({ port = PORT, app = APP, logLevel = "warn", args = [] } = {}) {
  return remote({
    hostname: "127.0.0.1",
    port,
    logLevel,
    connectionRetryTimeout: 180_000,
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: app, args },
    },
  });
}

/** Ends a session, whether or not the app is still there. */
export async function endSession(browser) {
  try {
    await browser?.deleteSession();
  } catch {
    /* the app may already be gone */
  }
}

/**
 * Calls a shell command as the UI does (Tauri's IPC), as an asynchronous script: `{ ok, value }`,
 * or `{ ok: false, error }` when the command is refused (never a script error).
 */
export function invoke(browser, cmd, args) {
  return browser.executeAsync(
    (cmd, args, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (value) => done({ ok: true, value }),
        (error) => done({ ok: false, error }),
      );
    },
    cmd,
    args,
  );
}

/** `$('[data-testid="…"]')` for one browser. */
export const byTestId = (browser) => (id) => browser.$(`[data-testid="${id}"]`);

/** Saves a screenshot of the window as `<dir>/<name>.png`. */
export async function shot(browser, name, dir = SHOTS) {
  mkdirSync(dir, { recursive: true });
  await browser.saveScreenshot(join(dir, `${name}.png`));
}

/** The fleet table's rows as the user sees them: turbine, category, risk score text. */
export function fleetRows(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="fleet-row"]')].map((r) => ({
      id: r.getAttribute("data-turbine-id"),
      category: r.getAttribute("data-category"),
      score: r.querySelector('[data-testid="risk-score"]')?.textContent ?? "",
    })),
  );
}

/** A displayed number ("53,1" or "53.1"), or -1 for "–". */
export const number = (text) => (/\d/.test(text) ? Number(text.replace(",", ".")) : -1);
