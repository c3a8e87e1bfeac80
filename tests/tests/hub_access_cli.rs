//! Access to the hub by role, TLS and secrets, against a real, throwaway PostgreSQL (see
//! `cockpit_tests::pg`):
//!
//! - the forbidden-write test: users made with `cockpit hub grant` run the sync's own kinds of
//!   statements with `psql` as themselves; the server itself refuses a site workstation's run
//!   for another site, any run from a field laptop or an office, a field laptop's reading of
//!   another site, and lets the allowed writes through;
//! - `cockpit hub grant` refuses an unknown kind, a site list on an office user, a site user
//!   without sites, and a caller that is not the hub's owner, each in one clear line;
//! - TLS: `sslmode=verify-full` with the right root certificate connects; a wrong root or a
//!   certificate for another host name is refused in words; `require` connects;
//! - no password reaches the log files or the diagnostics bundle.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use cockpit_tests::pg::{PgServer, ADMIN_PASSWORD, HUB_DB};
use cockpit_tests::{cockpit, hub_grant, Run};

const WS_A: &str = "11111111-1111-4111-8111-111111111111";
const WS_B: &str = "22222222-2222-4222-8222-222222222222";
const FIELD: &str = "33333333-3333-4333-8333-333333333333";
const OFFICE: &str = "44444444-4444-4444-8444-444444444444";
const RUN_A: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const RUN_B: &str = "bbbbbbbb-0000-4000-8000-000000000001";

fn hub(db: &Path, args: &[&str]) -> Run {
    cockpit(db, &[&["hub"], args].concat())
}

