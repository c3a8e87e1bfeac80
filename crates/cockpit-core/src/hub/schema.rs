//! The hub's schema: versioned migrations applied by `cockpit hub init` (as the database's
//! owner), and the version check every sync makes first. Everything lives in the PostgreSQL
//! schema `hub`; `hub.meta` holds the version. Every table that cockpits write carries the
//! `cockpit` that produced the row and a `seq` drawn from one sequence, `hub.seq`: the cursor a
//! cockpit pulls from. Writers take [`WRITE_LOCK`] for their whole transaction and readers
//! [`WRITE_LOCK`] shared, so a `seq` is visible only once every lower one is — a cursor never
//! skips a row committed late.

use postgres::Client;

use super::{pg_detail, HubError, HubTarget};

/// The key of the transaction-level advisory lock that orders pushes (exclusive) and pulls
/// (shared).
pub const WRITE_LOCK: i64 = 0x0063_6f63_6b70_6974; // "cockpit"

/// Ordered migrations; `hub.meta.schema_version` is the number applied.
const MIGRATIONS: &[&str] = &[MIGRATION_1];

/// Sites, turbines, scoring runs (one row per run and site, so a site's rows can be guarded by
/// site), predictions with drivers, the journal of actions, the logbook, the model set in
/// service per site, and the cockpits themselves.
const MIGRATION_1: &str = "
CREATE TABLE hub.cockpits (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    db_user       text NOT NULL DEFAULT current_user,
    first_seen    timestamptz NOT NULL DEFAULT now(),
    last_sync     timestamptz,
    clock_offset_s bigint,
    app_version   text,
    seq           bigint NOT NULL DEFAULT nextval('hub.seq')
);
CREATE TABLE hub.sites (
    site      text PRIMARY KEY,
    scored_by uuid NOT NULL REFERENCES hub.cockpits(id),
    since     timestamptz NOT NULL DEFAULT now(),
    seq       bigint NOT NULL DEFAULT nextval('hub.seq')
);
CREATE TABLE hub.turbines (
    turbine_id         text PRIMARY KEY,
    site               text NOT NULL REFERENCES hub.sites(site),
    model              text NOT NULL,
    rated_power_kw     double precision NOT NULL,
    latitude           double precision NOT NULL,
    longitude          double precision NOT NULL,
    commissioning_date text NOT NULL,
    cockpit            uuid NOT NULL REFERENCES hub.cockpits(id),
    seq                bigint NOT NULL DEFAULT nextval('hub.seq')
);
CREATE INDEX turbines_by_seq ON hub.turbines (seq);
CREATE TABLE hub.runs (
    id            uuid NOT NULL,
    site          text NOT NULL REFERENCES hub.sites(site),
    cockpit       uuid NOT NULL REFERENCES hub.cockpits(id),
    trigger       text NOT NULL,
    started_at    bigint NOT NULL,
    ended_at      bigint NOT NULL,
    duration_ms   bigint NOT NULL,
    status        text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    as_of         bigint,
    model_version text,
    model_sha     text,
    turbines      integer NOT NULL DEFAULT 0,
    critical      integer NOT NULL DEFAULT 0,
    high          integer NOT NULL DEFAULT 0,
    moderate      integer NOT NULL DEFAULT 0,
    low           integer NOT NULL DEFAULT 0,
    not_scored    integer NOT NULL DEFAULT 0,
    error         text,
    received_at   timestamptz NOT NULL DEFAULT now(),
    seq           bigint NOT NULL DEFAULT nextval('hub.seq'),
    PRIMARY KEY (id, site)
);
CREATE INDEX runs_by_seq ON hub.runs (seq);
CREATE INDEX runs_by_site_as_of ON hub.runs (site, as_of);
CREATE TABLE hub.predictions (
    run              uuid NOT NULL,
    site             text NOT NULL,
    turbine_id       text NOT NULL,
    scored           boolean NOT NULL,
    reason           text,
    p_fail_7d        double precision,
    ttf_days         double precision,
    risk_score       double precision,
    category         text,
    drivers          text NOT NULL DEFAULT '[]',
    last_record      bigint,
    data_quality     text,
    ttf_distribution text,
    PRIMARY KEY (run, turbine_id),
    FOREIGN KEY (run, site) REFERENCES hub.runs (id, site)
);
CREATE INDEX predictions_by_turbine ON hub.predictions (turbine_id);
CREATE TABLE hub.events (
    id          uuid PRIMARY KEY,
    at          bigint NOT NULL,
    author      text NOT NULL,
    machine     text NOT NULL,
    kind        text NOT NULL,
    subject     text NOT NULL,
    turbine     text NOT NULL,
    data        text NOT NULL,
    site        text NOT NULL,
    cockpit     uuid NOT NULL REFERENCES hub.cockpits(id),
    received_at timestamptz NOT NULL DEFAULT now(),
    seq         bigint NOT NULL DEFAULT nextval('hub.seq')
);
CREATE INDEX events_by_seq ON hub.events (seq);
CREATE TABLE hub.logbook (
    turbine_id           text NOT NULL,
    component            text NOT NULL,
    failure_time         bigint NOT NULL,
    back_in_service_time bigint,
    action               text NOT NULL DEFAULT '',
    precursor_start      bigint,
    precursor_known      boolean NOT NULL DEFAULT false,
    site                 text NOT NULL,
    cockpit              uuid NOT NULL REFERENCES hub.cockpits(id),
    seq                  bigint NOT NULL DEFAULT nextval('hub.seq'),
    PRIMARY KEY (turbine_id, component, failure_time)
);
CREATE INDEX logbook_by_seq ON hub.logbook (seq);
CREATE TABLE hub.model_sets (
    site    text PRIMARY KEY REFERENCES hub.sites(site),
    cockpit uuid NOT NULL REFERENCES hub.cockpits(id),
    version text NOT NULL,
    sha256  text,
    since   bigint NOT NULL,
    seq     bigint NOT NULL DEFAULT nextval('hub.seq')
);
";

