//! The local SQLite database: where it lives, how it is opened (WAL), its versioned migrations,
//! and the small queries other modules share.
//!
//! Tables (see `docs/data-contract.md` for the columns):
//! - `turbines` — the registry; `id` is an internal integer key used by every other table;
//! - `readings` — canonical 10-minute SCADA records, one per (turbine, timestamp), timestamps in
//!   Unix seconds UTC;
//! - `logbook` — failures and repairs;
//! - `ingestions` — one row per ingested file with its counts (the ingestion journal), updated with
//!   every stored batch, `complete` once the whole file is read;
//! - `quarantine` — rejected rows with file, line, reason and raw text, keyed by the ingestion that
//!   produced them, so nothing is silently lost (read and written only by `ingest::quarantine`);
//! - `runs`, `predictions`, `prediction_features` — scoring runs and their results;
//! - `model_sets`, `model_set_changes`, `shadow_runs`, `shadow_predictions` — the model sets kept,
//!   promoted and rolled back, and a candidate's shadow scores (see `modelsets`);
//! - `operations` — the technical journal of everything that is not a fleet run: ingested files,
//!   single-turbine requests, commands of the desktop app, model set changes (see
//!   `telemetry::metrics`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::clock;
use crate::schema::SIGNALS;

/// File name of the database inside the data directory.
pub const DB_FILE_NAME: &str = "cockpit.db";
/// Folder name of the cockpit inside the OS data directory.
pub const APP_DIR_NAME: &str = "energitech-cockpit";
/// The setting that makes a database a field pack (its value: the pack's format version; see
/// `pack`). A pack is one file: it is kept in rollback-journal mode, not WAL, so that what was
/// recorded in it is in the file itself, ready to be copied.
pub const PACK_FORMAT_SETTING: &str = "pack.format";

/// Stores a setting on `conn` (inside a caller's transaction too): the one upsert of the
/// `settings` table.
pub fn put_setting(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Whether the database on `conn` is a field pack (a database without a `settings` table is not).
pub fn is_pack(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT 1 FROM settings WHERE key = ?1",
        [PACK_FORMAT_SETTING],
        |_| Ok(()),
    )
    .optional()
    .ok()
    .flatten()
    .is_some()
}

/// What to do when the database cannot be opened, from SQLite's reason.
fn open_hint(e: &rusqlite::Error) -> &'static str {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            "the file is damaged or is not a cockpit database: restore a backup, see docs/incidents/03-cockpit-partly-broken.md"
        }
        _ => "check that the folder exists and is writable",
    }
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder that should hold the database could not be created.
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir {
        /// The folder that could not be created.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// SQLite could not open the file, or it is damaged or not a cockpit database.
    #[error("cannot open the database {path}: {source} ({})", open_hint(.source))]
    Open {
        /// The database file.
        path: PathBuf,
        /// The underlying SQLite error.
        source: rusqlite::Error,
    },
    /// The database's schema version is newer than this build knows (a newer cockpit wrote it).
    #[error("the database {path} was written by a newer cockpit (schema version {found}, this build knows up to {known}); upgrade the cockpit")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Schema version found in the file (`PRAGMA user_version`).
        found: i64,
        /// Highest schema version this build can migrate to.
        known: i64,
    },
    /// The database's schema is older than this build's and a read-only opening cannot migrate it.
    #[error("the database {path} has schema version {found} and this build expects {known}; it is opened read-only here and cannot be upgraded: run `cockpit health` (or any other cockpit command) on it once, then retry")]
    NotMigrated {
        /// The database file.
        path: PathBuf,
        /// Schema version found in the file (`PRAGMA user_version`).
        found: i64,
        /// Schema version this build expects.
        known: i64,
    },
    /// The OS reports no per-user data directory, so no default database path exists.
    #[error("no data folder could be determined for this user (no home folder): set COCKPIT_DB to the database file to use (the cockpit command also takes --db PATH)")]
    NoDataDir,
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// The OS data directory of the cockpit (`$XDG_DATA_HOME/energitech-cockpit` on Linux).
pub fn default_data_dir() -> Result<PathBuf, StoreError> {
    dirs::data_dir()
        .map(|d| d.join(APP_DIR_NAME))
        .ok_or(StoreError::NoDataDir)
}

