//! The risk history chart: a turbine's risk score at every run, over the four category bands
//! (coloured *and* labelled, so the category never depends on colour alone). The bands are read
//! from the risk policy, which owns where the categories fall on the score scale.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use plotters::series::DashedLineSeries;

use super::draw::{
    category_color, day_label, day_range, message_svg, stretches, text_style, to_days,
    CHART_HEIGHT, CHART_WIDTH, DAY, GRID, INK, LEGEND_WIDTH, LINE,
};
use super::markers::{risk_markers, Marker, MarkerKind};
use super::ChartError;
use crate::lang::{category_label, Lang};
use crate::risk::{Category, RiskPolicy};
use crate::runs::queries::{self, HistoryPoint};
use crate::schema;
use crate::store::Store;

/// Score range of a category's band: the policy's probability thresholds placed on its score
/// scale (the lowest band starts at the score of no risk, the highest ends at that of certainty).
fn band(policy: &RiskPolicy, c: Category) -> (f64, f64) {
    let p = policy.probability;
    let score = |level: f64| policy.score_of(level);
    match c {
        Category::Low => (score(0.0), score(p.moderate)),
        Category::Moderate => (score(p.moderate), score(p.high)),
        Category::High => (score(p.high), score(p.critical)),
        Category::Critical => (score(p.critical), score(1.0)),
    }
}

/// Shortest stretch without a run that cuts the risk line, in seconds: a day and a half, so a
/// missed daily run shows as a hole (a longer step than 1.5 times the usual one cuts it too).
pub const RUN_GAP_FLOOR: i64 = 36 * 3600;

/// Risk history of a turbine: the score at every successful run over the category bands of
/// `policy` (the policy in force), with its markers ([`risk_markers`]) over the same period.
pub fn risk_chart(
    store: &Store,
    turbine_id: &str,
    policy: &RiskPolicy,
    lang: Lang,
) -> Result<String, ChartError> {
    let detail = queries::turbine(store, turbine_id)?;
    let markers = match history_window(&detail.history) {
        Some((from, to)) => risk_markers(store, turbine_id, from, to, lang)?,
        None => Vec::new(),
    };
    render_risk(&detail.history, &markers, policy, lang)
}

/// The period a risk history covers, for its markers: from its first run to a day after its
/// last (Unix seconds, end exclusive); `None` without a run.
pub fn history_window(history: &[HistoryPoint]) -> Option<(i64, i64)> {
    let times = history
        .iter()
        .filter_map(|h| schema::parse_timestamp(&h.as_of));
    let (lo, hi) = times.fold(None, |acc: Option<(i64, i64)>, t| {
        Some(acc.map_or((t, t), |(a, b)| (a.min(t), b.max(t))))
    })?;
    Some((lo, hi + DAY))
}

