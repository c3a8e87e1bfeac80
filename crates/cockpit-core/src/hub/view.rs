//! The all-sites view of the fleet: every site this cockpit knows — its own, from its local
//! tables and latest local run, and the others', from its copy of the hub (`hub_sites`,
//! `hub_turbines`, `hub_latest`, `hub_cockpits`, filled by the sync) — each turbine with its
//! latest prediction in words (the fleet view's wording, [`FleetItem::text`]) and its workflow
//! state (the local journal, which holds the actions pulled from the hub), and per site which
//! cockpit scores it and how fresh that is ([`words::freshness`]). Read without any connection
//! to the hub: it works offline on what the last sync brought.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::words;
use crate::lang::Lang;
use crate::risk::Category;
use crate::runs::queries::{
    self, FleetFilter, FleetItem, FleetItemText, QueryError, TimeToFailure,
};
use crate::runs::{CategoryCounts, DataQuality};
use crate::schema::format_timestamp;
use crate::store::Store;
use crate::workflow::views::{self as workflow_views, AlertView, InterventionView};
use crate::workflow::Workflow;

/// Settings key of this cockpit's id on the hub (made at its first sync).
pub const COCKPIT_ID_KEY: &str = "hub.cockpit_id";
/// Settings key of this cockpit's last successful sync (Unix seconds, this machine's clock).
pub const LAST_SYNC_KEY: &str = "hub.last_sync";

/// Every site this cockpit knows, most at risk first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AllSites {
    /// The sites, the one with the riskiest turbine first.
    pub sites: Vec<SiteView>,
    /// "4 sites, 2 scored here".
    pub summary: String,
}

/// One site: who scores it, how fresh, its turbines.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiteView {
    /// The site's name.
    pub site: String,
    /// Whether this cockpit scores it (its turbines come from the local runs).
    pub here: bool,
    /// The name of the cockpit that scores it; `None` when it is this one.
    pub scored_by: Option<String>,
    /// End of the latest run shown for it (`YYYY-MM-DDTHH:MM:SSZ`), `None` when none.
    pub scored_at: Option<String>,
    /// The scoring cockpit's last sync (hub time; this cockpit's own clock for its sites),
    /// `None` before the first.
    pub synced_at: Option<String>,
    /// "Lyon scored by LYON-WS1 at 06:01, synced 06:02", in the asked language.
    pub freshness: String,
    /// Its turbines per category.
    pub counts: CategoryCounts,
    /// Its turbines, highest risk first (the fleet view's order).
    pub turbines: Vec<SiteTurbine>,
}

/// One turbine of the all-sites view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiteTurbine {
    /// The turbine's id as in the data.
    pub turbine_id: String,
    /// Its site.
    pub site: String,
    /// Its turbine model.
    pub model: String,
    /// Whether its latest run scored it.
    pub scored: bool,
    /// Risk score, 0–100; `None` when not scored.
    pub risk_score: Option<f64>,
    /// Risk tier; `None` when not scored.
    pub category: Option<Category>,
    /// Probability of failure within 7 days, 0–1; `None` when not scored.
    pub p_fail_7d: Option<f64>,
    /// The time to failure: median and 80 % range in whole days, and in words.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub ttf: TimeToFailure,
    /// Data watermark of the run that scored it (`YYYY-MM-DDTHH:MM:SSZ`), `None` when unknown.
    pub as_of: Option<String>,
    /// The prediction in words (category, drivers, time to failure), as the fleet view says it.
    pub text: FleetItemText,
    /// Its latest alert (open, acknowledged or closed), from the local journal.
    pub alert: Option<AlertView>,
    /// Its open interventions (planned or in progress), from the local journal.
    pub interventions: Vec<InterventionView>,
}

struct Row {
    item: FleetItem,
    as_of: Option<i64>,
}

struct HubSite {
    cockpit: String,
    name: Option<String>,
    last_sync: Option<i64>,
}

