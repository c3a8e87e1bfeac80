//! The push: one hub transaction under the exclusive [`WRITE_LOCK`]. This cockpit's row (its
//! name, the hub's time of this sync, its clock offset); the claims of the sites it scores (the
//! first cockpit to claim a site keeps it: another cockpit's runs for that site stay local, with
//! a warning); then, for the sites it holds, turbines, runs (one row per run and site, with that
//! site's counts), predictions, logbook rows and the model set in service; and its own actions
//! (all of them: every cockpit may act). A cockpit pushes only what its database user's grant
//! (`hub::access::own_access`) lets it write, so the server's row-level security never has to
//! refuse a sync: a site user shares the runs of its granted sites only, an office or field user
//! no runs at all, a field user the actions on its sites only; the rest stays local, with a
//! notice. Everything is written `ON CONFLICT DO NOTHING` (or
//! updated in place), so a push cut after the hub committed and before the local markers moved
//! is re-sent without doubling anything.

use std::collections::{HashMap, HashSet};

use postgres::{Client, Transaction};
use rusqlite::{Connection, OptionalExtension};

use super::copy::{create_temp, row, send, stage, Cell};
use super::local::{marker, Markers, Me, PUSHED_EVENTS, PUSHED_LOGBOOK, PUSHED_RUNS};
use super::words::Notice;
use super::{hub_err, local_err};
use crate::hub::access::{own_access, AccessKind};
use crate::hub::schema::WRITE_LOCK;
use crate::hub::HubError;
use crate::store::Store;

/// Local runs per `COPY` of their predictions (bounds the memory of a large first push).
const RUNS_PER_BATCH: i64 = 50;

/// What the push did.
pub struct Pushed {
    /// Actions new on the hub.
    pub events: i64,
    /// Local runs new on the hub.
    pub runs: i64,
    /// This machine's clock minus the hub's.
    pub clock_offset_s: i64,
    /// Sites held by another cockpit.
    pub notices: Vec<Notice>,
    /// The markers to store now that the hub committed.
    pub markers: Markers,
}

const RUN_COLS: &str = "id, site, cockpit, trigger, started_at, ended_at, duration_ms, status, as_of, model_version, model_sha, turbines, critical, high, moderate, low, not_scored, error";
const PREDICTION_COLS: &str = "run, site, turbine_id, scored, reason, p_fail_7d, ttf_days, risk_score, category, drivers, last_record, data_quality, ttf_distribution";
const TURBINE_COLS: &str =
    "turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date, cockpit";
const EVENT_COLS: &str = "id, at, author, machine, kind, subject, turbine, data, site, cockpit";
const LOGBOOK_COLS: &str = "turbine_id, component, failure_time, back_in_service_time, action, precursor_start, precursor_known, site, cockpit";

