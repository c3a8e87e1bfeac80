//! Risk and fleet trend charts, rendered as SVG text with `plotters`, in French or English.
//!
//! Three charts, each a self-contained `<svg>` document the desktop app shows as an image:
//!
//! * [`risk_chart`]: a turbine's risk score at every run, over the four category bands
//!   (coloured *and* labelled, so the category never depends on colour alone);
//! * [`signals_chart`]: the recent trend of the signals behind the turbine's drivers (one panel
//!   per signal, hourly means, with the "normal for this load" reference of temperature drivers);
//! * [`fleet_trend_chart`]: the number of turbines in each category at every run.
//!
//! Text is written as SVG `<text>` elements (escaped by the backend) and laid out by the web view
//! with its own fonts: no font file is read here. Label sizes are estimated, so label areas are
//! given fixed sizes. Dates are UTC days. [`signal_series`] is the readings query behind the
//! signals chart.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rusqlite::OptionalExtension;

use crate::features::KEY_SIGNALS;
use crate::lang::{category_label, format_day, format_number, signal_label, Lang};
use crate::risk::Category;
use crate::runs::drivers::Basis;
use crate::runs::queries::{self, HistoryPoint, QueryError};
use crate::runs::Driver;
use crate::schema::{self, SIGNALS};
use crate::store::Store;

/// Width and height of the charts, in SVG user units (the app scales them to its layout).
pub const CHART_WIDTH: u32 = 760;
/// Height of the risk and fleet trend charts.
pub const CHART_HEIGHT: u32 = 300;
/// Width of the fleet trend's legend column.
const LEGEND_WIDTH: u32 = 130;
/// Height of one panel of the signals chart.
pub const SIGNAL_PANEL_HEIGHT: u32 = 170;
/// Days of readings shown by the signals chart.
pub const SIGNAL_DAYS: i64 = 14;
/// Signals shown at most by the signals chart.
pub const MAX_SIGNALS: usize = 3;

const DAY: i64 = 86_400;
const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(0x1f, 0x29, 0x33);
const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xe8);
const LINE: RGBColor = RGBColor(0x0b, 0x3d, 0x91);

/// Errors of the charts.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("database error while reading chart data: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// Colour of a category (the same as the app's badges).
pub fn category_color(c: Category) -> RGBColor {
    match c {
        Category::Critical => RGBColor(0xb4, 0x23, 0x18),
        Category::High => RGBColor(0xd9, 0x5d, 0x0b),
        Category::Moderate => RGBColor(0xc9, 0x9a, 0x00),
        Category::Low => RGBColor(0x2e, 0x7d, 0x32),
    }
}

/// Score range of each category band (the risk policy puts the boundaries on 25, 50 and 75).
fn band(c: Category) -> (f64, f64) {
    match c {
        Category::Low => (0.0, 25.0),
        Category::Moderate => (25.0, 50.0),
        Category::High => (50.0, 75.0),
        Category::Critical => (75.0, 100.0),
    }
}

/// The signal column behind a driver's indicator.
pub fn driver_signal(indicator: &str) -> Option<&'static str> {
    match indicator {
        "power_curve" => Some("power_kw"),
        "pitch" => Some("pitch_deg"),
        short => KEY_SIGNALS
            .iter()
            .find(|(s, _)| *s == short)
            .map(|(_, column)| *column),
    }
}

/// Signals shown for a turbine: those of its drivers (most important first), else the main
/// temperatures and the vibration.
pub fn signals_for(drivers: &[Driver]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in drivers {
        if let Some(c) = driver_signal(&d.indicator) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    if out.is_empty() {
        out = vec![
            "gearbox_oil_temp_c",
            "generator_bearing_temp_c",
            "vibration_mm_s",
        ];
    }
    out.truncate(MAX_SIGNALS);
    out
}

fn day_label(days: f64, lang: Lang) -> String {
    format_day((days * DAY as f64).round() as i64, lang)
}

fn to_days(unix: i64) -> f64 {
    unix as f64 / DAY as f64
}

/// An x range (in days) covering `lo..=hi`, at least two days wide.
fn day_range(lo: i64, hi: i64) -> Range<f64> {
    let (a, b) = (to_days(lo), to_days(hi));
    if b - a < 2.0 {
        let mid = (a + b) / 2.0;
        (mid - 1.0)..(mid + 1.0)
    } else {
        a..b
    }
}

fn text_style(size: u32, color: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color)
}

