//! The run durations chart: how long every fleet run of the last 30 days took, failed runs
//! marked, with the p95 line — the same style as the other charts (`crate::charts`).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::metrics::METRICS_WINDOW_DAYS;
use super::TelemetryError;
use crate::charts::{CHART_HEIGHT, CHART_WIDTH};
use crate::lang::{format_day, Lang};
use crate::store::Store;

const DAY: i64 = 86_400;
const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(0x1f, 0x29, 0x33);
const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xe8);
const LINE: RGBColor = RGBColor(0x0b, 0x3d, 0x91);
const FAILED: RGBColor = RGBColor(0xb4, 0x23, 0x18);

/// One fleet run: start (Unix seconds), duration, success.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunDuration {
    /// When the run started, Unix seconds (UTC).
    pub started_at: i64,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// Whether it succeeded (failed runs are drawn as red crosses).
    pub succeeded: bool,
}

/// Fleet runs (backfill excluded) started since `since`, oldest first.
pub fn run_durations(store: &Store, since: i64) -> Result<Vec<RunDuration>, TelemetryError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT started_at, duration_ms, status = 'succeeded' FROM runs
         WHERE trigger <> 'backfill' AND started_at >= ?1 ORDER BY started_at, id",
    )?;
    let rows = stmt.query_map([since], |r| {
        Ok(RunDuration {
            started_at: r.get(0)?,
            duration_ms: r.get(1)?,
            succeeded: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The chart of the fleet runs of the last 30 days before `now`.
pub fn run_durations_chart(store: &Store, now: i64, lang: Lang) -> Result<String, TelemetryError> {
    render(
        &run_durations(store, now - METRICS_WINDOW_DAYS * DAY)?,
        lang,
    )
}

fn pick(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

fn style(size: u32, color: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color)
}

fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> TelemetryError {
    TelemetryError::Draw(e.to_string())
}

/// Draws the chart: seconds per run over days, failed runs as red crosses, p95 dashed.
pub fn render(points: &[RunDuration], lang: Lang) -> Result<String, TelemetryError> {
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (CHART_WIDTH, CHART_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        if points.is_empty() {
            root.draw(&Text::new(
                pick(
                    lang,
                    "No fleet run in the last 30 days",
                    "Aucun calcul de flotte depuis 30 jours",
                ),
                (CHART_WIDTH as i32 / 2, CHART_HEIGHT as i32 / 2),
                style(16, INK).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_err)?;
            root.present().map_err(draw_err)?;
            drop(root);
            return Ok(buf);
        }
        let secs = |p: &RunDuration| p.duration_ms as f64 / 1000.0;
        let days = |t: i64| t as f64 / DAY as f64;
        let (first, last) = (points[0].started_at, points[points.len() - 1].started_at);
        let (mut x0, mut x1) = (days(first), days(last));
        if x1 - x0 < 2.0 {
            let mid = (x0 + x1) / 2.0;
            (x0, x1) = (mid - 1.0, mid + 1.0);
        }
        let mut sorted: Vec<f64> = points.iter().filter(|p| p.succeeded).map(secs).collect();
        sorted.sort_by(f64::total_cmp);
        let p95 = (!sorted.is_empty()).then(|| {
            let rank = ((0.95 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
            sorted[rank - 1]
        });
        let top = points.iter().map(secs).fold(0.0, f64::max).max(0.001) * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(30)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, 0f64..top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|d| format_day((d * DAY as f64).round() as i64, lang))
            .y_label_formatter(&|v| {
                crate::lang::format_number(*v, if top < 5.0 { 1 } else { 0 }, lang)
            })
            .y_desc(pick(lang, "Run duration (s)", "Durée du calcul (s)"))
            .label_style(style(13, INK))
            .axis_desc_style(style(13, INK))
            .bold_line_style(GRID.mix(0.9))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(draw_err)?;
        let ok: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.succeeded)
            .map(|p| (days(p.started_at), secs(p)))
            .collect();
        chart
            .draw_series(LineSeries::new(ok.clone(), LINE.stroke_width(2)))
            .map_err(draw_err)?
            .label(pick(lang, "succeeded", "réussi"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], LINE.stroke_width(2)));
        chart
            .draw_series(ok.iter().map(|&p| Circle::new(p, 3, LINE.filled())))
            .map_err(draw_err)?;
        let failed: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| !p.succeeded)
            .map(|p| (days(p.started_at), secs(p)))
            .collect();
        if !failed.is_empty() {
            chart
                .draw_series(
                    failed
                        .iter()
                        .map(|&p| Cross::new(p, 6, FAILED.stroke_width(2))),
                )
                .map_err(draw_err)?
                .label(format!(
                    "{} ({})",
                    pick(lang, "failed", "échoué"),
                    failed.len()
                ))
                .legend(|(x, y)| Cross::new((x + 8, y), 5, FAILED.stroke_width(2)));
        }
        if let Some(p95) = p95 {
            chart
                .draw_series(plotters::series::DashedLineSeries::new(
                    vec![(x0, p95), (x1, p95)],
                    6,
                    4,
                    INK.stroke_width(1),
                ))
                .map_err(draw_err)?
                .label(format!(
                    "p95 {} s",
                    crate::lang::format_number(p95, 1, lang)
                ))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], INK.stroke_width(1)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(GRID)
            .label_font(style(13, INK))
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_shows_runs_failures_and_p95_in_the_language_asked() {
        let t = 1_780_000_000;
        let points: Vec<RunDuration> = (0..10)
            .map(|i| RunDuration {
                started_at: t + i * DAY,
                duration_ms: 1000 + i * 100,
                succeeded: i != 4,
            })
            .collect();
        let svg = render(&points, Lang::Fr).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(
            svg.contains("Durée du calcul (s)") && svg.contains("échoué (1)"),
            "{svg}"
        );
        assert!(
            svg.contains("p95 1,9 s"),
            "nearest-rank p95 of the successes"
        );
        let svg = render(&[], Lang::En).unwrap();
        assert!(svg.contains("No fleet run in the last 30 days"));
    }
}