/// Pushes everything past the local markers; the hub commits or keeps nothing.
pub fn push(store: &Store, client: &mut Client, shown: &str, me: &Me) -> Result<Pushed, HubError> {
    let conn = store.conn();
    let read = local_err("reading what to push");
    let mut markers = Markers {
        events: marker(conn, PUSHED_EVENTS).map_err(&read)?,
        runs: marker(conn, PUSHED_RUNS).map_err(&read)?,
        logbook: marker(conn, PUSHED_LOGBOOK).map_err(&read)?,
    };
    // A field pack never scores: its copy of the runs belongs to the cockpit that exported it.
    let scored_sites = if store.is_pack() {
        Vec::new()
    } else {
        scored_sites(conn).map_err(&read)?
    };

    let mut tx = client
        .transaction()
        .map_err(hub_err(shown, "starting the push"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .map_err(hub_err(shown, "waiting for the hub's write lock"))?;
    let hub_now: i64 = tx
        .query_one("SELECT extract(epoch FROM now())::bigint", &[])
        .and_then(|r| r.try_get(0))
        .map_err(hub_err(shown, "reading the hub's time"))?;
    let clock_offset_s = crate::clock::now() - hub_now;
    tx.execute(
        "INSERT INTO hub.cockpits (id, name, last_sync, clock_offset_s, app_version)
         VALUES ($1::text::uuid, $2, now(), $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, db_user = current_user,
             last_sync = now(), clock_offset_s = EXCLUDED.clock_offset_s,
             app_version = EXCLUDED.app_version, seq = nextval('hub.seq')",
        &[
            &me.id,
            &me.name,
            &clock_offset_s,
            &env!("CARGO_PKG_VERSION"),
        ],
    )
    .map_err(hub_err(shown, "recording this cockpit"))?;

    let grant = own_access(&mut tx).map_err(hub_err(shown, "reading this user's access"))?;
    let user: String = tx
        .query_one("SELECT current_user::text", &[])
        .and_then(|r| r.try_get(0))
        .map_err(hub_err(shown, "reading this user's access"))?;
    let mut notices = Vec::new();
    // The sites whose runs this user may share (the hub's owner, with no grant, all of them).
    let scored_sites: Vec<String> = match &grant {
        None => scored_sites,
        Some((kind, granted)) => scored_sites
            .into_iter()
            .filter(|site| {
                let ok = *kind == AccessKind::Site && granted.contains(site);
                if !ok {
                    notices.push(Notice::SiteNotGranted {
                        site: site.clone(),
                        user: user.clone(),
                    });
                }
                ok
            })
            .collect(),
    };
    // The sites a field user may act on (others: every site).
    let action_sites = match &grant {
        Some((AccessKind::Field, granted)) => Some(granted.clone()),
        _ => None,
    };
    let (claimed, held) = claim(&mut tx, shown, me, &scored_sites)?;
    notices.extend(held);
    push_turbines(conn, &mut tx, shown, me, &claimed)?;
    let runs = push_runs(conn, &mut tx, shown, me, &claimed, &mut markers)?;
    let (events, not_granted) = push_events(
        conn,
        &mut tx,
        shown,
        me,
        action_sites.as_deref(),
        &mut markers,
    )?;
    if not_granted > 0 {
        notices.push(Notice::ActionsNotGranted {
            count: not_granted,
            user,
        });
    }
    push_logbook(conn, &mut tx, shown, me, &claimed, &mut markers)?;
    push_model_set(conn, &mut tx, shown, me, &claimed)?;
    tx.commit().map_err(hub_err(shown, "committing the push"))?;
    Ok(Pushed {
        events,
        runs,
        clock_offset_s,
        notices,
        markers,
    })
}

/// The sites of the turbines this cockpit has scored.
fn scored_sites(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT t.site FROM turbines t
         WHERE EXISTS (SELECT 1 FROM predictions p WHERE p.turbine = t.id) ORDER BY t.site",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Claims the sites (the first claim stays); returns the sites this cockpit holds, and a notice
/// for each one another cockpit holds.
fn claim(
    tx: &mut Transaction<'_>,
    shown: &str,
    me: &Me,
    sites: &[String],
) -> Result<(HashSet<String>, Vec<Notice>), HubError> {
    let err = hub_err(shown, "claiming this cockpit's sites");
    for site in sites {
        tx.execute(
            "INSERT INTO hub.sites (site, scored_by) VALUES ($1, $2::text::uuid)
             ON CONFLICT (site) DO NOTHING",
            &[site, &me.id],
        )
        .map_err(&err)?;
    }
    let rows = tx
        .query(
            "SELECT s.site, s.scored_by::text, extract(epoch FROM s.since)::bigint, c.name
             FROM hub.sites s JOIN hub.cockpits c ON c.id = s.scored_by
             WHERE s.site = ANY($1) ORDER BY s.site",
            &[&sites],
        )
        .map_err(&err)?;
    let mut claimed = HashSet::new();
    let mut notices = Vec::new();
    for r in rows {
        let site: String = r.try_get(0).map_err(&err)?;
        let holder: String = r.try_get(1).map_err(&err)?;
        if holder == me.id {
            claimed.insert(site);
        } else {
            notices.push(Notice::SiteHeld {
                site,
                holder: r.try_get(3).map_err(&err)?,
                since: r.try_get(2).map_err(&err)?,
            });
        }
    }
    Ok((claimed, notices))
}

fn push_turbines(
    conn: &Connection,
    tx: &mut Transaction<'_>,
    shown: &str,
    me: &Me,
    claimed: &HashSet<String>,
) -> Result<(), HubError> {
    let read = local_err("reading the turbines");
    let mut buf = Vec::new();
    let mut stmt = conn
        .prepare("SELECT turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date FROM turbines")
        .map_err(&read)?;
    let mut rows = stmt.query([]).map_err(&read)?;
    while let Some(r) = rows.next().map_err(&read)? {
        let site: String = r.get(1).map_err(&read)?;
        if !claimed.contains(&site) {
            continue;
        }
        let (id, model, date): (String, String, String) = (
            r.get(0).map_err(&read)?,
            r.get(2).map_err(&read)?,
            r.get(6).map_err(&read)?,
        );
        let nums: [Option<f64>; 3] = [
            r.get(3).map_err(&read)?,
            r.get(4).map_err(&read)?,
            r.get(5).map_err(&read)?,
        ];
        row(
            &mut buf,
            &[
                Cell::Text(&id),
                Cell::Text(&site),
                Cell::Text(&model),
                Cell::from(nums[0]),
                Cell::from(nums[1]),
                Cell::from(nums[2]),
                Cell::Text(&date),
                Cell::Text(&me.id),
            ],
        );
    }
    if !stage(
        tx,
        "hub.turbines",
        "sync_turbines",
        TURBINE_COLS,
        &buf,
        shown,
    )? {
        return Ok(());
    }
    tx.execute(
        &format!(
            "INSERT INTO hub.turbines ({TURBINE_COLS}) SELECT {TURBINE_COLS} FROM sync_turbines
             ON CONFLICT (turbine_id) DO UPDATE SET site = EXCLUDED.site, model = EXCLUDED.model,
                 rated_power_kw = EXCLUDED.rated_power_kw, latitude = EXCLUDED.latitude,
                 longitude = EXCLUDED.longitude, commissioning_date = EXCLUDED.commissioning_date,
                 cockpit = EXCLUDED.cockpit, seq = nextval('hub.seq')
             WHERE (hub.turbines.site, hub.turbines.model, hub.turbines.rated_power_kw,
                    hub.turbines.latitude, hub.turbines.longitude,
                    hub.turbines.commissioning_date, hub.turbines.cockpit)
                IS DISTINCT FROM (EXCLUDED.site, EXCLUDED.model, EXCLUDED.rated_power_kw,
                    EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.commissioning_date,
                    EXCLUDED.cockpit)"
        ),
        &[],
    )
    .map_err(hub_err(shown, "writing the turbines"))?;
    Ok(())
}

/// A site's counts in one run.
#[derive(Default, Clone, Copy)]
struct Counts {
    turbines: i64,
    critical: i64,
    high: i64,
    moderate: i64,
    low: i64,
    not_scored: i64,
}

fn push_runs(
    conn: &Connection,
    tx: &mut Transaction<'_>,
    shown: &str,
    me: &Me,
    claimed: &HashSet<String>,
    markers: &mut Markers,
) -> Result<i64, HubError> {
    let read = local_err("reading the runs");
    let from = markers.runs;
    let mut by_run: HashMap<i64, Vec<(String, Counts)>> = HashMap::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT p.run, t.site, count(*),
                        sum(p.category = 'critical'), sum(p.category = 'high'),
                        sum(p.category = 'moderate'), sum(p.category = 'low'), sum(p.scored = 0)
                 FROM predictions p JOIN turbines t ON t.id = p.turbine
                 WHERE p.run > ?1 GROUP BY p.run, t.site",
            )
            .map_err(&read)?;
        let mut rows = stmt.query([from]).map_err(&read)?;
        while let Some(r) = rows.next().map_err(&read)? {
            let site: String = r.get(1).map_err(&read)?;
            if !claimed.contains(&site) {
                continue;
            }
            let n = |i: usize| -> rusqlite::Result<i64> {
                Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0))
            };
            let counts = Counts {
                turbines: n(2).map_err(&read)?,
                critical: n(3).map_err(&read)?,
                high: n(4).map_err(&read)?,
                moderate: n(5).map_err(&read)?,
                low: n(6).map_err(&read)?,
                not_scored: n(7).map_err(&read)?,
            };
            by_run
                .entry(r.get(0).map_err(&read)?)
                .or_default()
                .push((site, counts));
        }
    }
    let mut claimed_sorted: Vec<&String> = claimed.iter().collect();
    claimed_sorted.sort();
    let mut buf = Vec::new();
    let mut uuids: HashMap<i64, String> = HashMap::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT id, uuid, trigger, started_at, ended_at, duration_ms, status, as_of,
                        model_version, model_sha, error
                 FROM runs WHERE id > ?1 ORDER BY id",
            )
            .map_err(&read)?;
        let mut rows = stmt.query([from]).map_err(&read)?;
        while let Some(r) = rows.next().map_err(&read)? {
            let id: i64 = r.get(0).map_err(&read)?;
            markers.runs = markers.runs.max(id);
            let uuid: Option<String> = r.get(1).map_err(&read)?;
            let Some(uuid) = uuid else { continue };
            let status: String = r.get(6).map_err(&read)?;
            let sites: Vec<(String, Counts)> = if status == "succeeded" {
                by_run.remove(&id).unwrap_or_default()
            } else {
                claimed_sorted
                    .iter()
                    .map(|s| ((*s).clone(), Counts::default()))
                    .collect()
            };
            if sites.is_empty() {
                continue;
            }
            let trigger: String = r.get(2).map_err(&read)?;
            let texts: [Option<String>; 3] = [
                r.get(8).map_err(&read)?,
                r.get(9).map_err(&read)?,
                r.get(10).map_err(&read)?,
            ];
            let ints: [Option<i64>; 4] = [
                r.get(3).map_err(&read)?,
                r.get(4).map_err(&read)?,
                r.get(5).map_err(&read)?,
                r.get(7).map_err(&read)?,
            ];
            for (site, c) in &sites {
                row(
                    &mut buf,
                    &[
                        Cell::Text(&uuid),
                        Cell::Text(site),
                        Cell::Text(&me.id),
                        Cell::Text(&trigger),
                        Cell::from(ints[0]),
                        Cell::from(ints[1]),
                        Cell::from(ints[2]),
                        Cell::Text(&status),
                        Cell::from(ints[3]),
                        Cell::from(texts[0].as_deref()),
                        Cell::from(texts[1].as_deref()),
                        Cell::Int(c.turbines),
                        Cell::Int(c.critical),
                        Cell::Int(c.high),
                        Cell::Int(c.moderate),
                        Cell::Int(c.low),
                        Cell::Int(c.not_scored),
                        Cell::from(texts[2].as_deref()),
                    ],
                );
            }
            uuids.insert(id, uuid);
        }
    }
    if !stage(tx, "hub.runs", "sync_runs", RUN_COLS, &buf, shown)? {
        return Ok(0);
    }
    let inserted: i64 = tx
        .query_one(
            &format!(
                "WITH ins AS (INSERT INTO hub.runs ({RUN_COLS}) SELECT {RUN_COLS} FROM sync_runs
                              ORDER BY ctid ON CONFLICT (id, site) DO NOTHING RETURNING id)
                 SELECT count(DISTINCT id) FROM ins"
            ),
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(hub_err(shown, "writing the runs"))?;

    // The predictions, a batch of runs at a time.
    create_temp(
        tx,
        "hub.predictions",
        "sync_predictions",
        PREDICTION_COLS,
        shown,
    )?;
    let mut stmt = conn
        .prepare(
            "SELECT p.run, t.site, t.turbine_id, p.scored, p.reason, p.p_fail_7d, p.ttf_days,
                    p.risk_score, p.category, p.drivers, p.last_record, p.data_quality,
                    p.ttf_distribution
             FROM predictions p JOIN turbines t ON t.id = p.turbine
             WHERE p.run > ?1 AND p.run <= ?2",
        )
        .map_err(&read)?;
    let mut lo = from;
    while lo < markers.runs {
        let hi = lo.saturating_add(RUNS_PER_BATCH).min(markers.runs);
        let mut buf = Vec::new();
        let mut rows = stmt.query([lo, hi]).map_err(&read)?;
        while let Some(r) = rows.next().map_err(&read)? {
            let run: i64 = r.get(0).map_err(&read)?;
            let Some(uuid) = uuids.get(&run) else {
                continue;
            };
            let site: String = r.get(1).map_err(&read)?;
            if !claimed.contains(&site) {
                continue;
            }
            let turbine: String = r.get(2).map_err(&read)?;
            let scored: i64 = r.get(3).map_err(&read)?;
            let texts: [Option<String>; 5] = [
                r.get(4).map_err(&read)?,
                r.get(8).map_err(&read)?,
                r.get(9).map_err(&read)?,
                r.get(11).map_err(&read)?,
                r.get(12).map_err(&read)?,
            ];
            let reals: [Option<f64>; 3] = [
                r.get(5).map_err(&read)?,
                r.get(6).map_err(&read)?,
                r.get(7).map_err(&read)?,
            ];
            let last_record: Option<i64> = r.get(10).map_err(&read)?;
            row(
                &mut buf,
                &[
                    Cell::Text(uuid),
                    Cell::Text(&site),
                    Cell::Text(&turbine),
                    Cell::Bool(scored != 0),
                    Cell::from(texts[0].as_deref()),
                    Cell::from(reals[0]),
                    Cell::from(reals[1]),
                    Cell::from(reals[2]),
                    Cell::from(texts[1].as_deref()),
                    Cell::Text(texts[2].as_deref().unwrap_or("[]")),
                    Cell::from(last_record),
                    Cell::from(texts[3].as_deref()),
                    Cell::from(texts[4].as_deref()),
                ],
            );
        }
        send(tx, "sync_predictions", PREDICTION_COLS, &buf, shown)?;
        lo = hi;
    }
    tx.execute(
        &format!(
            "INSERT INTO hub.predictions ({PREDICTION_COLS})
             SELECT {PREDICTION_COLS} FROM sync_predictions ON CONFLICT (run, turbine_id) DO NOTHING"
        ),
        &[],
    )
    .map_err(hub_err(shown, "writing the predictions"))?;
    Ok(inserted)
}

