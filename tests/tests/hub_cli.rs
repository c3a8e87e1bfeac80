//! `cockpit hub init` against a real, throwaway PostgreSQL (see `cockpit_tests::pg`): the
//! schema is created once and found current the second time; a wrong password, a database that
//! is not a hub and a hub of a newer version are each refused with one clear line that never
//! shows the password.

use cockpit_tests::pg::{PgServer, ADMIN, HUB_DB};
use cockpit_tests::{cockpit, Run};

fn hub(db: &std::path::Path, args: &[&str]) -> Run {
    cockpit(db, &[&["hub"], args].concat())
}

#[test]
fn init_creates_the_schema_once_and_refuses_bad_addresses_and_newer_hubs() {
    let pg = PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let url = pg.admin_url();

    let first = hub(&db, &["init", "--server", &url, "--json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let report: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(report["from"], 0);
    assert!(report["to"].as_i64().unwrap() >= 1);
    assert!(!first.stdout.contains(cockpit_tests::pg::ADMIN_PASSWORD));
    assert_eq!(
        report["server"],
        format!(
            "postgresql://{ADMIN}@127.0.0.1:{}/{HUB_DB}?sslmode=disable",
            pg.port
        )
    );
    let again = hub(&db, &["init", "--server", &url]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.contains("is up to date"), "{}", again.stdout);
    assert_eq!(
        pg.psql(
            HUB_DB,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hub'"
        ),
        "10"
    );

    // A wrong password: refused by the server, named, the password not echoed.
    let wrong = hub(
        &db,
        &["init", "--server", &pg.url(ADMIN, Some("not-the-password"))],
    );
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains("cannot connect to the hub"),
        "{}",
        wrong.stderr
    );
    assert!(
        wrong.stderr.contains("password authentication failed"),
        "{}",
        wrong.stderr
    );
    assert!(
        !wrong.stderr.contains("not-the-password"),
        "{}",
        wrong.stderr
    );

    // Nothing listening: unreachable, said in one line.
    let closed = hub(
        &db,
        &[
            "init",
            "--server",
            "postgresql://x@127.0.0.1:1/none?sslmode=disable&connect_timeout=3",
        ],
    );
    assert_eq!(closed.code, 2);
    assert!(
        closed.stderr.contains("cannot connect to the hub"),
        "{}",
        closed.stderr
    );

    // A malformed address.
    let bad = hub(&db, &["init", "--server", "postgresql://x:pw@host:port/db"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("not a PostgreSQL connection string"),
        "{}",
        bad.stderr
    );
    assert!(!bad.stderr.contains(":pw@"), "{}", bad.stderr);

    // A hub migrated by a newer cockpit.
    pg.psql(
        HUB_DB,
        "UPDATE hub.meta SET value = '99' WHERE key = 'schema_version'",
    );
    let newer = hub(&db, &["init", "--server", &url]);
    assert_eq!(newer.code, 2);
    assert!(
        newer.stderr.contains("schema version 99"),
        "{}",
        newer.stderr
    );
    assert!(
        newer.stderr.contains("update this cockpit"),
        "{}",
        newer.stderr
    );
}