/// Default database path: `<data dir>/cockpit.db`.
pub fn default_db_path() -> Result<PathBuf, StoreError> {
    Ok(default_data_dir()?.join(DB_FILE_NAME))
}

/// The newest schema version this build knows (the number of migrations).
pub fn schema_version_known() -> i64 {
    MIGRATIONS.len() as i64
}

/// Ordered migrations; the database's `user_version` is the number of migrations applied.
const MIGRATIONS: &[&str] = &[
    MIGRATION_1,
    MIGRATION_2,
    MIGRATION_3,
    MIGRATION_4,
    MIGRATION_5,
    MIGRATION_6,
    MIGRATION_7,
    MIGRATION_8,
    MIGRATION_9,
    MIGRATION_10,
    MIGRATION_11,
];

const MIGRATION_1: &str = "
CREATE TABLE turbines (
    id                 INTEGER PRIMARY KEY,
    turbine_id         TEXT NOT NULL UNIQUE,
    site               TEXT NOT NULL,
    model              TEXT NOT NULL,
    rated_power_kw     REAL NOT NULL,
    latitude           REAL NOT NULL,
    longitude          REAL NOT NULL,
    commissioning_date TEXT NOT NULL
);
CREATE TABLE logbook (
    id                   INTEGER PRIMARY KEY,
    turbine              INTEGER NOT NULL REFERENCES turbines(id),
    component            TEXT NOT NULL,
    failure_time         INTEGER NOT NULL,
    back_in_service_time INTEGER,
    action               TEXT NOT NULL DEFAULT '',
    UNIQUE (turbine, component, failure_time)
);
CREATE TABLE ingestions (
    id           INTEGER PRIMARY KEY,
    file         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    mapping      TEXT,
    started_at   INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    rows         INTEGER NOT NULL,
    accepted     INTEGER NOT NULL,
    quarantined  INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL,
    out_of_order INTEGER NOT NULL
);
CREATE TABLE quarantine (
    id        INTEGER PRIMARY KEY,
    file      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    message   TEXT NOT NULL,
    raw       TEXT NOT NULL,
    ingestion INTEGER REFERENCES ingestions(id),
    UNIQUE (file, line)
);
";

/// Scoring runs and their predictions (one transaction per run), and user settings.
const MIGRATION_2: &str = "
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    trigger       TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
    as_of         INTEGER,
    scheduled_for INTEGER,
    model_version TEXT,
    turbines      INTEGER NOT NULL DEFAULT 0,
    critical      INTEGER NOT NULL DEFAULT 0,
    high          INTEGER NOT NULL DEFAULT 0,
    moderate      INTEGER NOT NULL DEFAULT 0,
    low           INTEGER NOT NULL DEFAULT 0,
    not_scored    INTEGER NOT NULL DEFAULT 0,
    error_count   INTEGER NOT NULL DEFAULT 0,
    error         TEXT
);
CREATE INDEX runs_by_status_as_of ON runs (status, as_of);
CREATE TABLE predictions (
    turbine     INTEGER NOT NULL REFERENCES turbines(id),
    run         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    scored      INTEGER NOT NULL,
    reason      TEXT,
    p_fail_7d   REAL,
    ttf_days    REAL,
    risk_score  REAL,
    category    TEXT,
    drivers     TEXT NOT NULL DEFAULT '[]',
    last_record INTEGER,
    PRIMARY KEY (turbine, run)
) WITHOUT ROWID;
CREATE INDEX predictions_by_run ON predictions (run);
CREATE TABLE prediction_features (
    run      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    turbine  INTEGER NOT NULL,
    features BLOB NOT NULL,
    PRIMARY KEY (run, turbine)
) WITHOUT ROWID;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// The operations journal (observability): one row per ingested file, single-turbine request or
/// desktop command, with its duration and outcome. Fleet runs stay in `runs`.
const MIGRATION_3: &str = "
CREATE TABLE operations (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('turbine_request', 'ingestion', 'ui_command')),
    name        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    error       TEXT,
    detail      TEXT
);
CREATE INDEX operations_by_kind_time ON operations (kind, started_at);
CREATE INDEX operations_by_time ON operations (started_at);
";