/// A chart with a single centred message (no data yet).
fn message_svg(message: &str, width: u32, height: u32) -> Result<String, ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let style = text_style(16, INK).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(
            message.to_string(),
            (width as i32 / 2, height as i32 / 2),
            style,
        ))?;
        root.present()?;
    }
    Ok(buf)
}

fn turbine_key(store: &Store, id: &str) -> Result<Option<i64>, ChartError> {
    Ok(store
        .conn()
        .query_row("SELECT id FROM turbines WHERE turbine_id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Risk history of a turbine: the score at every successful run over the category bands.
pub fn risk_chart(store: &Store, turbine_id: &str, lang: Lang) -> Result<String, ChartError> {
    let detail = queries::turbine(store, turbine_id)?;
    render_risk(&detail.history, lang)
}

/// Draws a risk history (oldest first).
pub fn render_risk(history: &[HistoryPoint], lang: Lang) -> Result<String, ChartError> {
    let points: Vec<(i64, Option<f64>, Option<Category>)> = history
        .iter()
        .filter_map(|h| schema::parse_timestamp(&h.as_of).map(|t| (t, h.risk_score, h.category)))
        .collect();
    if points.is_empty() {
        return message_svg(
            lang.pick(
                "No scoring run yet for this turbine",
                "Aucun calcul de risque pour cette éolienne",
            ),
            CHART_WIDTH,
            CHART_HEIGHT,
        );
    }
    let x = day_range(points[0].0, points[points.len() - 1].0);
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (CHART_WIDTH, CHART_HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        // Band labels sit in their own column on the right, never over the data.
        let (plot, labels) = root.split_horizontally(CHART_WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(12)
            .x_label_area_size(30)
            .y_label_area_size(52)
            .build_cartesian_2d(x.clone(), 0f64..100f64)?;
        for c in Category::ALL {
            let (lo, hi) = band(c);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x.start, lo), (x.end, hi)],
                category_color(c).mix(0.13).filled(),
            )))?;
        }
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(5)
            .x_label_formatter(&|d| day_label(*d, lang))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc(lang.pick("Risk score", "Score de risque"))
            .label_style(text_style(13, INK))
            .axis_desc_style(text_style(13, INK))
            .bold_line_style(GRID.mix(0.9))
            .light_line_style(TRANSPARENT)
            .draw()?;
        // Band labels, level with each band, written in the band's colour.
        for c in Category::ALL {
            let (lo, hi) = band(c);
            let (_, y) = chart.backend_coord(&(x.end, (lo + hi) / 2.0));
            let style = text_style(13, category_color(c)).pos(Pos::new(HPos::Left, VPos::Center));
            let label = format!("{} ({}–{})", category_label(c, lang), lo, hi);
            labels.draw(&Text::new(label, (4, y), style))?;
        }
        // The score line, broken where the turbine was not scored.
        let mut segment: Vec<(f64, f64)> = Vec::new();
        let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
        for &(t, score, _) in &points {
            match score {
                Some(s) => segment.push((to_days(t), s)),
                None if !segment.is_empty() => segments.push(std::mem::take(&mut segment)),
                None => {}
            }
        }
        if !segment.is_empty() {
            segments.push(segment);
        }
        for s in segments {
            chart.draw_series(LineSeries::new(s, LINE.stroke_width(2)))?;
        }
        chart.draw_series(points.iter().filter_map(|&(t, score, cat)| {
            let (s, c) = (score?, cat?);
            Some(Circle::new((to_days(t), s), 4, category_color(c).filled()))
        }))?;
        root.present()?;
    }
    Ok(buf)
}