/// Draws a risk history (oldest first) over the category bands of `policy`, with `markers`
/// (any order) as vertical rules and symbols named in a legend above the plot.
pub fn render_risk(
    history: &[HistoryPoint],
    markers: &[Marker],
    policy: &RiskPolicy,
    lang: Lang,
) -> Result<String, ChartError> {
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
    let first = markers.iter().map(|m| m.at).fold(points[0].0, i64::min);
    let last = markers
        .iter()
        .map(|m| m.at)
        .fold(points[points.len() - 1].0, i64::max);
    let x = day_range(first, last);
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (CHART_WIDTH, CHART_HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        // Band labels sit in their own column on the right, never over the data.
        let (plot, labels) = root.split_horizontally(CHART_WIDTH - LEGEND_WIDTH);
        let kinds: Vec<MarkerKind> = MarkerKind::ALL
            .into_iter()
            .filter(|k| markers.iter().any(|m| m.kind == *k))
            .collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_top(if kinds.is_empty() { 12 } else { 30 })
            .margin_right(12)
            .x_label_area_size(30)
            .y_label_area_size(52)
            .build_cartesian_2d(x.clone(), 0f64..100f64)?;
        for c in Category::ALL {
            let (lo, hi) = band(policy, c);
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
            let (lo, hi) = band(policy, c);
            let (_, y) = chart.backend_coord(&(x.end, (lo + hi) / 2.0));
            let style = text_style(13, category_color(c)).pos(Pos::new(HPos::Left, VPos::Center));
            let label = format!("{} ({}–{})", category_label(c, lang), lo, hi);
            labels.draw(&Text::new(label, (4, y), style))?;
        }
        // Markers under the score: a dashed rule, the symbol on top, its words beside it.
        let (_, top) = chart.backend_coord(&(x.start, 100.0));
        for (i, m) in markers.iter().enumerate() {
            let at = to_days(m.at);
            chart.draw_series(DashedLineSeries::new(
                [(at, 0.0), (at, 100.0)],
                5,
                4,
                m.kind.color().stroke_width(2),
            ))?;
            let (px, _) = chart.backend_coord(&(at, 100.0));
            m.kind.symbol(&root, (px, top), 5)?;
            // Beside the rule, on its left near the right edge (never over the band labels).
            let row = (i % 3) as i32;
            let (xs, _) = chart.plotting_area().get_pixel_range();
            let (dx, side) = if xs.end - px < 160 {
                (-8, HPos::Right)
            } else {
                (8, HPos::Left)
            };
            root.draw(&Text::new(
                m.label.clone(),
                (px + dx, top + 8 + 14 * row),
                text_style(11, INK).pos(Pos::new(side, VPos::Top)),
            ))?;
        }
        // The legend of the markers shown, above the plot.
        let (left, _) = chart.backend_coord(&(x.start, 100.0));
        let mut lx = left;
        for k in &kinds {
            k.symbol(&root, (lx + 6, 13), 5)?;
            let word = k.legend(lang);
            root.draw(&Text::new(
                word,
                (lx + 16, 13),
                text_style(12, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            lx += 30 + 7 * word.chars().count() as i32;
        }
        // The score line, broken where the turbine was not scored or no run was made.
        let mut run: Vec<(i64, f64)> = Vec::new();
        let mut runs: Vec<Vec<(i64, f64)>> = Vec::new();
        for &(t, score, _) in &points {
            match score {
                Some(s) => run.push((t, s)),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        runs.push(run);
        for r in runs {
            for s in stretches(&r, RUN_GAP_FLOOR) {
                chart.draw_series(LineSeries::new(s, LINE.stroke_width(2)))?;
            }
        }
        chart.draw_series(points.iter().filter_map(|&(t, score, cat)| {
            let (s, c) = (score?, cat?);
            Some(Circle::new((to_days(t), s), 4, category_color(c).filled()))
        }))?;
        root.present()?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(day: i64, score: Option<f64>, cat: Option<Category>) -> HistoryPoint {
        HistoryPoint {
            run_id: day,
            as_of: schema::format_timestamp(1_767_225_600 + day * DAY),
            scored: score.is_some(),
            risk_score: score,
            category: cat,
            p_fail_7d: None,
            ttf_median_days: None,
        }
    }

    #[test]
    fn risk_chart_has_labelled_bands_in_both_languages() {
        let policy = RiskPolicy::default();
        let history = vec![
            point(0, Some(12.0), Some(Category::Low)),
            point(1, None, None),
            point(2, Some(80.0), Some(Category::Critical)),
        ];
        let en = render_risk(&history, &[], &policy, Lang::En).unwrap();
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
        let fr = render_risk(&history, &[], &policy, Lang::Fr).unwrap();
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
        let empty = render_risk(&[], &[], &policy, Lang::Fr).unwrap();
        assert!(empty.contains("Aucun calcul"));
    }

    #[test]
    fn days_without_a_run_break_the_line_and_markers_have_a_legend() {
        let policy = RiskPolicy::default();
        let scored = |d| point(d, Some(30.0), Some(Category::Moderate));
        // Daily runs, then four days without one, then daily again.
        let history: Vec<HistoryPoint> = (0..5).chain(9..14).map(scored).collect();
        let plain = render_risk(&history, &[], &policy, Lang::En).unwrap();
        assert_eq!(data_lines(&plain), 2, "{plain}");
        let daily: Vec<HistoryPoint> = (0..14).map(scored).collect();
        let one = render_risk(&daily, &[], &policy, Lang::En).unwrap();
        assert_eq!(data_lines(&one), 1);
        assert!(!one.contains("logged failure"));
        let t = |d: i64| 1_767_225_600 + d * DAY;
        let markers = [
            Marker {
                at: t(6),
                kind: MarkerKind::Failure,
                label: "générateur <&>".into(),
            },
            Marker {
                at: t(8),
                kind: MarkerKind::Intervention,
                label: "visite".into(),
            },
        ];
        let fr = render_risk(&daily, &markers, &policy, Lang::Fr).unwrap();
        // Only the kinds shown are in the legend, in the chart's language; labels escaped.
        assert!(fr.contains("panne consignée") && fr.contains("intervention"));
        assert!(!fr.contains("remise en service") && !fr.contains("alerte levée"));
        assert!(fr.contains("générateur &lt;&amp;&gt;"));
        // Each kind in its own colour.
        assert!(fr.contains("#D55E00") && fr.contains("#0072B2"));
    }

    #[test]
    fn bands_agree_with_the_policy_assessments() {
        let policy = RiskPolicy::parse(
            "[probability]\nmoderate = 0.2\nhigh = 0.4\ncritical = 0.8\n\
             [time_to_failure]\nmoderate = 20\nhigh = 10\ncritical = 2\nhorizon = 40\n",
            "test",
        )
        .unwrap();
        let p = policy.probability;
        // A probability on a threshold is assessed in the category that starts there, with the
        // score that starts that category's band.
        for (level, c) in [
            (p.moderate, Category::Moderate),
            (p.high, Category::High),
            (p.critical, Category::Critical),
        ] {
            let a = policy.assess(level, None);
            assert_eq!((a.category, a.score), (c, band(&policy, c).0));
        }
        // The bands tile the whole score axis.
        assert_eq!(band(&policy, Category::Low).0, 0.0);
        assert_eq!(band(&policy, Category::Critical).1, 100.0);
        for w in Category::ALL.windows(2) {
            let (a, b) = (band(&policy, w[0]), band(&policy, w[1]));
            assert!(
                a.1 == b.0 || b.1 == a.0,
                "{:?} and {:?} do not touch",
                w[0],
                w[1]
            );
        }
    }

    /// The data lines of a chart (its axes are polylines too, in ink).
    fn data_lines(svg: &str) -> usize {
        svg.lines()
            .filter(|l| l.starts_with("<polyline") && l.contains("#0B3D91"))
            .count()
    }
}
