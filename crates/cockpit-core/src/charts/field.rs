//! The field document: the turbines a team is sent to, as one printable, self-contained HTML
//! file — a cover list (ranked: category, score, time to failure, main drivers) then one A4 sheet
//! per turbine (identity, last measurements, drivers in words, the risk history chart with its
//! markers, the planned interventions). The CLI (`cockpit sheet`) and the app write the same
//! text: [`field_document`] gathers it, [`FieldDocument::html`] renders it.
//!
//! Offline by construction: no external resource (system fonts, the charts inline as SVG, the
//! style in the file); every text from the data is HTML-escaped.

use std::fmt::Write as _;

use serde::Serialize;

use super::markers::{risk_markers, Marker};
use super::risk::{history_window, render_risk};
use super::ChartError;
use crate::lang::{category_text, measurement_text, signal_name, Lang, MEASUREMENTS};
use crate::risk::{Category, RiskPolicy};
use crate::runs::queries::{self, Identity, QueryError};
use crate::runs::{reasons_in_words, NotScoredReason};
use crate::schema;
use crate::store::Store;

/// An intervention planned on a turbine, as its sheet lists it (every field already in words,
/// in the document's language).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlannedIntervention {
    /// The component worked on ("generator winding").
    pub component: String,
    /// What is to be done.
    pub action: String,
    /// Due date, `YYYY-MM-DD`.
    pub due: String,
    /// Team or crew.
    pub team: String,
    /// Priority, in words.
    pub priority: String,
    /// Status, in words (planned, in progress…).
    pub status: String,
    /// Free note.
    pub note: String,
}

/// One measured signal of the latest record, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Measurement {
    /// The signal's name ("Gearbox oil temperature").
    pub signal: String,
    /// Its value with its unit ("61.2 °C").
    pub value: String,
}

/// Everything one turbine's sheet shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldSheet {
    /// Who the turbine is (id, site, model, rated power, commissioning date, position).
    pub identity: Identity,
    /// Its category in the latest run; `None` when not scored there.
    pub category: Option<Category>,
    /// That category in words (or "not scored").
    pub category_text: String,
    /// Risk score, 0–100, when scored.
    pub risk_score: Option<f64>,
    /// The time to failure in words, when scored.
    pub time_to_failure: Option<String>,
    /// Why it was not scored, in words.
    pub not_scored: Option<String>,
    /// The drivers (plausible causes) in words, strongest first, or why there is none.
    pub drivers: Vec<String>,
    /// When its latest record was taken (`YYYY-MM-DDTHH:MM:SSZ`), if it has one.
    pub measured_at: Option<String>,
    /// The latest record's main signals, with units.
    pub measurements: Vec<Measurement>,
    /// The markers of its risk history (logbook, alerts, interventions).
    pub markers: Vec<Marker>,
    /// The risk history chart, SVG text (the turbine page's chart).
    pub risk_chart: String,
    /// Its planned interventions, due first (see [`planned_interventions`]).
    pub interventions: Vec<PlannedIntervention>,
}

/// The field document: the selected turbines ranked, and their sheets in that order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldDocument {
    /// `en` or `fr`.
    pub lang: String,
    /// Data watermark of the latest run (`YYYY-MM-DDTHH:MM:SSZ`), if there is a run.
    pub as_of: Option<String>,
    /// When the document was made (`YYYY-MM-DDTHH:MM:SSZ`).
    pub printed_at: String,
    /// One sheet per turbine, highest risk first (not scored last).
    pub sheets: Vec<FieldSheet>,
}

/// The interventions planned on a turbine, for its sheet: the one place the maintenance workflow
/// feeds the field document (its open interventions, due first, mapped to
/// [`PlannedIntervention`]).
pub fn planned_interventions(
    store: &Store,
    turbine_id: &str,
    lang: Lang,
) -> Result<Vec<PlannedIntervention>, ChartError> {
    let open = crate::workflow::views::interventions(
        store.conn(),
        true,
        Some(turbine_id),
        crate::clock::now(),
        lang,
    )?;
    Ok(open
        .into_iter()
        .map(|i| PlannedIntervention {
            component: i.text.component,
            action: i.action.unwrap_or_default(),
            due: i.due,
            team: i.team.unwrap_or_default(),
            priority: i.text.priority,
            status: if i.overdue {
                format!("{} — {}", i.text.status, i.text.due)
            } else {
                i.text.status
            },
            note: i.note.unwrap_or_default(),
        })
        .collect())
}

