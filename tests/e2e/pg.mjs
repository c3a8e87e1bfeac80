// A throwaway PostgreSQL for the hub walk, as tests/src/pg.rs makes one for the Rust tests: a
// cluster made with initdb in a temporary folder, started with pg_ctl on a free loopback port,
// run as the unprivileged `postgres` user when the walk runs as root (PostgreSQL refuses root),
// stopped and deleted by `stop()`. Debian's postgresql package provides the binaries.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const ADMIN = "hubadmin";
export const ADMIN_PASSWORD = "walk-admin-5e1d";
export const HUB_DB = "fleethub";

function pgBin() {
  const base = "/usr/lib/postgresql";
  const found = existsSync(base)
    ? readdirSync(base)
        .map((v) => join(base, v, "bin"))
        .filter((b) => existsSync(join(b, "initdb")))
        .sort()
    : [];
  if (!found.length) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `make setup`");
  return found[found.length - 1];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a cluster with the ADMIN superuser and the HUB_DB database. */
export async function startPg() {
  const bin = pgBin();
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync("/tmp/cockpit-e2e-pg-");
  chmodSync(dir, 0o755);
  const port = await freePort();
  const run = (tool, args) => {
    const exe = join(bin, tool);
    const [cmd, argv] = asPostgres ? ["runuser", ["-u", "postgres", "--", exe, ...args]] : [exe, args];
    return execFileSync(cmd, argv, { cwd: dir, env: { ...process.env, PGPASSWORD: ADMIN_PASSWORD }, stdio: ["ignore", "pipe", "pipe"] });
  };
  if (asPostgres) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const pw = join(dir, "pw");
  writeFileSync(pw, ADMIN_PASSWORD);
  if (asPostgres) execFileSync("chown", ["postgres:postgres", pw]);
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", ADMIN, "--pwfile", pw, "--auth=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C"]);
  rmSync(pw);
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`;
  run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", opts, "-w", "-t", "60", "start"]);
  const psql = (sql) =>
    execFileSync(join(bin, "psql"), ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", ADMIN, "-d", "postgres", "-c", sql], {
      env: { ...process.env, PGPASSWORD: ADMIN_PASSWORD },
    }).toString();
  psql(`CREATE DATABASE ${HUB_DB}`);
  return {
    port,
    /** The hub's address as `user`, without a password (it comes from PGPASSWORD). */
    url: (user = ADMIN) => `postgresql://${user}@127.0.0.1:${port}/${HUB_DB}?sslmode=disable`,
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
