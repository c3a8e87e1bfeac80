//! Markers on the risk history chart: what happened to the turbine (a logged failure, its return
//! to service, an alert, an intervention) drawn as a vertical rule with a symbol, distinct by
//! kind in shape *and* colour (the Okabe–Ito colour-blind-safe palette), named in a legend.
//!
//! [`risk_markers`] is the one place the list is built: it reads the logbook today; alerts and
//! interventions are pushed into the same list there.

use plotters::prelude::*;
use rusqlite::params;
use serde::Serialize;

use super::ChartError;
use crate::lang::{component_label, Lang};
use crate::schema::Component;
use crate::store::Store;

/// Something that happened to a turbine at a point in time, shown on its risk history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Marker {
    /// When, in Unix seconds (UTC).
    pub at: i64,
    /// What happened (its symbol, colour and legend word).
    pub kind: MarkerKind,
    /// A few words written beside the rule, in the chart's language (e.g. the component).
    pub label: String,
}

/// The kinds of marker, each with its own symbol and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    /// A failure recorded in the logbook (a cross).
    Failure,
    /// The turbine back in service after a logged failure (a square).
    Repair,
    /// An alert raised on the turbine (a triangle).
    Alert,
    /// An intervention planned or done (a diamond).
    Intervention,
}

impl MarkerKind {
    /// Every kind, in the legend's order.
    pub const ALL: [MarkerKind; 4] = [
        MarkerKind::Failure,
        MarkerKind::Repair,
        MarkerKind::Alert,
        MarkerKind::Intervention,
    ];

    /// The kind's word in the legend.
    pub fn legend(self, lang: Lang) -> &'static str {
        match self {
            MarkerKind::Failure => lang.pick("logged failure", "panne consignée"),
            MarkerKind::Repair => lang.pick("back in service", "remise en service"),
            MarkerKind::Alert => lang.pick("alert raised", "alerte levée"),
            MarkerKind::Intervention => lang.pick("intervention", "intervention"),
        }
    }

    /// Its colour (Okabe–Ito: vermillion, bluish green, reddish purple, blue).
    pub(super) fn color(self) -> RGBColor {
        match self {
            MarkerKind::Failure => RGBColor(0xd5, 0x5e, 0x00),
            MarkerKind::Repair => RGBColor(0x00, 0x9e, 0x73),
            MarkerKind::Alert => RGBColor(0xcc, 0x79, 0xa7),
            MarkerKind::Intervention => RGBColor(0x00, 0x72, 0xb2),
        }
    }

    /// Its symbol centred on `at` (pixels), `size` pixels from the centre to an edge.
    pub(super) fn symbol<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        at: (i32, i32),
        size: i32,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let style = self.color().filled();
        let (x, y) = at;
        let s = size;
        match self {
            MarkerKind::Failure => {
                let stroke = self.color().stroke_width(3);
                area.draw(&PathElement::new(
                    vec![(x - s, y - s), (x + s, y + s)],
                    stroke,
                ))?;
                area.draw(&PathElement::new(
                    vec![(x - s, y + s), (x + s, y - s)],
                    stroke,
                ))?;
            }
            MarkerKind::Repair => {
                area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], style))?;
            }
            MarkerKind::Alert => {
                area.draw(&Polygon::new(
                    vec![(x, y - s - 1), (x + s + 1, y + s), (x - s - 1, y + s)],
                    style,
                ))?;
            }
            MarkerKind::Intervention => {
                area.draw(&Polygon::new(
                    vec![
                        (x, y - s - 1),
                        (x + s + 1, y),
                        (x, y + s + 1),
                        (x - s - 1, y),
                    ],
                    style,
                ))?;
            }
        }
        Ok(())
    }
}