/// The sheet of one turbine in `lang`, its chart over the bands of `policy`.
pub fn field_sheet(
    store: &Store,
    turbine_id: &str,
    policy: &RiskPolicy,
    lang: Lang,
) -> Result<FieldSheet, ChartError> {
    let d = queries::turbine(store, turbine_id)?;
    let markers = match history_window(&d.history) {
        Some((from, to)) => risk_markers(store, turbine_id, from, to, lang)?,
        None => Vec::new(),
    };
    let risk_chart = render_risk(&d.history, &markers, policy, lang)?;
    let measurements = MEASUREMENTS
        .iter()
        .filter_map(|&(column, digits)| {
            let v = d.last_measurements.get(column)?.as_f64()?;
            Some(Measurement {
                signal: signal_name(column, lang).to_string(),
                value: measurement_text(column, v, digits, lang),
            })
        })
        .collect();
    let measured_at = d
        .last_measurements
        .get("timestamp")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let p = d.prediction.as_ref();
    let scored = p.is_some_and(|p| p.scored);
    let category = p.and_then(|p| p.category);
    let drivers = match p {
        Some(p) => reasons_in_words(
            p.category,
            &d.drivers,
            &d.model_reactions,
            &p.data_quality,
            lang,
        ),
        None => Vec::new(),
    };
    Ok(FieldSheet {
        category,
        category_text: category_text(category, lang).to_string(),
        risk_score: p.and_then(|p| p.risk_score),
        time_to_failure: p.and_then(|p| p.ttf_text(lang)),
        not_scored: p
            .filter(|_| !scored)
            .and_then(|p| p.not_scored_reason.as_deref())
            .map(|r| NotScoredReason::phrase_stored(r, lang)),
        drivers,
        measured_at,
        measurements,
        markers,
        risk_chart,
        interventions: planned_interventions(store, turbine_id, lang)?,
        identity: d.identity,
    })
}

/// The field document of the turbines `ids` (each once, in any order; an unknown id is an
/// error naming it; none: a cover list saying so), ranked as the fleet view ranks them, in `lang`; `printed_at`: Unix seconds.
pub fn field_document(
    store: &Store,
    ids: &[String],
    policy: &RiskPolicy,
    lang: Lang,
    printed_at: i64,
) -> Result<FieldDocument, ChartError> {
    let mut ranked: Vec<String> = Vec::new();
    let mut as_of = None;
    match queries::fleet(store, &queries::FleetFilter::default()) {
        Ok(view) => {
            as_of = view.run.as_of.clone();
            ranked = view
                .items
                .into_iter()
                .filter(|i| ids.contains(&i.turbine_id))
                .map(|i| i.turbine_id)
                .collect();
        }
        Err(QueryError::NoRun) => {}
        Err(e) => return Err(e.into()),
    }
    // Turbines the latest run did not include come last, in the order given.
    for id in ids {
        if !ranked.contains(id) {
            ranked.push(id.clone());
        }
    }
    let sheets = ranked
        .iter()
        .map(|id| field_sheet(store, id, policy, lang))
        .collect::<Result<_, _>>()?;
    Ok(FieldDocument {
        lang: lang.pick("en", "fr").into(),
        as_of,
        printed_at: schema::format_timestamp(printed_at),
        sheets,
    })
}