/// Hourly (or `bucket`-second) means of a signal for the turbine with internal key `key`, from
/// `from` (inclusive) to `to` (exclusive), oldest first. Missing values are skipped.
pub fn signal_series(
    store: &Store,
    key: i64,
    column: &str,
    from: i64,
    to: i64,
    bucket: i64,
) -> Result<Vec<(i64, f64)>, ChartError> {
    // The column name goes into the SQL text: only a column of the data contract is accepted.
    let Some(signal) = SIGNALS.iter().find(|s| s.name == column) else {
        return Err(ChartError::Draw(format!("unknown signal '{column}'")));
    };
    let bucket = bucket.max(600);
    let sql = format!(
        "SELECT (ts / ?4) * ?4 AS b, avg({c}) FROM readings
         WHERE turbine = ?1 AND ts >= ?2 AND ts < ?3 AND {c} IS NOT NULL
         GROUP BY b ORDER BY b",
        c = signal.name
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt.query_map([key, from, to, bucket], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The trend of the signals behind a turbine's drivers over the last [`SIGNAL_DAYS`] days of its
/// data: one panel per signal, hourly means, and for temperature drivers the normal value for the
/// turbine's load over the last 24 hours.
pub fn signals_chart(store: &Store, turbine_id: &str, lang: Lang) -> Result<String, ChartError> {
    let detail = queries::turbine(store, turbine_id)?;
    let key = turbine_key(store, turbine_id)?.unwrap_or(-1);
    let columns = signals_for(&detail.drivers);
    let last: Option<i64> = store.conn().query_row(
        "SELECT max(ts) FROM readings WHERE turbine = ?1",
        [key],
        |r| r.get(0),
    )?;
    let Some(last) = last else {
        return message_svg(
            lang.pick(
                "No SCADA record for this turbine",
                "Aucun enregistrement SCADA pour cette éolienne",
            ),
            CHART_WIDTH,
            SIGNAL_PANEL_HEIGHT,
        );
    };
    let to = last + 1;
    let from = to - SIGNAL_DAYS * DAY;
    let mut series = Vec::new();
    for c in &columns {
        let data = signal_series(store, key, c, from, to, 3600)?;
        let reference = detail
            .drivers
            .iter()
            .find(|d| driver_signal(&d.indicator) == Some(c))
            .filter(|d| KEY_SIGNALS.iter().any(|(s, _)| *s == d.indicator))
            // A trend's reference is a slope (0 °C per day), not a level on this axis.
            .filter(|d| d.basis != Basis::Trend && d.reference.is_finite())
            .map(|d| (d.reference, d.basis));
        series.push(SignalSeries {
            column: c,
            points: data,
            normal: reference,
        });
    }
    render_signals(&series, from, to, lang)
}

/// One panel of the signals chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSeries<'a> {
    /// Signal column (see [`SIGNALS`]).
    pub column: &'a str,
    /// Hourly means, oldest first.
    pub points: Vec<(i64, f64)>,
    /// Normal value over the last 24 hours, if known, and what it is normal for (the driver's
    /// basis: this load, the site's other turbines, the turbine's usual level).
    pub normal: Option<(f64, Basis)>,
}

/// Draws signal panels.
pub fn render_signals(
    series: &[SignalSeries<'_>],
    from: i64,
    to: i64,
    lang: Lang,
) -> Result<String, ChartError> {
    let n = series.len().max(1);
    let height = SIGNAL_PANEL_HEIGHT * n as u32;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (CHART_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let panels = root.split_evenly((n, 1));
        for (s, area) in series.iter().zip(panels.iter()) {
            draw_signal_panel(area, s, from, to, lang)?;
        }
        root.present()?;
    }
    Ok(buf)
}

fn draw_signal_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    series: &SignalSeries<'_>,
    from: i64,
    to: i64,
    lang: Lang,
) -> Result<(), ChartError> {
    let (column, data) = (series.column, series.points.as_slice());
    let (reference, basis) = match series.normal {
        Some((r, b)) => (Some(r), b),
        None => (None, Basis::Load),
    };
    let x = day_range(from, to);
    let values = data.iter().map(|p| p.1).chain(reference);
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(0.5);
    let y = (lo - pad)..(hi + pad);
    let digits = if hi - lo < 5.0 { 1 } else { 0 };
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_right(20)
        .caption(signal_label(column, lang), text_style(14, INK))
        .x_label_area_size(26)
        .y_label_area_size(52)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(4)
        .x_label_formatter(&|d| day_label(*d, lang))
        .y_label_formatter(&|v| format_number(*v, digits, lang))
        .label_style(text_style(12, INK))
        .bold_line_style(GRID.mix(0.9))
        .light_line_style(TRANSPARENT)
        .draw()?;
    if data.is_empty() {
        let style = text_style(13, INK).pos(Pos::new(HPos::Center, VPos::Center));
        let (w, h) = area.dim_in_pixel();
        area.draw(&Text::new(
            lang.pick(
                "no record in this period",
                "aucun enregistrement sur la période",
            )
            .to_string(),
            (w as i32 / 2, h as i32 / 2),
            style,
        ))?;
        return Ok(());
    }
    // Hourly means, broken over gaps longer than 3 hours (no made-up values in a data gap).
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let mut prev: Option<i64> = None;
    let mut segments = Vec::new();
    for &(t, v) in data {
        if prev.is_some_and(|p| t - p > 3 * 3600) && !segment.is_empty() {
            segments.push(std::mem::take(&mut segment));
        }
        segment.push((to_days(t), v));
        prev = Some(t);
    }
    segments.push(segment);
    for s in segments {
        chart.draw_series(LineSeries::new(s, LINE.stroke_width(1)))?;
    }
    if let Some(r) = reference {
        let normal = RGBColor(0x2e, 0x7d, 0x32);
        let start = to_days(to - DAY);
        chart.draw_series(DashedLineSeries::new(
            [(start, r), (to_days(to), r)],
            6,
            4,
            normal.stroke_width(2),
        ))?;
        let label = format!(
            "{} {}",
            match basis {
                Basis::Site => lang.pick("site's other turbines:", "autres éoliennes du site :"),
                Basis::Own => lang.pick("its usual level:", "son niveau habituel :"),
                Basis::Load | Basis::Trend =>
                    lang.pick("normal for this load:", "normale pour cette charge :"),
            },
            format_number(r, 1, lang)
        );
        chart.plotting_area().draw(&Text::new(
            label,
            (start, r),
            text_style(12, normal).pos(Pos::new(HPos::Right, VPos::Bottom)),
        ))?;
    }
    Ok(())
}

/// One point of the fleet trend: the counts of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    /// Data watermark of the run (Unix seconds).
    pub as_of: i64,
    pub critical: i64,
    pub high: i64,
    pub moderate: i64,
    pub low: i64,
}

/// Counts per category of every successful run, one point per data watermark (the latest run
/// when several share one), oldest first.
pub fn fleet_trend(store: &Store) -> Result<Vec<TrendPoint>, ChartError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT as_of, critical, high, moderate, low FROM runs
         WHERE status = 'succeeded' AND as_of IS NOT NULL
           AND id IN (SELECT max(id) FROM runs WHERE status = 'succeeded' GROUP BY as_of)
         ORDER BY as_of",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TrendPoint {
            as_of: r.get(0)?,
            critical: r.get(1)?,
            high: r.get(2)?,
            moderate: r.get(3)?,
            low: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Number of turbines per category at every run, stacked (critical at the bottom).
pub fn fleet_trend_chart(store: &Store, lang: Lang) -> Result<String, ChartError> {
    render_fleet_trend(&fleet_trend(store)?, lang)
}

/// Draws the fleet trend.
pub fn render_fleet_trend(points: &[TrendPoint], lang: Lang) -> Result<String, ChartError> {
    if points.is_empty() {
        return message_svg(
            lang.pick(
                "No scoring run yet",
                "Aucun calcul de risque pour l'instant",
            ),
            CHART_WIDTH,
            CHART_HEIGHT,
        );
    }
    let x = day_range(points[0].as_of, points[points.len() - 1].as_of);
    let total = points
        .iter()
        .map(|p| p.critical + p.high + p.moderate + p.low)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (CHART_WIDTH, CHART_HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        // The legend sits in its own column on the right, never over the data.
        let (plot, legend) = root.split_horizontally(CHART_WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(30)
            .y_label_area_size(52)
            .build_cartesian_2d(x, 0f64..total * 1.05)?;
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|d| day_label(*d, lang))
            .y_label_formatter(&|v| {
                if v.fract().abs() < 1e-9 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            })
            .y_desc(lang.pick("Turbines", "Éoliennes"))
            .label_style(text_style(13, INK))
            .axis_desc_style(text_style(13, INK))
            .bold_line_style(GRID.mix(0.9))
            .light_line_style(TRANSPARENT)
            .draw()?;
        // Cumulated from the bottom: critical, + high, + moderate, + low; drawn top layer first.
        let cumulated = |p: &TrendPoint, upto: usize| -> f64 {
            [p.critical, p.high, p.moderate, p.low][..=upto]
                .iter()
                .sum::<i64>() as f64
        };
        let order = [
            Category::Critical,
            Category::High,
            Category::Moderate,
            Category::Low,
        ];
        for upto in (0..4).rev() {
            let c = order[upto];
            let color = category_color(c);
            let count = |p: &TrendPoint| [p.critical, p.high, p.moderate, p.low][upto];
            let last = points.last().map(count).unwrap_or(0);
            let data: Vec<(f64, f64)> = points
                .iter()
                .map(|p| (to_days(p.as_of), cumulated(p, upto)))
                .collect();
            chart.draw_series(
                AreaSeries::new(data, 0.0, color.mix(0.55)).border_style(color.stroke_width(2)),
            )?;
            // Legend, most urgent first, with the latest run's count.
            let y = 24 + 26 * upto as i32;
            legend.draw(&Rectangle::new([(4, y - 7), (20, y + 7)], color.filled()))?;
            legend.draw(&Text::new(
                format!("{} ({last})", category_label(c, lang)),
                (28, y),
                text_style(13, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        root.present()?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let svg = message_svg("a < b & \"c\"", 200, 100).unwrap();
        assert!(svg.contains("a &lt; b &amp; &quot;c&quot;"), "{svg}");
    }

    fn point(day: i64, score: Option<f64>, cat: Option<Category>) -> HistoryPoint {
        HistoryPoint {
            run_id: day,
            as_of: schema::format_timestamp(1_767_225_600 + day * DAY),
            scored: score.is_some(),
            risk_score: score,
            category: cat,
            p_fail_7d: None,
            ttf_days: None,
        }
    }

    #[test]
    fn risk_chart_has_labelled_bands_in_both_languages() {
        let history = vec![
            point(0, Some(12.0), Some(Category::Low)),
            point(1, None, None),
            point(2, Some(80.0), Some(Category::Critical)),
        ];
        let en = render_risk(&history, Lang::En).unwrap();
        assert!(en.starts_with("<svg") && en.trim_end().ends_with("</svg>"));
        for label in [
            "critical (75–100)",
            "high (50–75)",
            "moderate (25–50)",
            "low (0–25)",
        ] {
            assert!(en.contains(label), "{label} missing");
        }
        assert!(en.contains("Risk score") && en.contains("Jan 1"));
        let fr = render_risk(&history, Lang::Fr).unwrap();
        for label in [
            "critique",
            "élevé",
            "modéré",
            "faible",
            "Score de risque",
            "1 janv.",
        ] {
            assert!(fr.contains(label), "{label} missing");
        }
        // One point per scored run, coloured by category.
        assert_eq!(fr.matches("<circle").count(), 2);
        let empty = render_risk(&[], Lang::Fr).unwrap();
        assert!(empty.contains("Aucun calcul"));
    }

    #[test]
    fn signals_follow_the_drivers() {
        let d = |indicator: &str| Driver {
            indicator: indicator.into(),
            feature: String::new(),
            value: 0.0,
            reference: 0.0,
            unit: String::new(),
            basis: Default::default(),
            contribution: 0.1,
        };
        assert_eq!(
            signals_for(&[
                d("gearbox_oil"),
                d("power_curve"),
                d("pitch"),
                d("vibration")
            ]),
            ["gearbox_oil_temp_c", "power_kw", "pitch_deg"]
        );
        assert_eq!(signals_for(&[]).len(), 3);
        assert_eq!(
            signal_label("gearbox_oil_temp_c", Lang::Fr),
            "Température huile multiplicateur (°C)"
        );
        let t0 = 1_767_225_600;
        let data: Vec<(i64, f64)> = (0..48)
            .map(|h| (t0 + h * 3600, 50.0 + h as f64 / 10.0))
            .collect();
        let svg = render_signals(
            &[
                SignalSeries {
                    column: "gearbox_oil_temp_c",
                    points: data,
                    normal: Some((51.0, Basis::Load)),
                },
                SignalSeries {
                    column: "vibration_mm_s",
                    points: vec![],
                    normal: None,
                },
            ],
            t0,
            t0 + 2 * DAY,
            Lang::En,
        )
        .unwrap();
        assert!(svg.contains("Gearbox oil temperature (°C)"));
        assert!(svg.contains("normal for this load: 51.0"));
        assert!(svg.contains("no record in this period"));
        let own = render_signals(
            &[SignalSeries {
                column: "gearbox_oil_temp_c",
                points: (0..48).map(|h| (t0 + h * 3600, 55.0)).collect(),
                normal: Some((50.7, Basis::Own)),
            }],
            t0,
            t0 + 2 * DAY,
            Lang::Fr,
        )
        .unwrap();
        assert!(own.contains("son niveau habituel : 50,7"), "{own}");
    }

    #[test]
    fn fleet_trend_stacks_the_categories() {
        let p = |day: i64, c: i64| TrendPoint {
            as_of: 1_767_225_600 + day * DAY,
            critical: c,
            high: 2,
            moderate: 3,
            low: 15 - c,
        };
        let svg = render_fleet_trend(&[p(0, 0), p(1, 1), p(2, 2)], Lang::Fr).unwrap();
        assert!(
            svg.contains("critique (2)") && svg.contains("faible (13)"),
            "{svg}"
        );
        assert!(svg.matches("<polygon").count() >= 4);
    }

    #[test]
    fn fleet_trend_reads_one_point_per_watermark() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        for (id, as_of, critical) in [(1, 100, 1), (2, 200, 2), (3, 200, 3)] {
            conn.execute(
                "INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, as_of, critical, low)
                 VALUES (?1, 'manual', 0, 0, 0, 'succeeded', ?2, ?3, 5)",
                [id, as_of, critical],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, error) VALUES ('timer', 0, 0, 0, 'failed', 'x')",
            [],
        )
        .unwrap();
        let t = fleet_trend(&store).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!((t[1].as_of, t[1].critical), (200, 3));
        let svg = fleet_trend_chart(&store, Lang::En).unwrap();
        assert!(svg.contains("critical (3)"));
        let empty = Store::open_in_memory().unwrap();
        assert!(fleet_trend_chart(&empty, Lang::En)
            .unwrap()
            .contains("No scoring run yet"));
    }
}
