//! A throwaway PostgreSQL server for the shared-store tests: a cluster created with `initdb` in
//! a temporary folder, started with `pg_ctl` on a free loopback port (its socket in the same
//! folder), run as the unprivileged `postgres` user when the tests run as root (PostgreSQL
//! refuses root), and stopped and deleted on drop — even when the test fails. Debian's
//! `postgresql` package provides the binaries (`make setup` installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The superuser the cluster is created with (password authentication, like a real hub).
pub const ADMIN: &str = "hubadmin";
/// Its password.
pub const ADMIN_PASSWORD: &str = "admin-secret-8f2c";
/// The database the hub lives in.
pub const HUB_DB: &str = "fleethub";

/// A running throwaway cluster.
pub struct PgServer {
    dir: PathBuf,
    bin: PathBuf,
    /// The loopback port it listens on.
    pub port: u16,
    as_postgres: bool,
    tls: bool,
}

fn pg_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .filter(|b| b.join("initdb").is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `make setup`, which installs Debian's postgresql package")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl PgServer {
    /// Creates and starts a cluster with the [`ADMIN`] superuser and the [`HUB_DB`] database.
    pub fn start() -> PgServer {
        PgServer::create(None)
    }

    /// [`PgServer::start`] with TLS on (`ssl=on`), serving the certificate `cert` (PEM, the
    /// chain to present) with its private key `key`; plain connections are still accepted.
    pub fn start_with_tls(cert: &Path, key: &Path) -> PgServer {
        PgServer::create(Some((cert, key)))
    }

    fn create(tls: Option<(&Path, &Path)>) -> PgServer {
        let bin = pg_bin();
        let as_postgres = is_root();
        let base = tempfile::Builder::new()
            .prefix("cockpit-pg-")
            .tempdir_in("/tmp")
            .expect("temporary folder")
            .keep();
        let server = PgServer {
            dir: base,
            bin,
            port: free_port(),
            as_postgres,
            tls: tls.is_some(),
        };
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&server.dir)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "chown of {} to postgres failed", server.dir.display());
        }
        let pwfile = server.dir.join("pw");
        std::fs::write(&pwfile, ADMIN_PASSWORD).expect("password file");
        let out = server.run(
            "initdb",
            &[
                "-D",
                &server.data().to_string_lossy(),
                "-U",
                ADMIN,
                "--pwfile",
                &pwfile.to_string_lossy(),
                "--auth=scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        assert!(out.status.success(), "initdb failed: {}", text(&out));
        let _ = std::fs::remove_file(&pwfile);
        if let Some((cert, key)) = tls {
            // The server reads them from its data folder; the key must be private to it.
            for (from, name, mode) in [(cert, "server.crt", 0o644), (key, "server.key", 0o600)] {
                let to = server.data().join(name);
                std::fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&to, std::fs::Permissions::from_mode(mode))
                    .expect("certificate permissions");
                if as_postgres {
                    let ok = Command::new("chown")
                        .arg("postgres:postgres")
                        .arg(&to)
                        .status()
                        .map(|s| s.success())
                        .unwrap_or(false);
                    assert!(ok, "chown of {} to postgres failed", to.display());
                }
            }
        }
        server.start_again();
        server.psql("postgres", &format!("CREATE DATABASE {HUB_DB}"));
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args)
            .current_dir(&self.dir)
            .env("PGPASSWORD", ADMIN_PASSWORD)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
    }

    /// Starts the server (again, after [`PgServer::kill`]), waiting until it accepts connections.
    pub fn start_again(&self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=60{}",
            self.port,
            self.dir.display(),
            if self.tls { " -c ssl=on" } else { "" }
        );
        let log = self.dir.join("server.log");
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            text(&out),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`: open connections are cut, what was
    /// not committed is lost, as in a crash).
    pub fn kill(&self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    /// A libpq URL to the hub database as `user` (with the password in it when given).
    pub fn url(&self, user: &str, password: Option<&str>) -> String {
        match password {
            Some(p) => format!(
                "postgresql://{user}:{p}@127.0.0.1:{}/{HUB_DB}?sslmode=disable",
                self.port
            ),
            None => format!(
                "postgresql://{user}@127.0.0.1:{}/{HUB_DB}?sslmode=disable",
                self.port
            ),
        }
    }

    /// The hub URL as the superuser (password included).
    pub fn admin_url(&self) -> String {
        self.url(ADMIN, Some(ADMIN_PASSWORD))
    }

    /// Runs SQL with `psql` as the superuser on `db`, panicking with its message on failure;
    /// returns the unaligned, tuples-only output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = self.try_psql(db, ADMIN, ADMIN_PASSWORD, sql);
        assert!(out.status.success(), "psql failed on {sql}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Runs SQL with `psql` as `user`/`password` on `db`; the output whatever happened.
    pub fn try_psql(&self, db: &str, user: &str, password: &str, sql: &str) -> Output {
        Command::new(self.bin.join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                user,
                "-d",
                db,
                "-c",
                sql,
            ])
            .env("PGPASSWORD", password)
            .env_remove("PGPASSFILE")
            .output()
            .expect("psql runs")
    }

    /// The folder holding the cluster (and its `server.log`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