/// The all-sites view in `lang` at `now` (Unix seconds: which times are today's).
pub fn all_sites(store: &Store, lang: Lang, now: i64) -> Result<AllSites, QueryError> {
    let conn = store.conn();
    let setting = |key: &str| -> rusqlite::Result<Option<String>> {
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()
    };
    let me = setting(COCKPIT_ID_KEY)?;
    let my_sync = setting(LAST_SYNC_KEY)?.and_then(|s| s.trim().parse::<i64>().ok());

    // The sites the hub knows, with the cockpit that scores each.
    let mut hub: BTreeMap<String, HubSite> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT s.site, s.scored_by, c.name, c.last_sync
             FROM hub_sites s LEFT JOIN hub_cockpits c ON c.id = s.scored_by
             UNION ALL
             SELECT t.site, t.cockpit, c.name, c.last_sync
             FROM hub_turbines t LEFT JOIN hub_cockpits c ON c.id = t.cockpit
             WHERE t.site NOT IN (SELECT site FROM hub_sites)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                HubSite {
                    cockpit: r.get(1)?,
                    name: r.get(2)?,
                    last_sync: r.get(3)?,
                },
            ))
        })?;
        for row in rows {
            let (site, h) = row?;
            hub.entry(site).or_insert(h);
        }
    }

    // This cockpit's latest run, by site.
    let mut local: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut local_end: Option<i64> = None;
    match queries::fleet(store, &FleetFilter::default()) {
        Ok(view) => {
            let (end, as_of): (i64, Option<i64>) = conn.query_row(
                "SELECT ended_at, as_of FROM runs WHERE id = ?1",
                [view.run.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            local_end = Some(end);
            for item in view.items {
                local
                    .entry(item.site.clone())
                    .or_default()
                    .push(Row { item, as_of });
            }
        }
        Err(QueryError::NoRun) => {}
        Err(e) => return Err(e),
    }

    let w = Workflow::load(conn).map_err(|e| QueryError::Workflow(Box::new(e)))?;
    let mut open_work: HashMap<String, Vec<InterventionView>> = HashMap::new();
    for i in workflow_views::interventions(conn, true, None, now, lang)
        .map_err(|e| QueryError::Workflow(Box::new(e)))?
    {
        open_work
            .entry(i.turbine_id.to_ascii_uppercase())
            .or_default()
            .push(i);
    }
    // An alert's badge is relative to the run that scored its turbine: one map per data time.
    let mut alerts_at: HashMap<Option<i64>, HashMap<String, AlertView>> = HashMap::new();

    let mut names: Vec<String> = hub.keys().cloned().collect();
    names.extend(local.keys().filter(|s| !hub.contains_key(*s)).cloned());
    let mut sites = Vec::new();
    for site in names {
        let held = hub.get(&site);
        let mine = local.contains_key(&site);
        let here = mine && held.is_none_or(|h| me.as_deref() == Some(h.cockpit.as_str()));
        let (rows, run_end, last_sync, by) = match held {
            Some(h) if !here => {
                let (rows, end) = hub_rows(store, &site)?;
                // Claimed on the hub but not pulled yet: this cockpit's own rows meanwhile.
                let rows = if rows.is_empty() {
                    local.remove(&site).unwrap_or_default()
                } else {
                    rows
                };
                let name = h.name.clone().unwrap_or_else(|| h.cockpit.clone());
                (rows, end, h.last_sync, Some(name))
            }
            _ => (
                local.remove(&site).unwrap_or_default(),
                local_end,
                my_sync,
                None,
            ),
        };
        let mut counts = CategoryCounts::default();
        let mut turbines = Vec::with_capacity(rows.len());
        for Row { item, as_of } in rows {
            match item.category {
                Some(Category::Critical) => counts.critical += 1,
                Some(Category::High) => counts.high += 1,
                Some(Category::Moderate) => counts.moderate += 1,
                Some(Category::Low) => counts.low += 1,
                None => counts.not_scored += 1,
            }
            let alerts = alerts_at
                .entry(as_of)
                .or_insert_with(|| workflow_views::fleet_alerts(&w, as_of, lang));
            let key = item.turbine_id.to_ascii_uppercase();
            turbines.push(SiteTurbine {
                text: item.text(lang),
                alert: alerts.get(&item.turbine_id).cloned(),
                interventions: open_work.remove(&key).unwrap_or_default(),
                turbine_id: item.turbine_id,
                site: item.site,
                model: item.model,
                scored: item.scored,
                risk_score: item.risk_score,
                category: item.category,
                p_fail_7d: item.p_fail_7d,
                ttf: item.ttf,
                as_of: as_of.map(format_timestamp),
            });
        }
        turbines.sort_by(|a, b| by_risk(a.risk_score, b.risk_score, &a.turbine_id, &b.turbine_id));
        sites.push(SiteView {
            freshness: words::freshness(
                &site,
                by.as_deref(),
                run_end,
                last_sync,
                !here && mine,
                now,
                lang,
            ),
            site,
            here,
            scored_by: by,
            scored_at: run_end.map(format_timestamp),
            synced_at: last_sync.map(format_timestamp),
            counts,
            turbines,
        });
    }
    sites.sort_by(|a, b| {
        let top = |s: &SiteView| s.turbines.first().and_then(|t| t.risk_score);
        by_risk(top(a), top(b), &a.site, &b.site)
    });
    let here = sites.iter().filter(|s| s.here).count();
    Ok(AllSites {
        summary: words::summary(sites.len(), here, lang),
        sites,
    })
}

/// Highest score first, unscored last, then by name: the fleet view's order.
fn by_risk(a: Option<f64>, b: Option<f64>, an: &str, bn: &str) -> std::cmp::Ordering {
    let key = |v: Option<f64>| (v.is_none(), -v.unwrap_or(0.0));
    let (ka, kb) = (key(a), key(b));
    ka.0.cmp(&kb.0)
        .then(ka.1.total_cmp(&kb.1))
        .then_with(|| an.cmp(bn))
}

/// Another cockpit's site from the hub copy: its turbines with their latest prediction, and the
/// end of the latest run among them.
fn hub_rows(store: &Store, site: &str) -> Result<(Vec<Row>, Option<i64>), QueryError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT t.turbine_id, t.site, t.model, l.scored, l.reason, l.risk_score, l.category,
                l.p_fail_7d, l.ttf_distribution, l.drivers, l.data_quality, l.as_of, l.ended_at
         FROM hub_turbines t LEFT JOIN hub_latest l ON l.turbine_id = t.turbine_id
         WHERE t.site = ?1",
    )?;
    let mut end: Option<i64> = None;
    let rows = stmt
        .query_map(params![site], |r| {
            let scored = r.get::<_, Option<bool>>(3)?.unwrap_or(false);
            let drivers: Option<String> = r.get(9)?;
            let (drivers, model_reactions) = crate::runs::drivers::from_stored(drivers.as_deref());
            let item = FleetItem {
                turbine_id: r.get(0)?,
                site: r.get(1)?,
                model: r.get(2)?,
                scored,
                not_scored_reason: r.get(4)?,
                risk_score: r.get(5)?,
                category: r
                    .get::<_, Option<String>>(6)?
                    .and_then(|c| Category::parse(&c)),
                p_fail_7d: r.get(7)?,
                ttf: TimeToFailure::stored(scored, r.get::<_, Option<String>>(8)?.as_deref()),
                drivers,
                model_reactions,
                // Not shown by this view (a hub run has no local row id).
                scored_at: String::new(),
                last_data: None,
                run_id: 0,
                data_quality: r
                    .get::<_, Option<String>>(10)?
                    .and_then(|q| serde_json::from_str::<DataQuality>(&q).ok())
                    .unwrap_or_default(),
            };
            Ok((
                Row {
                    item,
                    as_of: r.get(11)?,
                },
                r.get::<_, Option<i64>>(12)?,
            ))
        })?
        .map(|row| {
            row.map(|(row, ended)| {
                end = end.max(ended);
                row
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, end))
}

/// Whether the hub copy knows any site (the app offers the all-sites view only then).
pub fn has_hub_sites(store: &Store) -> Result<bool, QueryError> {
    Ok(store
        .conn()
        .query_row("SELECT 1 FROM hub_sites LIMIT 1", [], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests;