/// The markers of a turbine's risk history between `from` (inclusive) and `to` (exclusive), Unix
/// seconds, oldest first, labelled in `lang`. Today: its logbook's failures and returns to
/// service. Alerts and interventions go into the same list here, so every chart and sheet that
/// shows the history shows them. An unknown turbine has none.
pub fn risk_markers(
    store: &Store,
    turbine_id: &str,
    from: i64,
    to: i64,
    lang: Lang,
) -> Result<Vec<Marker>, ChartError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT l.component, l.failure_time, l.back_in_service_time
         FROM logbook l JOIN turbines t ON t.id = l.turbine
         WHERE t.turbine_id = ?1 ORDER BY l.failure_time",
    )?;
    let rows = stmt.query_map(params![turbine_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    let mut markers = Vec::new();
    for row in rows {
        let (component, failed, back) = row?;
        let label = Component::parse(&component)
            .map(|c| component_label(c, lang).to_string())
            .unwrap_or(component);
        if (from..to).contains(&failed) {
            markers.push(Marker {
                at: failed,
                kind: MarkerKind::Failure,
                label: label.clone(),
            });
        }
        if let Some(back) = back.filter(|b| (from..to).contains(b)) {
            markers.push(Marker {
                at: back,
                kind: MarkerKind::Repair,
                label,
            });
        }
    }
    // The workflow: each alert where it was raised, each intervention where it ended (or was
    // planned, while open); a confirmed fault is in the logbook already (a failure and its
    // return to service).
    let w = crate::workflow::Workflow::load(store.conn())?;
    for a in w.alerts.iter().filter(|a| a.turbine_id == turbine_id) {
        if (from..to).contains(&a.first_raised) {
            markers.push(Marker {
                at: a.first_raised,
                kind: MarkerKind::Alert,
                label: crate::workflow::words::path(&a.categories, lang),
            });
        }
    }
    for i in w.interventions.iter().filter(|i| {
        i.turbine_id == turbine_id && i.finding != Some(crate::workflow::Finding::Confirmed)
    }) {
        let at = i.ended.as_ref().map_or(i.planned.at, |e| e.at);
        if (from..to).contains(&at) {
            markers.push(Marker {
                at,
                kind: MarkerKind::Intervention,
                label: match i.finding {
                    Some(f) => {
                        crate::workflow::words::finding(f, i.found_component.as_deref(), lang)
                    }
                    None => crate::lang::component_text(&i.component, lang),
                },
            });
        }
    }
    markers.sort_by_key(|m| m.at);
    Ok(markers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logbook_gives_failures_and_returns_to_service_within_the_window() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
                 VALUES (1, 'LYO-01', 'Lyon', 'V2', 2300, 45.7, 4.8, '2015-01-01'),
                        (2, 'LYO-02', 'Lyon', 'V2', 2300, 45.7, 4.8, '2015-01-01');
                 INSERT INTO logbook (turbine, component, failure_time, back_in_service_time, action)
                 VALUES (1, 'generator_winding', 1000, 5000, 'rewound'),
                        (1, 'converter', 9000, NULL, ''),
                        (1, 'gearbox_bearing', 50, 900, ''),
                        (2, 'transformer', 2000, 3000, '');",
            )
            .unwrap();
        let m = risk_markers(&store, "LYO-01", 100, 9500, Lang::Fr).unwrap();
        let seen: Vec<(i64, MarkerKind, &str)> =
            m.iter().map(|m| (m.at, m.kind, m.label.as_str())).collect();
        assert_eq!(
            seen,
            [
                (900, MarkerKind::Repair, "roulement multiplicateur"),
                (1000, MarkerKind::Failure, "bobinage génératrice"),
                (5000, MarkerKind::Repair, "bobinage génératrice"),
                (9000, MarkerKind::Failure, "convertisseur"),
            ]
        );
        assert!(risk_markers(&store, "NOPE", 0, 10_000, Lang::En)
            .unwrap()
            .is_empty());
        assert_eq!(MarkerKind::Failure.legend(Lang::En), "logged failure");
    }
}