fn push_events(
    conn: &Connection,
    tx: &mut Transaction<'_>,
    shown: &str,
    me: &Me,
    sites: Option<&[String]>,
    markers: &mut Markers,
) -> Result<(i64, i64), HubError> {
    let read = local_err("reading the actions");
    let mut not_granted = 0;
    let mut buf = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT e.seq, e.id, e.at, e.author, e.machine, e.kind, e.subject, e.turbine, e.data,
                    COALESCE(t.site, h.site, '')
             FROM workflow_events e
             LEFT JOIN turbines t ON t.turbine_id = e.turbine
             LEFT JOIN hub_turbines h ON h.turbine_id = e.turbine
             WHERE e.origin IS NULL AND e.seq > ?1 ORDER BY e.seq",
        )
        .map_err(&read)?;
    let mut rows = stmt.query([markers.events]).map_err(&read)?;
    while let Some(r) = rows.next().map_err(&read)? {
        markers.events = markers.events.max(r.get(0).map_err(&read)?);
        let t: [String; 8] = [
            r.get(1).map_err(&read)?,
            r.get(3).map_err(&read)?,
            r.get(4).map_err(&read)?,
            r.get(5).map_err(&read)?,
            r.get(6).map_err(&read)?,
            r.get(7).map_err(&read)?,
            r.get(8).map_err(&read)?,
            r.get(9).map_err(&read)?,
        ];
        let at: i64 = r.get(2).map_err(&read)?;
        if sites.is_some_and(|granted| !granted.contains(&t[7])) {
            not_granted += 1;
            continue;
        }
        row(
            &mut buf,
            &[
                Cell::Text(&t[0]),
                Cell::Int(at),
                Cell::Text(&t[1]),
                Cell::Text(&t[2]),
                Cell::Text(&t[3]),
                Cell::Text(&t[4]),
                Cell::Text(&t[5]),
                Cell::Text(&t[6]),
                Cell::Text(&t[7]),
                Cell::Text(&me.id),
            ],
        );
    }
    if !stage(tx, "hub.events", "sync_events", EVENT_COLS, &buf, shown)? {
        return Ok((0, not_granted));
    }
    let n = tx
        .execute(
            &format!(
                "INSERT INTO hub.events ({EVENT_COLS}) SELECT {EVENT_COLS} FROM sync_events
                 ON CONFLICT (id) DO NOTHING"
            ),
            &[],
        )
        .map_err(hub_err(shown, "writing the actions"))?;
    Ok((n as i64, not_granted))
}

