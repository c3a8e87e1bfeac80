//! The signals chart: the recent trend of the signals behind a turbine's drivers (one panel per
//! signal, hourly means, with the driver's "normal" reference), and [`signal_series`], the
//! readings query behind it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rusqlite::OptionalExtension;

use super::draw::{
    day_label, day_range, message_svg, stretches, text_style, to_days, CHART_WIDTH, DAY, GRID, INK,
    LINE,
};
use super::ChartError;
use crate::features::KEY_SIGNALS;
use crate::lang::{format_number, signal_label, Lang};
use crate::quality::{self, Fault, FaultKind, Rules};
use crate::runs::drivers::Basis;
use crate::runs::queries;
use crate::runs::Driver;
use crate::schema::SIGNALS;
use crate::store::Store;

/// Height of one panel of the signals chart.
pub const SIGNAL_PANEL_HEIGHT: u32 = 170;
/// Days of readings shown by the signals chart.
pub const SIGNAL_DAYS: i64 = 14;
/// Signals shown at most by the signals chart.
pub const MAX_SIGNALS: usize = 3;
/// Shortest hole that cuts a signal's line, in seconds: 30 minutes, three 10-minute records
/// (a longer step than 1.5 times the series' usual one cuts it too, see `draw::stretches`).
pub const GAP_FLOOR: i64 = 1800;

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
    signals_with_faults(drivers, &[])
}