/// What each prediction could watch: the families it could not (absent or faulty), the turbine
/// indicators it had, and the sensor faults in its window (JSON, `runs::DataQuality`); `NULL`
/// for the predictions made before.
const MIGRATION_4: &str = "
ALTER TABLE predictions ADD COLUMN data_quality TEXT;
";

/// Quarantined rows are keyed by the ingestion that produced them, not by the file's path: a path
/// used again (a daily `scada.csv`) keeps every ingestion's rejected lines. An ingestion is
/// `complete` once its last batch is stored; its counts are updated with every stored batch, so an
/// interrupted one (0) still counts exactly the rows it stored.
const MIGRATION_5: &str = "
CREATE TABLE quarantine_by_ingestion (
    id        INTEGER PRIMARY KEY,
    file      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    message   TEXT NOT NULL,
    raw       TEXT NOT NULL,
    ingestion INTEGER REFERENCES ingestions(id),
    UNIQUE (ingestion, line)
);
INSERT INTO quarantine_by_ingestion (id, file, line, reason, message, raw, ingestion)
    SELECT id, file, line, reason, message, raw, ingestion FROM quarantine;
DROP TABLE quarantine;
ALTER TABLE quarantine_by_ingestion RENAME TO quarantine;
CREATE INDEX quarantine_by_file ON quarantine (file, ingestion, line);
ALTER TABLE ingestions ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;
";

/// The inbox and the triggers (issue 14): each ingestion keeps the header it was read with
/// (JSON: delimiter and column names), so quarantined rows can be read again when their turbine
/// becomes known; `timer_slots` holds one row per daily slot claimed by a timer, so that two
/// processes on one database never both run the same slot.
const MIGRATION_6: &str = "
ALTER TABLE ingestions ADD COLUMN header TEXT;
CREATE TABLE timer_slots (
    slot       INTEGER PRIMARY KEY,
    claimed_at INTEGER NOT NULL,
    owner      TEXT NOT NULL
);
";

/// What the logbook says about each failure's precursor (issue 15): `precursor_start`, when the
/// degradation that announced it began (`NULL`: none); `precursor_known` is 1 when the row came
/// from a file with a `precursor_start` column (the simulator's), 0 when nothing is known (a real
/// logbook, or a row stored before).
const MIGRATION_7: &str = "
ALTER TABLE logbook ADD COLUMN precursor_start INTEGER;
ALTER TABLE logbook ADD COLUMN precursor_known INTEGER NOT NULL DEFAULT 0;
";

/// Time to failure as a distribution (issue 15): `ttf_distribution`, the time-to-failure model's
/// output for a scored prediction, as JSON `{"days": [1, 3, 7, 14, 30], "p": [...]}` (the
/// horizons and the raw probability of a failure within each, as the model gave them; the median
/// and range are derived when read, by `ttf`). `NULL` on a scored row: made by a 1.x model set,
/// whose point estimate `ttf_days` is no longer read — its time to failure reads as unknown.
const MIGRATION_8: &str = "
ALTER TABLE predictions ADD COLUMN ttf_distribution TEXT;
";