fn push_logbook(
    conn: &Connection,
    tx: &mut Transaction<'_>,
    shown: &str,
    me: &Me,
    claimed: &HashSet<String>,
    markers: &mut Markers,
) -> Result<(), HubError> {
    let read = local_err("reading the logbook");
    let mut buf = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT l.id, t.turbine_id, l.component, l.failure_time, l.back_in_service_time,
                    l.action, l.precursor_start, l.precursor_known, t.site
             FROM logbook l JOIN turbines t ON t.id = l.turbine WHERE l.id > ?1 ORDER BY l.id",
        )
        .map_err(&read)?;
    let mut rows = stmt.query([markers.logbook]).map_err(&read)?;
    while let Some(r) = rows.next().map_err(&read)? {
        markers.logbook = markers.logbook.max(r.get(0).map_err(&read)?);
        let site: String = r.get(8).map_err(&read)?;
        if !claimed.contains(&site) {
            continue;
        }
        let t: [String; 3] = [
            r.get(1).map_err(&read)?,
            r.get(2).map_err(&read)?,
            r.get(5).map_err(&read)?,
        ];
        let ints: [Option<i64>; 3] = [
            r.get(3).map_err(&read)?,
            r.get(4).map_err(&read)?,
            r.get(6).map_err(&read)?,
        ];
        let known: i64 = r.get(7).map_err(&read)?;
        row(
            &mut buf,
            &[
                Cell::Text(&t[0]),
                Cell::Text(&t[1]),
                Cell::from(ints[0]),
                Cell::from(ints[1]),
                Cell::Text(&t[2]),
                Cell::from(ints[2]),
                Cell::Bool(known != 0),
                Cell::Text(&site),
                Cell::Text(&me.id),
            ],
        );
    }
    if !stage(tx, "hub.logbook", "sync_logbook", LOGBOOK_COLS, &buf, shown)? {
        return Ok(());
    }
    tx.execute(
        &format!(
            "INSERT INTO hub.logbook ({LOGBOOK_COLS}) SELECT {LOGBOOK_COLS} FROM sync_logbook
             ON CONFLICT (turbine_id, component, failure_time) DO NOTHING"
        ),
        &[],
    )
    .map_err(hub_err(shown, "writing the logbook"))?;
    Ok(())
}