/// Signals shown for a turbine: those of its drivers, then those of its faulty sensors
/// (`faulty`: canonical columns), else the main temperatures and the vibration.
pub fn signals_with_faults(drivers: &[Driver], faulty: &[&str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in drivers {
        if let Some(c) = driver_signal(&d.indicator) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    for f in faulty {
        if let Some(c) = SIGNALS.iter().find(|s| s.name == *f).map(|s| s.name) {
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

/// Internal key of a turbine, if it is known.
fn turbine_key(store: &Store, id: &str) -> Result<Option<i64>, ChartError> {
    Ok(store
        .conn()
        .query_row("SELECT id FROM turbines WHERE turbine_id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
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
    let faulty: Vec<&str> = detail
        .prediction
        .iter()
        .flat_map(|p| &p.data_quality.faults)
        .filter(|f| f.kind.blinds())
        .filter_map(|f| f.signal.as_deref())
        .collect();
    let columns = signals_with_faults(&detail.drivers, &faulty);
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
            // A trend's reference is a slope (0 °C per day), a spread's a fluctuation: neither is
            // a level on this axis.
            .filter(|d| !matches!(d.basis, Basis::Trend | Basis::Spread) && d.reference.is_finite())
            .map(|d| (d.reference, d.basis));
        series.push(SignalSeries {
            column: c,
            points: data,
            normal: reference,
            faults: signal_faults(store, key, c, from, to)?,
        });
    }
    render_signals(&series, from, to, lang)
}

/// The sensor faults of a signal over `[from, to)`, found on its 10-minute records by the same
/// rules as the features (`quality`).
fn signal_faults(
    store: &Store,
    key: i64,
    column: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Fault>, ChartError> {
    let Some(signal) = SIGNALS.iter().find(|s| s.name == column) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT ts, {c}, power_kw FROM readings WHERE turbine = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
        c = signal.name
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let mut rows = stmt.query([key, from, to])?;
    let (mut ts, mut values, mut running) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        ts.push(r.get::<_, i64>(0)?);
        values.push(r.get::<_, Option<f64>>(1)?.map_or(f32::NAN, |v| v as f32));
        running.push(r.get::<_, Option<f64>>(2)?.is_some_and(|p| p > 0.0));
    }
    Ok(quality::signal_faults(
        column,
        &ts,
        &values,
        &running,
        &Rules::from_env(),
    ))
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
    /// Its sensor faults over the period: shaded, frozen and out-of-physics stretches with
    /// their phrase.
    pub faults: Vec<Fault>,
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

/// Draws one signal's panel: its hourly means, broken over gaps, and its normal reference.
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
    // Faulty stretches, shaded under the trace; the lasting ones carry their phrase.
    let shade = RGBColor(0xef, 0x6c, 0x00);
    let (y_lo, y_hi) = (lo - pad, hi + pad);
    let mut labelled = 0;
    for f in &series.faults {
        // At least an hour wide, so a single spiking record still shows.
        let (a, b) = (f.start.max(from), (f.end + 600).max(f.start + 3600).min(to));
        if b <= a {
            continue;
        }
        chart.draw_series(std::iter::once(Rectangle::new(
            [(to_days(a), y_lo), (to_days(b), y_hi)],
            shade
                .mix(if f.kind == FaultKind::Spike {
                    0.25
                } else {
                    0.15
                })
                .filled(),
        )))?;
        if f.kind.blinds() {
            chart.plotting_area().draw(&Text::new(
                f.phrase(lang),
                (
                    to_days(a),
                    y_hi - (y_hi - y_lo) * (0.02 + 0.1 * labelled as f64),
                ),
                text_style(12, shade).pos(Pos::new(HPos::Left, VPos::Top)),
            ))?;
            labelled += 1;
        }
    }
    // Hourly means, broken wherever an hour has no value (no record, or only missing values):
    // a hole is drawn as a hole, never as a straight segment across it; a lone hour is a dot.
    for s in stretches(data, GAP_FLOOR) {
        if let [(x, y)] = s[..] {
            chart.draw_series(std::iter::once(Circle::new((x, y), 2, LINE.filled())))?;
        } else {
            chart.draw_series(LineSeries::new(s, LINE.stroke_width(1)))?;
        }
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
                Basis::Load | Basis::Trend | Basis::Spread =>
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

#[cfg(test)]
mod tests {
    use super::*;

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
                    faults: vec![],
                },
                SignalSeries {
                    column: "vibration_mm_s",
                    points: vec![],
                    normal: None,
                    faults: vec![],
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
                faults: vec![],
            }],
            t0,
            t0 + 2 * DAY,
            Lang::Fr,
        )
        .unwrap();
        assert!(own.contains("son niveau habituel : 50,7"), "{own}");
    }

    #[test]
    fn a_hole_in_the_records_is_drawn_as_a_hole() {
        let t0 = 1_795_219_200;
        // Hourly means for two days with nothing between hour 10 and hour 20, and a lone hour.
        let hours = (0..10).chain(20..40).chain(45..46);
        let svg = render_signals(
            &[SignalSeries {
                column: "gearbox_oil_temp_c",
                points: hours.map(|h| (t0 + h * 3600, 50.0)).collect(),
                normal: None,
                faults: vec![],
            }],
            t0,
            t0 + 2 * DAY,
            Lang::En,
        )
        .unwrap();
        // Two lines (before and after the hole), the lone hour a dot: no line across the hole.
        assert_eq!(data_lines(&svg), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1);
        let whole = render_signals(
            &[SignalSeries {
                column: "gearbox_oil_temp_c",
                points: (0..40).map(|h| (t0 + h * 3600, 50.0)).collect(),
                normal: None,
                faults: vec![],
            }],
            t0,
            t0 + 2 * DAY,
            Lang::En,
        )
        .unwrap();
        assert_eq!(data_lines(&whole), 1);
    }

    #[test]
    fn a_frozen_stretch_is_shaded_with_its_phrase() {
        let t0 = 1_795_219_200; // 2026-11-21T00:00Z
        let frozen = Fault {
            signal: Some("generator_winding_temp_c".into()),
            kind: FaultKind::Frozen,
            start: t0,
            end: t0 + 5 * DAY,
        };
        let panel = |faults: Vec<Fault>, lang| {
            render_signals(
                &[SignalSeries {
                    column: "generator_winding_temp_c",
                    points: (0..14 * 24)
                        .map(|h| (t0 - 4 * DAY + h * 3600, 80.0))
                        .collect(),
                    normal: None,
                    faults,
                }],
                t0 - 4 * DAY,
                t0 + 10 * DAY,
                lang,
            )
            .unwrap()
        };
        let plain = panel(vec![], Lang::En);
        let en = panel(vec![frozen.clone()], Lang::En);
        let fr = panel(vec![frozen], Lang::Fr);
        assert!(en.contains("generator winding temperature sensor frozen Nov 21–26"));
        assert!(fr.contains("capteur température bobinage génératrice figé du 21 au 26 nov."));
        // The shade: one more filled rectangle in the fault's colour.
        let shades = |svg: &str| svg.matches("#EF6C00").count();
        assert_eq!(shades(&plain), 0);
        assert!(shades(&en) >= 1, "{en}");
        // A faulty sensor is charted even when it drives nothing.
        assert_eq!(
            signals_with_faults(&[], &["generator_winding_temp_c"])[0],
            "generator_winding_temp_c"
        );
    }

    /// The data lines of a chart (its axes are polylines too, in ink).
    fn data_lines(svg: &str) -> usize {
        svg.lines()
            .filter(|l| l.starts_with("<polyline") && l.contains("#0B3D91"))
            .count()
    }
}