/// Model sets compared before they serve (issue 15): `model_sets` holds every set the cockpit
/// kept or served (version, SHA-256 of its manifest, folder, where it came from);
/// `model_set_changes` each promotion and rollback (the set that serves from then on, and the one
/// it replaced); `runs.model_sha` the checksum of the set that scored each run; a run that also
/// scored a candidate in shadow has a `shadow_runs` row (the candidate, and why it was skipped
/// when it could not score) and its categories in `shadow_predictions`, apart from the served
/// ones. The operations journal accepts a fourth kind, `model_set_change` (promote, rollback,
/// candidate chosen).
/// The maintenance workflow's journal of actions (issue 16): one row per event, never updated
/// or deleted; alerts and interventions are derived from it (`workflow::state`). `id` is the
/// event's UUID (recording it twice does nothing); `turbine` the turbine's id as in the data,
/// the same on every machine.
const MIGRATION_10: &str = "
CREATE TABLE workflow_events (
    seq     INTEGER PRIMARY KEY,
    id      TEXT NOT NULL UNIQUE,
    at      INTEGER NOT NULL,
    author  TEXT NOT NULL,
    machine TEXT NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    turbine TEXT NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX workflow_events_by_subject ON workflow_events (subject);
CREATE INDEX workflow_events_by_turbine ON workflow_events (turbine);
";

/// The shared fleet store (issue 19, `hub`): `runs.uuid` names a run on every machine (given
/// when the run is first shared); `workflow_events.origin` is `NULL` for an action recorded here
/// (or imported from a field pack) and the id of the hub cockpit it was pulled from otherwise,
/// so a sync pushes only this cockpit's own actions. The `hub_*` tables are this cockpit's copy
/// of what the hub knows about the others, read by the all-sites view while offline: the
/// cockpits (name, last sync and clock offset, hub time), which cockpit scores each site, the
/// other sites' turbines, each of their latest predictions (with the run that made it), and the
/// model set in service per site.
const MIGRATION_11: &str = "
ALTER TABLE runs ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX runs_by_uuid ON runs (uuid);
ALTER TABLE workflow_events ADD COLUMN origin TEXT;
CREATE TABLE hub_cockpits (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    last_sync      INTEGER,
    clock_offset_s INTEGER
);
CREATE TABLE hub_sites (
    site      TEXT PRIMARY KEY,
    scored_by TEXT NOT NULL,
    since     INTEGER NOT NULL
);
CREATE TABLE hub_turbines (
    turbine_id         TEXT PRIMARY KEY,
    site               TEXT NOT NULL,
    model              TEXT NOT NULL,
    rated_power_kw     REAL NOT NULL,
    latitude           REAL NOT NULL,
    longitude          REAL NOT NULL,
    commissioning_date TEXT NOT NULL,
    cockpit            TEXT NOT NULL
);
CREATE TABLE hub_latest (
    turbine_id       TEXT PRIMARY KEY,
    run              TEXT NOT NULL,
    site             TEXT NOT NULL,
    cockpit          TEXT NOT NULL,
    trigger          TEXT NOT NULL,
    ended_at         INTEGER NOT NULL,
    as_of            INTEGER,
    model_version    TEXT,
    scored           INTEGER NOT NULL,
    reason           TEXT,
    p_fail_7d        REAL,
    ttf_days         REAL,
    risk_score       REAL,
    category         TEXT,
    drivers          TEXT NOT NULL DEFAULT '[]',
    last_record      INTEGER,
    data_quality     TEXT,
    ttf_distribution TEXT
);
CREATE TABLE hub_model_sets (
    site    TEXT PRIMARY KEY,
    cockpit TEXT NOT NULL,
    version TEXT NOT NULL,
    sha256  TEXT,
    since   INTEGER NOT NULL
);
";

const MIGRATION_9: &str = "
CREATE TABLE model_sets (
    id         INTEGER PRIMARY KEY,
    version    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    dir        TEXT NOT NULL,
    source     TEXT NOT NULL,
    added_at   INTEGER NOT NULL,
    UNIQUE (version, sha256)
);
CREATE TABLE model_set_changes (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
    model_set  INTEGER NOT NULL REFERENCES model_sets(id),
    previous   INTEGER REFERENCES model_sets(id)
);
ALTER TABLE runs ADD COLUMN model_sha TEXT;
CREATE TABLE shadow_runs (
    run           INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    model_version TEXT,
    model_sha     TEXT,
    skipped       TEXT
);
CREATE TABLE operations_v9 (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL
                CHECK (kind IN ('turbine_request', 'ingestion', 'ui_command', 'model_set_change')),
    name        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    error       TEXT,
    detail      TEXT
);
INSERT INTO operations_v9 SELECT id, kind, name, started_at, duration_ms, ok, error, detail FROM operations;
DROP TABLE operations;
ALTER TABLE operations_v9 RENAME TO operations;
CREATE INDEX operations_by_kind_time ON operations (kind, started_at);
CREATE INDEX operations_by_time ON operations (started_at);
CREATE TABLE shadow_predictions (
    run        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    turbine    INTEGER NOT NULL REFERENCES turbines(id),
    risk_score REAL,
    category   TEXT,
    PRIMARY KEY (run, turbine)
) WITHOUT ROWID;
";

/// SQL creating the `readings` table, generated from the data contract so the columns cannot
/// drift from [`SIGNALS`].
fn readings_ddl() -> String {
    let cols: String = SIGNALS
        .iter()
        .map(|s| format!("    {} REAL,\n", s.name))
        .collect();
    format!(
        "CREATE TABLE readings (\n    turbine INTEGER NOT NULL REFERENCES turbines(id),\n    ts INTEGER NOT NULL,\n{cols}    status INTEGER,\n    PRIMARY KEY (turbine, ts)\n) WITHOUT ROWID;"
    )
}

/// An open cockpit database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure().map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        store.migrate()?;
        if is_pack(&store.conn) {
            // Another connection of this process may hold the file in WAL mode: it stays so
            // until the last one closes, and the pack is written back to one file then.
            let _ = store.conn.execute_batch("PRAGMA journal_mode = DELETE");
        }
        Ok(store)
    }

    /// Whether this database is a field pack.
    pub fn is_pack(&self) -> bool {
        is_pack(&self.conn)
    }

    /// Opens an existing database for reading only: no migration, no checkpoint, never a write
    /// lock, so it can run beside a `cockpit watch` or the app writing the same file (`cockpit
    /// serve`). Fails when the file is missing or its schema is not this build's.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(10))
            .and_then(|()| {
                conn.execute_batch(
                    "PRAGMA foreign_keys = ON;
                     PRAGMA temp_store = MEMORY;
                     PRAGMA query_only = ON;",
                )
            })
            .map_err(open_err)?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_err)?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if found < known {
            return Err(StoreError::NotMigrated {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// An in-memory database with the full schema, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(Duration::from_secs(10))?;
        self.conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -65536;",
        )
    }

    /// Brings the schema up to date in one `BEGIN IMMEDIATE` transaction: the version is read
    /// inside it, so of several processes opening a fresh database at once, one migrates while the
    /// others wait (`busy_timeout`) and then find the schema complete.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as i64;
        // A database already up to date is only read: no write lock for every open.
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == known {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            if i == 0 {
                tx.execute_batch(&readings_ddl())?;
            }
        }
        tx.execute_batch(&format!("PRAGMA user_version = {known}"))?;
        tx.commit()?;
        Ok(())
    }

    /// Path of the database file (`:memory:` for in-memory stores).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for modules of this crate that own their own queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Mutable access to the connection (transactions).
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Map from public turbine id to internal key.
    pub fn turbine_keys(&self) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT turbine_id, id FROM turbines")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Row counts of the main tables, for summaries and health.
    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        let count = |table: &str| -> Result<i64, StoreError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(StoreCounts {
            turbines: count("turbines")?,
            readings: count("readings")?,
            logbook: count("logbook")?,
            quarantine: count("quarantine")?,
        })
    }

    /// Earliest and latest plausible reading timestamps (Unix seconds), if any is stored.
    ///
    /// Plausible: from [`crate::schema::EARLIEST_PLAUSIBLE_TIME`] (1990) to [`clock::latest_plausible`] (now
    /// plus a day). A record dated 2099 or 0026 that an older version stored never becomes the
    /// data watermark, nor stretches a backtest or a replay to that year.
    pub fn reading_span(&self) -> Result<Option<(i64, i64)>, StoreError> {
        self.reading_span_within(
            crate::schema::EARLIEST_PLAUSIBLE_TIME,
            clock::latest_plausible(),
        )
    }

    /// Earliest and latest reading timestamps within `[lo, hi]` (Unix seconds), if any.
    pub fn reading_span_within(&self, lo: i64, hi: i64) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(self
            .conn
            // Per-turbine min/max use the primary key; a bare min(ts) would scan the table.
            .query_row(
                "SELECT min(lo), max(hi) FROM (SELECT
                    (SELECT min(ts) FROM readings WHERE turbine = t.id AND ts >= ?1 AND ts <= ?2) AS lo,
                    (SELECT max(ts) FROM readings WHERE turbine = t.id AND ts >= ?1 AND ts <= ?2) AS hi
                 FROM turbines t)",
                [lo, hi],
                |r| {
                    Ok(
                        match (r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?) {
                            (Some(a), Some(b)) => Some((a, b)),
                            _ => None,
                        },
                    )
                },
            )
            .optional()?
            .flatten())
    }

    /// A stored setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        Ok(put_setting(&self.conn, key, value)?)
    }
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreCounts {
    /// Registered turbines.
    pub turbines: i64,
    /// Stored 10-minute SCADA readings.
    pub readings: i64,
    /// Logbook (failure) entries.
    pub logbook: i64,
    /// Rows kept in quarantine.
    pub quarantine: i64,
}