/// The model set that scored this cockpit's latest successful run, and since when it has
/// (its first run with the same version and checksum), recorded for every site it holds.
fn push_model_set(
    conn: &Connection,
    tx: &mut Transaction<'_>,
    shown: &str,
    me: &Me,
    claimed: &HashSet<String>,
) -> Result<(), HubError> {
    let read = local_err("reading the model set in service");
    let latest: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT model_version, model_sha FROM runs
             WHERE status = 'succeeded' AND model_version IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(&read)?;
    let Some((version, sha)) = latest else {
        return Ok(());
    };
    let since: i64 = conn
        .query_row(
            "SELECT min(ended_at) FROM runs
             WHERE status = 'succeeded' AND model_version = ?1 AND model_sha IS ?2",
            rusqlite::params![version, sha],
            |r| r.get(0),
        )
        .map_err(&read)?;
    for site in claimed {
        tx.execute(
            "INSERT INTO hub.model_sets (site, cockpit, version, sha256, since)
             VALUES ($1, $2::text::uuid, $3, $4, $5)
             ON CONFLICT (site) DO UPDATE SET cockpit = EXCLUDED.cockpit,
                 version = EXCLUDED.version, sha256 = EXCLUDED.sha256, since = EXCLUDED.since,
                 seq = nextval('hub.seq')
             WHERE (hub.model_sets.cockpit, hub.model_sets.version, hub.model_sets.sha256,
                    hub.model_sets.since)
                IS DISTINCT FROM (EXCLUDED.cockpit, EXCLUDED.version, EXCLUDED.sha256,
                    EXCLUDED.since)",
            &[site, &me.id, &version, &sha, &since],
        )
        .map_err(hub_err(shown, "writing the model set in service"))?;
    }
    Ok(())
}