/// SQL run as `user`: Ok(output) or Err(the server's message).
fn sql_as(pg: &PgServer, user: &str, sql: &str) -> Result<String, String> {
    let out = pg.try_psql(HUB_DB, user, &format!("pw-{user}"), sql);
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn allowed(pg: &PgServer, user: &str, sql: &str) -> String {
    sql_as(pg, user, sql).unwrap_or_else(|e| panic!("{user} should be allowed {sql}: {e}"))
}

fn refused(pg: &PgServer, user: &str, sql: &str, why: &str) {
    match sql_as(pg, user, sql) {
        Ok(out) => panic!("{user} should be refused {sql}, got {out}"),
        Err(e) => assert!(
            e.contains(why),
            "{user} on {sql}: expected '{why}', got {e}"
        ),
    }
}

/// The push's statements for a cockpit's own row (insert, then the update path).
fn upsert_cockpit(id: &str, name: &str) -> String {
    format!(
        "INSERT INTO hub.cockpits (id, name, last_sync) VALUES ('{id}', '{name}', now())
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, last_sync = now(),
         seq = nextval('hub.seq')"
    )
}

/// A site workstation's push for `site`, as the sync makes it.
fn push_site(cockpit: &str, site: &str, turbine: &str, run: &str, event: &str) -> String {
    format!(
        "SELECT pg_advisory_xact_lock({lock});
         INSERT INTO hub.sites (site, scored_by) VALUES ('{site}', '{cockpit}') ON CONFLICT DO NOTHING;
         SELECT scored_by FROM hub.sites WHERE site = '{site}';
         INSERT INTO hub.turbines (turbine_id, site, model, rated_power_kw, latitude, longitude,
             commissioning_date, cockpit)
         VALUES ('{turbine}', '{site}', 'V90', 2000, 45.7, 4.8, '2015-01-01', '{cockpit}')
         ON CONFLICT (turbine_id) DO UPDATE SET model = EXCLUDED.model, cockpit = EXCLUDED.cockpit,
             seq = nextval('hub.seq');
         INSERT INTO hub.runs (id, site, cockpit, trigger, started_at, ended_at, duration_ms,
             status, as_of, turbines, low)
         VALUES ('{run}', '{site}', '{cockpit}', 'manual', 1, 2, 1, 'succeeded', 1, 1, 1)
         ON CONFLICT DO NOTHING;
         INSERT INTO hub.predictions (run, site, turbine_id, scored, p_fail_7d, category)
         VALUES ('{run}', '{site}', '{turbine}', true, 0.01, 'low') ON CONFLICT DO NOTHING;
         INSERT INTO hub.events (id, at, author, machine, kind, subject, turbine, data, site, cockpit)
         VALUES ('{event}', 1, 'op', 'ws', 'note', '{turbine}', '{turbine}', '{{}}', '{site}', '{cockpit}')
         ON CONFLICT (id) DO NOTHING;
         INSERT INTO hub.logbook (turbine_id, component, failure_time, site, cockpit)
         VALUES ('{turbine}', 'gearbox', 100, '{site}', '{cockpit}')
         ON CONFLICT (turbine_id, component, failure_time) DO UPDATE SET action = EXCLUDED.action,
             seq = nextval('hub.seq');
         INSERT INTO hub.model_sets (site, cockpit, version, since)
         VALUES ('{site}', '{cockpit}', 'v1', 1)
         ON CONFLICT (site) DO UPDATE SET version = EXCLUDED.version, seq = nextval('hub.seq')",
        lock = cockpit_core_lock()
    )
}

/// `hub::schema::WRITE_LOCK` ("cockpit" in ASCII).
fn cockpit_core_lock() -> i64 {
    0x0063_6f63_6b70_6974
}

/// An action on `turbine` of `site` by `cockpit`.
fn event(id: &str, site: &str, turbine: &str, cockpit: &str) -> String {
    format!(
        "INSERT INTO hub.events (id, at, author, machine, kind, subject, turbine, data, site, cockpit)
         VALUES ('{id}', 2, 'lead', 'laptop', 'ack', '{turbine}', '{turbine}', '{{}}', '{site}', '{cockpit}')
         ON CONFLICT (id) DO NOTHING"
    )
}

/// The pull's reading statements, as `user` (whose cockpit is `me`): what it sees of each table.
fn pull_counts(pg: &PgServer, user: &str, me: &str) -> String {
    allowed(
        pg,
        user,
        &format!(
            "BEGIN;
             SELECT pg_advisory_xact_lock_shared({lock});
             SELECT last_value >= 0 AND is_called FROM hub.seq;
             SELECT (SELECT count(*) FROM hub.sites WHERE seq > 0) || ' ' ||
                    (SELECT count(*) FROM hub.turbines WHERE seq > 0 AND cockpit <> '{me}') || ' ' ||
                    (SELECT count(*) FROM hub.runs WHERE seq > 0) || ' ' ||
                    (SELECT count(*) FROM hub.predictions) || ' ' ||
                    (SELECT count(*) FROM hub.events WHERE seq > 0) || ' ' ||
                    (SELECT count(*) FROM hub.logbook) || ' ' ||
                    (SELECT count(*) FROM hub.model_sets) || ' ' ||
                    (SELECT count(*) FROM hub.cockpits);
             COMMIT;",
            lock = cockpit_core_lock()
        ),
    )
    .lines()
    .filter(|l| !l.is_empty() && *l != "BEGIN" && *l != "COMMIT")
    .collect::<Vec<_>>()
    .join(" | ")
}

const RLS: &str = "new row violates row-level security policy";

#[test]
fn the_server_refuses_the_writes_and_reads_a_role_is_not_given() {
    let pg = PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let owner = pg.admin_url();
    let init = hub(&db, &["init", "--server", &owner]);
    assert_eq!(init.code, 0, "{}", init.stderr);

    for (user, kind, sites) in [
        ("ws_a", "site", "Lyon"),
        ("ws_b", "site", "Nantes"),
        ("field_a", "field", "Lyon"),
        ("office", "office", ""),
    ] {
        let g = hub_grant(&db, &owner, user, kind, sites, &format!("pw-{user}"));
        assert_eq!(g.code, 0, "grant {user}: {}", g.stderr);
        assert!(
            g.stdout.contains(&format!("{user} is a {kind} user")),
            "{}",
            g.stdout
        );
        assert!(!g.stdout.contains(&format!("pw-{user}")), "{}", g.stdout);
    }

    // Every role writes its own cockpit row (twice: the insert, then the update path).
    for (user, id, name) in [
        ("ws_a", WS_A, "LYON-WS1"),
        ("ws_b", WS_B, "NANTES-WS1"),
        ("field_a", FIELD, "LAPTOP-1"),
        ("office", OFFICE, "HQ-1"),
    ] {
        allowed(&pg, user, &upsert_cockpit(id, name));
        allowed(&pg, user, &upsert_cockpit(id, name));
    }
    // …and not another's: the row is not its to insert, and an update does not reach it.
    refused(
        &pg,
        "ws_a",
        &format!(
            "INSERT INTO hub.cockpits (id, name, db_user) VALUES ('{}', 'FAKE', 'ws_b')",
            "55555555-5555-4555-8555-555555555555"
        ),
        RLS,
    );
    allowed(
        &pg,
        "ws_a",
        &format!("UPDATE hub.cockpits SET name = 'HIJACKED' WHERE id = '{WS_B}'"),
    );
    assert_eq!(
        pg.psql(
            HUB_DB,
            &format!("SELECT name FROM hub.cockpits WHERE id = '{WS_B}'")
        ),
        "NANTES-WS1"
    );

    // The allowed pushes: each site workstation for its own site, twice (the re-push skips).
    let ev_a = "aaaaaaaa-0000-4000-8000-0000000000e1";
    let ev_b = "bbbbbbbb-0000-4000-8000-0000000000e1";
    for _ in 0..2 {
        allowed(&pg, "ws_a", &push_site(WS_A, "Lyon", "LYO-01", RUN_A, ev_a));
        allowed(
            &pg,
            "ws_b",
            &push_site(WS_B, "Nantes", "NAN-01", RUN_B, ev_b),
        );
    }

    // The forbidden writes, refused by the server.
    // A site workstation's run for another site…
    refused(&pg, "ws_a", &format!(
        "INSERT INTO hub.runs (id, site, cockpit, trigger, started_at, ended_at, duration_ms, status)
         VALUES ('{}', 'Nantes', '{WS_A}', 'manual', 1, 2, 1, 'succeeded')",
        "aaaaaaaa-0000-4000-8000-000000000002"
    ), RLS);
    // …its claim on a site it was not given, a turbine there, a prediction there…
    refused(
        &pg,
        "ws_a",
        &format!(
        "INSERT INTO hub.sites (site, scored_by) VALUES ('Paris', '{WS_A}') ON CONFLICT DO NOTHING"
    ),
        RLS,
    );
    refused(
        &pg,
        "ws_a",
        &format!(
        "INSERT INTO hub.turbines (turbine_id, site, model, rated_power_kw, latitude, longitude,
             commissioning_date, cockpit)
         VALUES ('NAN-02', 'Nantes', 'V90', 2000, 47.2, -1.5, '2015-01-01', '{WS_A}')"
    ),
        RLS,
    );
    refused(&pg, "ws_a", &format!(
        "INSERT INTO hub.predictions (run, site, turbine_id, scored) VALUES ('{RUN_B}', 'Nantes', 'NAN-09', false)"
    ), RLS);
    // …a run of its own site in another cockpit's name, a change to another site's model set.
    refused(&pg, "ws_a", &format!(
        "INSERT INTO hub.runs (id, site, cockpit, trigger, started_at, ended_at, duration_ms, status)
         VALUES ('{}', 'Lyon', '{WS_B}', 'manual', 1, 2, 1, 'succeeded')",
        "aaaaaaaa-0000-4000-8000-000000000003"
    ), RLS);
    refused(&pg, "ws_a", &format!(
        "INSERT INTO hub.model_sets (site, cockpit, version, since) VALUES ('Nantes', '{WS_A}', 'evil', 1)
         ON CONFLICT (site) DO UPDATE SET version = EXCLUDED.version"
    ), RLS);
    assert_eq!(
        pg.psql(
            HUB_DB,
            "SELECT version FROM hub.model_sets WHERE site = 'Nantes'"
        ),
        "v1"
    );
    // A field laptop scores nothing, even on its own site.
    refused(&pg, "field_a", &format!(
        "INSERT INTO hub.runs (id, site, cockpit, trigger, started_at, ended_at, duration_ms, status)
         VALUES ('{}', 'Lyon', '{FIELD}', 'manual', 1, 2, 1, 'succeeded')",
        "cccccccc-0000-4000-8000-000000000001"
    ), "permission denied for table runs");
    refused(
        &pg,
        "field_a",
        &format!(
            "INSERT INTO hub.logbook (turbine_id, component, failure_time, site, cockpit)
         VALUES ('LYO-01', 'gearbox', 200, 'Lyon', '{FIELD}')"
        ),
        "permission denied for table logbook",
    );
    // Nor does an office.
    refused(&pg, "office", &format!(
        "INSERT INTO hub.runs (id, site, cockpit, trigger, started_at, ended_at, duration_ms, status)
         VALUES ('{}', 'Lyon', '{OFFICE}', 'manual', 1, 2, 1, 'succeeded')",
        "dddddddd-0000-4000-8000-000000000001"
    ), "permission denied for table runs");
    // A field laptop acts on its site only.
    allowed(
        &pg,
        "field_a",
        &event(
            "cccccccc-0000-4000-8000-0000000000e1",
            "Lyon",
            "LYO-01",
            FIELD,
        ),
    );
    refused(
        &pg,
        "field_a",
        &event(
            "cccccccc-0000-4000-8000-0000000000e2",
            "Nantes",
            "NAN-01",
            FIELD,
        ),
        RLS,
    );
    // An office acts anywhere; a site workstation too; nobody in another cockpit's name.
    allowed(
        &pg,
        "office",
        &event(
            "dddddddd-0000-4000-8000-0000000000e1",
            "Nantes",
            "NAN-01",
            OFFICE,
        ),
    );
    allowed(
        &pg,
        "ws_a",
        &event(
            "aaaaaaaa-0000-4000-8000-0000000000e2",
            "Nantes",
            "NAN-01",
            WS_A,
        ),
    );
    refused(
        &pg,
        "office",
        &event(
            "dddddddd-0000-4000-8000-0000000000e2",
            "Lyon",
            "LYO-01",
            WS_A,
        ),
        RLS,
    );

    // What each one reads with the pull's statements: sites, turbines not its own, runs,
    // predictions, events, logbook, model sets, cockpits.
    assert_eq!(pull_counts(&pg, "ws_a", WS_A), "t | 2 1 2 2 5 2 2 4");
    assert_eq!(pull_counts(&pg, "office", OFFICE), "t | 2 2 2 2 5 2 2 4");
    // The field laptop sees only Lyon's rows (and every cockpit's name).
    assert_eq!(pull_counts(&pg, "field_a", FIELD), "t | 1 1 1 1 2 1 1 4");
    assert_eq!(
        allowed(
            &pg,
            "field_a",
            "SELECT string_agg(DISTINCT site, ',') FROM hub.events"
        ),
        "Lyon"
    );
    assert_eq!(
        allowed(
            &pg,
            "field_a",
            "SELECT count(*) FROM hub.runs WHERE site = 'Nantes'"
        ),
        "0"
    );
    // Nobody but the owner reads others' access rows.
    assert_eq!(
        allowed(
            &pg,
            "field_a",
            "SELECT string_agg(db_user, ',') FROM hub.access"
        ),
        "field_a"
    );

    // Re-granting replaces the sites: ws_a now scores Paris, no longer Lyon.
    let regrant = hub_grant(&db, &owner, "ws_a", "site", "Paris", "pw-ws_a");
    assert_eq!(regrant.code, 0, "{}", regrant.stderr);
    assert!(
        regrant.stdout.contains("Updated: ws_a"),
        "{}",
        regrant.stdout
    );
    allowed(
        &pg,
        "ws_a",
        &format!(
        "INSERT INTO hub.sites (site, scored_by) VALUES ('Paris', '{WS_A}') ON CONFLICT DO NOTHING"
    ),
    );
    refused(&pg, "ws_a", &format!(
        "INSERT INTO hub.runs (id, site, cockpit, trigger, started_at, ended_at, duration_ms, status)
         VALUES ('{}', 'Lyon', '{WS_A}', 'manual', 1, 2, 1, 'succeeded')",
        "aaaaaaaa-0000-4000-8000-000000000004"
    ), RLS);

    // The status lists users, sites with their scoring cockpit, cockpits.
    let st = hub(&db, &["status", "--server", &owner, "--json"]);
    assert_eq!(st.code, 0, "{}", st.stderr);
    let st = st.json();
    assert_eq!(st["version"], 2);
    let users: Vec<String> = st["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{}:{}:{}",
                u["user"].as_str().unwrap(),
                u["kind"].as_str().unwrap(),
                u["sites"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    assert_eq!(
        users,
        [
            "field_a:field:Lyon",
            "office:office:*",
            "ws_a:site:Paris",
            "ws_b:site:Nantes"
        ]
    );
    let lyon = st["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site"] == "Lyon")
        .unwrap()
        .clone();
    assert_eq!(lyon["scored_by"], "LYON-WS1");
    let text = hub(&db, &["status", "--server", &owner]);
    assert!(
        text.stdout.contains("Nantes  scored by NANTES-WS1 since"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("office  office  every site"),
        "{}",
        text.stdout
    );

    // A machine's user reads its own access (what the sync pushes depends on it).
    let mine = hub(
        &db,
        &[
            "status",
            "--server",
            &pg.url("field_a", Some("pw-field_a")),
            "--json",
        ],
    );
    assert_eq!(mine.code, 0, "{}", mine.stderr);
    let mine = mine.json();
    assert_eq!(mine["me"]["kind"], "field");
    assert_eq!(mine["me"]["sites"], serde_json::json!(["Lyon"]));
    assert_eq!(
        mine["users"].as_array().unwrap().len(),
        1,
        "only its own access row"
    );
    assert_eq!(
        st["me"],
        serde_json::Value::Null,
        "the owner is not limited"
    );

    // Revoked: the laptop's user no longer reads the hub at all.
    let rv = hub(&db, &["revoke", "--server", &owner, "--user", "field_a"]);
    assert_eq!(rv.code, 0, "{}", rv.stderr);
    assert!(rv.stdout.contains("field_a has no access"), "{}", rv.stdout);
    refused(
        &pg,
        "field_a",
        "SELECT count(*) FROM hub.runs",
        "permission denied",
    );
}

#[test]
fn grant_refuses_bad_requests_and_callers_that_are_not_the_owner() {
    let pg = PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let owner = pg.admin_url();
    assert_eq!(hub(&db, &["init", "--server", &owner]).code, 0);

    let g = |args: &[&str]| hub(&db, &[&["grant", "--server", &owner], args].concat());
    let bad = g(&["--user", "x", "--kind", "admin", "--sites", "Lyon"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown kind 'admin'"),
        "{}",
        bad.stderr
    );
    let bad = g(&["--user", "x", "--kind", "office", "--sites", "Lyon"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("an office user reads every site: drop --sites Lyon"),
        "{}",
        bad.stderr
    );
    let bad = g(&["--user", "x", "--kind", "site"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("a site user needs its sites"),
        "{}",
        bad.stderr
    );
    assert_eq!(
        pg.psql(HUB_DB, "SELECT count(*) FROM pg_roles WHERE rolname = 'x'"),
        "0"
    );

    // A machine's user is not the owner: refused, and told who should run it.
    assert_eq!(
        hub_grant(&db, &owner, "ws_a", "site", "Lyon", "pw-ws_a").code,
        0
    );
    let as_ws = pg.url("ws_a", Some("pw-ws_a"));
    let denied = hub(
        &db,
        &[
            "grant",
            "--server",
            &as_ws,
            "--user",
            "ws_a",
            "--kind",
            "site",
            "--sites",
            "Lyon,Nantes",
        ],
    );
    assert_eq!(denied.code, 2);
    assert!(
        denied.stderr.contains("as the hub's owner"),
        "{}",
        denied.stderr
    );
    assert!(
        denied.stderr.contains("permission denied"),
        "{}",
        denied.stderr
    );
    assert!(!denied.stderr.contains("pw-ws_a"), "{}", denied.stderr);
    let denied = hub(&db, &["revoke", "--server", &as_ws, "--user", "ws_a"]);
    assert_eq!(denied.code, 2);
    assert!(
        denied.stderr.contains("as the hub's owner"),
        "{}",
        denied.stderr
    );
    assert_eq!(
        pg.psql(
            HUB_DB,
            "SELECT string_agg(site, ',') FROM hub.access WHERE db_user = 'ws_a'"
        ),
        "Lyon"
    );
    // The password was stored hashed, never in clear.
    assert!(pg
        .psql(
            "postgres",
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'ws_a'"
        )
        .starts_with("SCRAM-SHA-256$"));
    // Every hub table is guarded by row-level security.
    assert_eq!(
        pg.psql(
            HUB_DB,
            "SELECT string_agg(c.relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'hub' AND c.relkind = 'r' AND NOT c.relrowsecurity"
        ),
        ""
    );
}

/// openssl, run in `dir`, panicking with its message.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed CA `name`.pem (with its key) in `dir`.
fn make_ca(dir: &Path, name: &str) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    dir.join(format!("{name}.pem"))
}

#[test]
fn tls_verify_full_checks_the_chain_and_the_host_name() {
    let certs = tempfile::tempdir().unwrap();
    let c = certs.path();
    let ca = make_ca(c, "hub-ca");
    let other_ca = make_ca(c, "other-ca");
    openssl(
        c,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=hub.test",
        ],
    );
    std::fs::write(c.join("ext.cnf"), "subjectAltName=DNS:hub.test\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(
        c,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "hub-ca.pem",
            "-CAkey",
            "hub-ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let pg = PgServer::start_with_tls(&c.join("server.crt"), &c.join("server.key"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let url = |host: &str, mode: &str, root: Option<&Path>| {
        let root = root
            .map(|r| format!("&sslrootcert={}", r.display()))
            .unwrap_or_default();
        format!(
            "postgresql://hubadmin:{ADMIN_PASSWORD}@{host}:{}/{HUB_DB}?hostaddr=127.0.0.1&sslmode={mode}{root}",
            pg.port
        )
    };

    // The right root and host name: connected, over TLS.
    let ok = hub(
        &db,
        &[
            "init",
            "--server",
            &url("hub.test", "verify-full", Some(&ca)),
            "--json",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("sslmode=verify-full"), "{}", ok.stdout);
    assert!(!ok.stdout.contains(ADMIN_PASSWORD), "{}", ok.stdout);
    let st = hub(
        &db,
        &[
            "status",
            "--server",
            &url("hub.test", "verify-full", Some(&ca)),
        ],
    );
    assert_eq!(st.code, 0, "{}", st.stderr);

    // A root that did not sign the server's certificate: refused, in words.
    let wrong_root = hub(
        &db,
        &[
            "status",
            "--server",
            &url("hub.test", "verify-full", Some(&other_ca)),
        ],
    );
    assert_eq!(wrong_root.code, 2, "{}", wrong_root.stdout);
    assert!(
        wrong_root
            .stderr
            .contains("the server's certificate was refused"),
        "{}",
        wrong_root.stderr
    );
    assert!(
        wrong_root.stderr.contains("other-ca.pem"),
        "{}",
        wrong_root.stderr
    );
    // A certificate for another host name: refused by verify-full, accepted by verify-ca.
    let wrong_host = hub(
        &db,
        &[
            "status",
            "--server",
            &url("other.test", "verify-full", Some(&ca)),
        ],
    );
    assert_eq!(wrong_host.code, 2, "{}", wrong_host.stdout);
    assert!(
        wrong_host.stderr.contains("names the host other.test"),
        "{}",
        wrong_host.stderr
    );
    assert!(
        !wrong_host.stderr.contains(ADMIN_PASSWORD),
        "{}",
        wrong_host.stderr
    );
    let ca_only = hub(
        &db,
        &[
            "status",
            "--server",
            &url("other.test", "verify-ca", Some(&ca)),
        ],
    );
    assert_eq!(ca_only.code, 0, "{}", ca_only.stderr);
    // require encrypts without checking, as libpq does.
    let require = hub(
        &db,
        &["status", "--server", &url("other.test", "require", None)],
    );
    assert_eq!(require.code, 0, "{}", require.stderr);
}

/// Every file under `dir`, as text.
fn files_text(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(files_text(&p));
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

#[test]
fn no_password_reaches_the_logs_or_the_diagnostics_bundle() {
    let pg = PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let secret_url = pg.admin_url();
    let wrong = pg.url("hubadmin", Some("wrong-pw-7c1e"));
    let out = cockpit(&db, &["-vv", "hub", "init", "--server", &secret_url]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out2 = cockpit(&db, &["-vv", "hub", "status", "--server", &wrong]);
    assert_eq!(out2.code, 2);
    for text in [&out.stdout, &out.stderr, &out2.stdout, &out2.stderr] {
        assert!(
            !text.contains(ADMIN_PASSWORD) && !text.contains("wrong-pw-7c1e"),
            "{text}"
        );
    }
    // An error text that carried an address with its password (as a driver might word it),
    // left in the operations journal, and a log line with one.
    let runs = cockpit(&db, &["runs"]);
    assert_eq!(runs.code, 0, "the database is created: {}", runs.stderr);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO operations (kind, name, started_at, duration_ms, ok, error)
         VALUES ('ui_command', 'sync', 1, 1, 0, ?1)",
        [format!(
            "cannot reach {secret_url}; retry with host=h password={ADMIN_PASSWORD} dbname=x"
        )],
    )
    .unwrap();
    drop(conn);
    let logs = files_text(dir.path());
    let log_files: Vec<&(PathBuf, String)> = logs
        .iter()
        .filter(|(p, _)| p.components().any(|c| c.as_os_str() == "logs"))
        .collect();
    assert!(
        !log_files.is_empty(),
        "the -vv runs wrote log files beside the database"
    );
    for (p, text) in &log_files {
        assert!(
            !text.contains(ADMIN_PASSWORD),
            "{} carries the password",
            p.display()
        );
    }
    let log = log_files[0].0.clone();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    writeln!(f, "{{\"message\":\"connecting to {secret_url}\"}}").unwrap();
    drop(f);

    let out_dir = dir.path().join("bundle");
    std::fs::create_dir(&out_dir).unwrap();
    let b = cockpit(
        &db,
        &["diagnostics", "--bundle", &out_dir.to_string_lossy()],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let tarball = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let ok = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let bundled = files_text(&unpacked);
    let all: String = bundled.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        all.contains("hubadmin:***@127.0.0.1"),
        "the address is kept, its password masked"
    );
    assert!(
        all.contains("password=***"),
        "the key=value password is masked"
    );
    for (p, text) in &bundled {
        assert!(
            !text.contains(ADMIN_PASSWORD),
            "{} carries the password",
            p.display()
        );
    }
}