impl FieldDocument {
    /// Writes the document's HTML to `path` (created or replaced).
    pub fn write(&self, path: &std::path::Path) -> Result<(), ChartError> {
        std::fs::write(path, self.html()).map_err(|source| ChartError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// HTML-escapes text for an element or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026-11-28T23:50:00Z` as `2026-11-28 23:50 UTC`.
fn utc(ts: &str) -> String {
    match schema::parse_timestamp(ts) {
        Some(t) => {
            let s = schema::format_timestamp(t);
            format!("{} {} UTC", &s[..10], &s[11..16])
        }
        None => ts.to_string(),
    }
}

/// The document's style: A4 portrait, black on white, one sheet a page; scoped to `.field-doc`
/// so the app can show the same markup inside its own page.
pub const FIELD_CSS: &str = "\
@page { size: A4 portrait; margin: 12mm; }
.field-doc { font-family: system-ui, 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; color: #000; background: #fff; line-height: 1.35; }
.field-doc h1 { font-size: 17pt; margin: 0 0 2pt; }
.field-doc h2 { font-size: 15pt; margin: 0 0 2pt; }
.field-doc h3 { font-size: 11pt; margin: 8pt 0 3pt; border-bottom: 1px solid #000; }
.field-doc .meta { margin: 0 0 8pt; color: #333; }
.field-doc table { border-collapse: collapse; width: 100%; }
.field-doc th, .field-doc td { border: 1px solid #666; padding: 2pt 4pt; text-align: left; vertical-align: top; }
.field-doc th { background: #eee; }
.field-doc td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.field-doc ul { margin: 0; padding-left: 1.1em; }
.field-doc .cat { display: inline-block; border: 1.5px solid #000; border-radius: 3px; padding: 0 4pt; font-weight: 700; }
.field-doc .cat-critical { border-width: 3px; }
.field-doc .cat-high { border-width: 2px; }
.field-doc dl.identity { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 1pt 8pt; margin: 0; }
.field-doc dl.identity dt { font-weight: 700; }
.field-doc dl.identity dd { margin: 0; }
.field-doc table.measures { table-layout: fixed; }
.field-doc table.measures td { padding: 1pt 4pt; }
.field-doc table.measures td.sig { width: 34%; }
.field-doc figure { margin: 0; }
.field-doc figure svg { width: 100%; height: auto; display: block; }
.field-doc .empty { font-style: italic; }
.field-doc .notes { height: 36pt; border: 1px solid #666; }
.field-doc .sheet { break-before: page; page-break-before: always; break-inside: avoid; }
.field-doc .cover tr { break-inside: avoid; }
@media screen { .field-doc { max-width: 190mm; margin: 0 auto; padding: 8mm; } .field-doc .sheet { border-top: 2px dashed #999; margin-top: 10mm; padding-top: 6mm; } }
";

impl FieldDocument {
    /// The document as one self-contained HTML file (style inline, charts inline as SVG, no
    /// external resource), in its language.
    pub fn html(&self) -> String {
        let lang = Lang::parse(&self.lang);
        let w = |en, fr| lang.pick(en, fr);
        let mut h = String::new();
        let title = w("Field document", "Dossier terrain");
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width\">\n\
             <title>{title} — EnergiTech Cockpit</title>\n<style>\n{FIELD_CSS}</style>\n</head>\n<body>\n\
             <article class=\"field-doc\">\n",
            self.lang
        );
        // The cover list.
        let _ = write!(
            h,
            "<section class=\"cover\">\n<h1>{title} — EnergiTech Cockpit</h1>\n<p class=\"meta\">{}{} · {} {} · {}</p>\n",
            w("Data as of ", "Données au "),
            self.as_of.as_deref().map(utc).unwrap_or_else(|| "–".into()),
            w("printed", "imprimé le"),
            utc(&self.printed_at),
            match self.sheets.len() {
                0 => w("no turbine selected", "aucune éolienne sélectionnée").to_string(),
                1 => w("1 turbine", "1 éolienne").to_string(),
                n => format!("{n} {}", w("turbines", "éoliennes")),
            }
        );
        let _ = write!(
            h,
            "<table class=\"cover-list\">\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            w("Turbine", "Éolienne"),
            w("Category", "Catégorie"),
            w("Score", "Score"),
            w("Time to failure", "Délai avant panne"),
            w("Why (main drivers)", "Pourquoi (principaux facteurs)"),
            w("Planned", "Prévu"),
        );
        for (rank, s) in self.sheets.iter().enumerate() {
            let why = match &s.not_scored {
                Some(r) => escape_html(r),
                None => list(&s.drivers[..s.drivers.len().min(3)]),
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"num\">{}</td><td><strong>{}</strong><br>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                rank + 1,
                escape_html(&s.identity.turbine_id),
                escape_html(&s.identity.site),
                badge(s),
                s.risk_score.map(|v| score(v, lang)).unwrap_or_else(|| "–".into()),
                escape_html(s.time_to_failure.as_deref().unwrap_or("–")),
                why,
                s.interventions.len(),
            );
        }
        h.push_str("</tbody>\n</table>\n</section>\n");
        for s in &self.sheets {
            sheet_html(&mut h, s, lang);
        }
        h.push_str("</article>\n</body>\n</html>\n");
        h
    }
}

/// The category as a badge (text and border, never colour alone).
fn badge(s: &FieldSheet) -> String {
    let class = s.category.map(Category::as_str).unwrap_or("none");
    format!(
        "<span class=\"cat cat-{class}\">{}</span>",
        escape_html(&s.category_text)
    )
}

fn score(v: f64, lang: Lang) -> String {
    crate::lang::format_number(v, 0, lang)
}

/// Items as a list (empty: a dash).
fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "–".into();
    }
    let mut out = String::from("<ul>");
    for i in items {
        let _ = write!(out, "<li>{}</li>", escape_html(i));
    }
    out.push_str("</ul>");
    out
}

/// One turbine's page.
fn sheet_html(h: &mut String, s: &FieldSheet, lang: Lang) {
    let w = |en, fr| lang.pick(en, fr);
    let id = &s.identity;
    let _ = write!(
        h,
        "<section class=\"sheet\" id=\"sheet-{}\">\n<h2>{} {}</h2>\n<p class=\"meta\">{}{}{}{}</p>\n",
        escape_html(&id.turbine_id),
        escape_html(&id.turbine_id),
        badge(s),
        s.risk_score
            .map(|v| format!("{} {} · ", w("Risk score", "Score de risque"), score(v, lang)))
            .unwrap_or_default(),
        escape_html(s.time_to_failure.as_deref().unwrap_or("")),
        if s.time_to_failure.is_some() { " · " } else { "" },
        escape_html(&id.site),
    );
    // Identity.
    let position = format!(
        "{}, {}",
        crate::lang::format_number(id.latitude, 5, lang),
        crate::lang::format_number(id.longitude, 5, lang)
    );
    let _ = write!(
        h,
        "<h3>{}</h3>\n<dl class=\"identity\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>\
         <dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} kW</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>\n",
        w("Identity", "Identité"),
        w("Turbine", "Éolienne"),
        escape_html(&id.turbine_id),
        w("Site", "Site"),
        escape_html(&id.site),
        w("Model", "Modèle"),
        escape_html(&id.model),
        w("Rated power", "Puissance nominale"),
        crate::lang::format_number(id.rated_power_kw, 0, lang),
        w("Commissioned", "Mise en service"),
        escape_html(&id.commissioning_date),
        w("Position (lat., long.)", "Position (lat., long.)"),
        position,
    );
    // Last measurements, two signals a row.
    match &s.measured_at {
        Some(t) => {
            let _ = write!(
                h,
                "<h3>{} ({})</h3>\n<table class=\"measures\">\n",
                w("Last measurements", "Dernières mesures"),
                utc(t)
            );
            for pair in s.measurements.chunks(2) {
                h.push_str("<tr>");
                for m in pair {
                    let _ = write!(
                        h,
                        "<td class=\"sig\">{}</td><td class=\"num\">{}</td>",
                        escape_html(&m.signal),
                        escape_html(&m.value)
                    );
                }
                if pair.len() == 1 {
                    h.push_str("<td class=\"sig\"></td><td></td>");
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</table>\n");
        }
        None => {
            let _ = write!(
                h,
                "<h3>{}</h3>\n<p class=\"empty\">{}</p>\n",
                w("Last measurements", "Dernières mesures"),
                w(
                    "No SCADA record for this turbine",
                    "Aucun enregistrement SCADA pour cette éolienne"
                )
            );
        }
    }
    // Drivers in words.
    let _ = writeln!(
        h,
        "<h3>{}</h3>",
        w("Why (main drivers)", "Pourquoi (principaux facteurs)")
    );
    match (&s.not_scored, s.drivers.is_empty()) {
        (Some(r), _) => {
            let _ = writeln!(h, "<p>{}</p>", escape_html(r));
        }
        (None, true) => {
            let _ = writeln!(
                h,
                "<p class=\"empty\">{}</p>",
                w("No driver.", "Aucun facteur.")
            );
        }
        (None, false) => {
            h.push_str(&list(&s.drivers));
            h.push('\n');
        }
    }
    // The risk history chart (inline SVG, escaped by the chart backend).
    let _ = write!(
        h,
        "<h3>{}</h3>\n<figure>{}</figure>\n",
        w("Risk history", "Historique du risque"),
        s.risk_chart
    );
    // Planned interventions, and room for the team's notes.
    let _ = writeln!(
        h,
        "<h3>{}</h3>",
        w("Planned interventions", "Interventions prévues")
    );
    if s.interventions.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"empty\">{}</p>",
            w("No intervention planned.", "Aucune intervention prévue.")
        );
    } else {
        let _ = writeln!(
            h,
            "<table class=\"interventions\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w("Component", "Composant"),
            w("Action", "Action"),
            w("Due", "Échéance"),
            w("Team", "Équipe"),
            w("Priority", "Priorité"),
            w("Status", "Statut"),
            w("Note", "Note"),
        );
        for i in &s.interventions {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(&i.component),
                escape_html(&i.action),
                escape_html(&i.due),
                escape_html(&i.team),
                escape_html(&i.priority),
                escape_html(&i.status),
                escape_html(&i.note),
            );
        }
        h.push_str("</tbody></table>\n");
    }
    let _ = write!(
        h,
        "<h3>{}</h3>\n<div class=\"notes\"></div>\n</section>\n",
        w("Field notes", "Notes de terrain")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const T0: i64 = 1_795_219_200; // 2026-11-21T00:00Z

    /// A store with two turbines (one with a hostile id and site), a week of daily runs scoring
    /// the first, its last SCADA record and a logged failure.
    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute_batch(
            "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (1, 'LYO-07', 'Lyon', 'V110', 2300, 45.75, 4.85, '2016-04-01'),
                    (2, '<b>X</b>&\"', '<script>alert(1)</script>', 'V2', 2000, 45.7, 4.8, '2015-01-01');",
        )
        .unwrap();
        let driver = r#"[{"indicator":"gearbox_oil","feature":"gearbox_oil_resid_24h","value":61.2,"reference":51.8,"unit":"°C","basis":"load","contribution":0.3}]"#;
        for d in 0..7 {
            let t = T0 + d * DAY;
            c.execute(
                "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of)
                 VALUES ('daily', ?1, ?1, 0, 'succeeded', ?1)",
                [t],
            )
            .unwrap();
            let run = c.last_insert_rowid();
            let score = 40.0 + 6.0 * d as f64;
            c.execute(
                "INSERT INTO predictions (turbine, run, scored, p_fail_7d, risk_score, category, drivers)
                 VALUES (1, ?1, 1, 0.4, ?2, ?3, ?4)",
                rusqlite::params![run, score, if score >= 75.0 { "critical" } else { "high" }, driver],
            )
            .unwrap();
        }
        c.execute(
            "INSERT INTO readings (turbine, ts, gearbox_oil_temp_c, power_kw, wind_speed_ms)
             VALUES (1, ?1, 61.25, 1450, 9.5)",
            [T0 + 6 * DAY + 600],
        )
        .unwrap();
        c.execute(
            "INSERT INTO logbook (turbine, component, failure_time, back_in_service_time, action)
             VALUES (1, 'generator_winding', ?1, ?2, 'rewound')",
            [T0 + 2 * DAY, T0 + 3 * DAY],
        )
        .unwrap();
        store
    }

    #[test]
    fn a_sheet_has_identity_last_measurements_drivers_and_the_chart() {
        let store = store();
        let policy = RiskPolicy::default();
        let doc = field_document(
            &store,
            &["LYO-07".to_string()],
            &policy,
            Lang::En,
            T0 + 7 * DAY,
        )
        .unwrap();
        let s = &doc.sheets[0];
        assert_eq!(s.identity.model, "V110");
        assert_eq!(s.measured_at.as_deref(), Some("2026-11-27T00:10:00Z"));
        assert!(s
            .measurements
            .iter()
            .any(|m| m.signal == "Gearbox oil temperature" && m.value == "61.2 °C"));
        assert_eq!(s.drivers, ["gearbox oil 9.4 °C above normal for this load"]);
        // The logged failure and the return to service are on the chart.
        assert_eq!(s.markers.len(), 2);
        assert!(
            s.risk_chart.contains("logged failure") && s.risk_chart.contains("generator winding")
        );
        let html = doc.html();
        for part in [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "Field document",
            "V110",
            "2300 kW",
            "2016-04-01",
            "45.75000, 4.85000",
            "Last measurements (2026-11-27 00:10 UTC)",
            "61.2 °C",
            "1450 kW",
            "gearbox oil 9.4 °C above normal for this load",
            "<figure><svg",
            "No intervention planned.",
            "break-before: page",
            "@page { size: A4 portrait",
        ] {
            assert!(html.contains(part), "{part} missing");
        }
        // One cover and one sheet; nothing fetched from elsewhere.
        assert_eq!(html.matches("<section class=\"sheet\"").count(), 1);
        let without_svg_namespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        for external in ["http://", "https://", "<link", "<script", "src=", "url("] {
            assert!(
                !without_svg_namespace.contains(external),
                "{external} in the document"
            );
        }
        let fr = field_document(&store, &["LYO-07".to_string()], &policy, Lang::Fr, T0)
            .unwrap()
            .html();
        for part in [
            "Dossier terrain",
            "Dernières mesures",
            "61,2 °C",
            "huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge",
            "panne consignée",
            "bobinage génératrice",
            "Aucune intervention prévue.",
        ] {
            assert!(fr.contains(part), "{part} missing");
        }
    }

    #[test]
    fn hostile_names_are_escaped_and_ranking_follows_the_risk() {
        let store = store();
        let hostile = "<b>X</b>&\"".to_string();
        let doc = field_document(
            &store,
            &[hostile.clone(), "LYO-07".to_string()],
            &RiskPolicy::default(),
            Lang::En,
            T0,
        )
        .unwrap();
        // The scored turbine first; the one the run did not include after it.
        let ids: Vec<&str> = doc
            .sheets
            .iter()
            .map(|s| s.identity.turbine_id.as_str())
            .collect();
        assert_eq!(ids, ["LYO-07", hostile.as_str()]);
        let html = doc.html();
        assert!(!html.contains("<script>alert") && !html.contains("<b>X</b>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("id=\"sheet-&lt;b&gt;X&lt;/b&gt;&amp;&quot;\""));
        assert!(html.contains("No SCADA record for this turbine"));
        assert_eq!(html.matches("<section class=\"sheet\"").count(), 2);
    }

    #[test]
    fn an_unknown_turbine_is_refused_and_an_empty_selection_says_so() {
        let store = store();
        let policy = RiskPolicy::default();
        let e = field_document(&store, &["NOPE-1".to_string()], &policy, Lang::En, T0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("NOPE-1"), "{e}");
        let empty = field_document(&store, &[], &policy, Lang::En, T0)
            .unwrap()
            .html();
        assert!(empty.contains("no turbine selected"), "{empty}");
        assert!(!empty.contains("<section class=\"sheet\""));
        let doc = field_document(&store, &["LYO-07".into()], &policy, Lang::En, T0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let e = doc
            .write(&dir.path().join("no/such/folder/x.html"))
            .unwrap_err();
        assert!(matches!(e, ChartError::Write { .. }), "{e}");
        assert!(e.to_string().contains("no/such/folder/x.html"), "{e}");
        let ok = dir.path().join("x.html");
        doc.write(&ok).unwrap();
        assert_eq!(std::fs::read_to_string(ok).unwrap(), doc.html());
    }
}