/// A rejected input row, as kept in the `quarantine` table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantinedRow {
    /// Path of the source file, as it was when ingested (canonical when it could be resolved).
    pub file: String,
    /// Line number in that file, 1-based (the header is line 1).
    pub line: i64,
    /// Reason code, e.g. `missing_value`, `out_of_range`, `unknown_turbine`.
    pub reason: String,
    /// Human-readable explanation, starting with `line N:`.
    pub message: String,
    /// The raw text of the row, as read.
    pub raw: String,
}

impl QuarantinedRow {
    /// Reads a row selected as `file, line, reason, message, raw` (in that order).
    pub fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuarantinedRow> {
        Ok(QuarantinedRow {
            file: r.get(0)?,
            line: r.get(1)?,
            reason: r.get(2)?,
            message: r.get(3)?,
            raw: r.get(4)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_opening_reads_never_writes_and_never_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cockpit.db");
        let missing = Store::open_read_only(&path).err().unwrap().to_string();
        assert!(missing.contains("cannot open the database"), "{missing}");
        assert!(!path.exists(), "a read-only opening created the file");
        let writer = Store::open(&path).unwrap();
        writer.set_setting("k", "v").unwrap();
        let reader = Store::open_read_only(&path).unwrap();
        assert_eq!(reader.setting("k").unwrap().as_deref(), Some("v"));
        assert!(reader.set_setting("k", "w").is_err(), "it wrote");
        // Writers are not held up by the reader, and it sees what they commit.
        writer.set_setting("k", "x").unwrap();
        assert_eq!(reader.setting("k").unwrap().as_deref(), Some("x"));
        drop(reader);
        writer
            .conn()
            .execute_batch("PRAGMA user_version = 3")
            .unwrap();
        let old = Store::open_read_only(&path).err().unwrap();
        assert!(
            matches!(old, StoreError::NotMigrated { found: 3, .. }),
            "{old}"
        );
        assert!(old.to_string().contains("cockpit health"), "{old}");
        assert_eq!(writer.schema_version().unwrap(), 3, "not migrated");
    }

    #[test]
    fn fresh_database_gets_the_whole_schema_and_reopening_is_harmless() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cockpit.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let journal: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.counts().unwrap().readings, 0);
        let cols: Vec<String> = store
            .conn()
            .prepare("SELECT name FROM pragma_table_info('readings')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(cols.len(), SIGNALS.len() + 3);
    }

    #[test]
    fn a_database_from_a_newer_cockpit_is_refused_with_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cockpit.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_called_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cockpit.db");
        std::fs::write(&path, vec![0x5au8; 8192]).unwrap();
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("damaged"), "{err}");
        assert!(!err.contains("writable"), "{err}");
    }

    #[test]
    fn a_version_4_database_keeps_its_quarantine_and_counts_its_ingestions_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cockpit.db");
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(&readings_ddl()).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 4;
             INSERT INTO ingestions VALUES (1, '/in/scada.csv', 'scada', NULL, 0, 5, 2, 1, 1, 0, 0);
             INSERT INTO quarantine VALUES (1, '/in/scada.csv', 2, 'unknown_turbine', 'line 2: …', 'x', 1);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let kept: (String, i64, i64) = store
            .conn()
            .query_row("SELECT file, line, ingestion FROM quarantine", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(kept, ("/in/scada.csv".to_string(), 2, 1));
        let complete: bool = store
            .conn()
            .query_row("SELECT complete FROM ingestions", [], |r| r.get(0))
            .unwrap();
        assert!(complete);
        // The same line of another ingestion of the same file is kept too.
        store
            .conn()
            .execute_batch(
                "INSERT INTO ingestions (id, file, kind, started_at, duration_ms, rows, accepted, quarantined, duplicates, out_of_order)
                 VALUES (2, '/in/scada.csv', 'scada', 0, 0, 0, 0, 0, 0, 0);
                 INSERT INTO quarantine (file, line, reason, message, raw, ingestion)
                 VALUES ('/in/scada.csv', 2, 'bad_timestamp', 'line 2: …', 'y', 2);",
            )
            .unwrap();
        assert_eq!(store.counts().unwrap().quarantine, 2);
    }
}