/// The newest hub schema version this build knows.
pub fn version_known() -> i64 {
    MIGRATIONS.len() as i64
}

/// What `cockpit hub init` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    /// The hub's address as shown (no password).
    pub server: String,
    /// Version before (0: a database that was not a hub).
    pub from: i64,
    /// Version now.
    pub to: i64,
}

/// Creates or upgrades the hub schema in one transaction (run as the database's owner; several
/// `init` at once are serialised by a lock, the later ones finding the schema current).
pub fn init(target: &HubTarget) -> Result<InitReport, HubError> {
    let mut client = target.connect()?;
    let shown = target.shown().to_string();
    let server = |doing: &str, e: postgres::Error| HubError::Server {
        shown: shown.clone(),
        doing: doing.into(),
        detail: pg_detail(&e),
    };
    let mut tx = client
        .transaction()
        .map_err(|e| server("starting the migration", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .map_err(|e| server("locking the hub for the migration", e))?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS hub;
         CREATE TABLE IF NOT EXISTS hub.meta (key text PRIMARY KEY, value text NOT NULL);
         CREATE SEQUENCE IF NOT EXISTS hub.seq;",
    )
    .map_err(|e| server("creating the hub schema", e))?;
    let from = read_version(&mut tx).map_err(|e| server("reading the hub's version", e))?;
    let known = version_known();
    if from > known {
        return Err(HubError::TooNew {
            shown,
            found: from,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.batch_execute(sql)
            .map_err(|e| server(&format!("applying hub migration {}", i + 1), e))?;
    }
    tx.execute(
        "INSERT INTO hub.meta (key, value) VALUES ('schema_version', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[&known.to_string()],
    )
    .map_err(|e| server("recording the hub's version", e))?;
    tx.commit()
        .map_err(|e| server("committing the migration", e))?;
    Ok(InitReport {
        server: shown,
        from,
        to: known,
    })
}

/// Checks that the connected database is a hub this build can use: initialised, and not of a
/// newer version. Returns the version.
pub fn check(client: &mut Client, target: &HubTarget) -> Result<i64, HubError> {
    let shown = target.shown().to_string();
    let exists: bool = client
        .query_one("SELECT to_regclass('hub.meta') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| HubError::Server {
            shown: shown.clone(),
            doing: "reading the hub's version".into(),
            detail: pg_detail(&e),
        })?;
    if !exists {
        return Err(HubError::NotInitialised { shown });
    }
    let found = read_version(client).map_err(|e| HubError::Server {
        shown: shown.clone(),
        doing: "reading the hub's version".into(),
        detail: pg_detail(&e),
    })?;
    let known = version_known();
    if found == 0 {
        return Err(HubError::NotInitialised { shown });
    }
    if found > known {
        return Err(HubError::TooNew {
            shown,
            found,
            known,
        });
    }
    Ok(found)
}

fn read_version(client: &mut impl postgres::GenericClient) -> Result<i64, postgres::Error> {
    let row = client.query_opt(
        "SELECT value FROM hub.meta WHERE key = 'schema_version'",
        &[],
    )?;
    Ok(row
        .and_then(|r| r.get::<_, String>(0).parse().ok())
        .unwrap_or(0))
}
