//! The risk history chart: a turbine's risk score at every run, over the four category bands
//! (coloured *and* labelled, so the category never depends on colour alone). The bands are read
//! from the risk policy, which owns where the categories fall on the score scale.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{
    category_color, day_label, day_range, message_svg, text_style, to_days, CHART_HEIGHT,
    CHART_WIDTH, GRID, INK, LEGEND_WIDTH, LINE,
};
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

/// Risk history of a turbine: the score at every successful run over the category bands of
/// `policy` (the policy in force).
pub fn risk_chart(
    store: &Store,
    turbine_id: &str,
    policy: &RiskPolicy,
    lang: Lang,
) -> Result<String, ChartError> {
    let detail = queries::turbine(store, turbine_id)?;
    render_risk(&detail.history, policy, lang)
}

/// Draws a risk history (oldest first) over the category bands of `policy`.
pub fn render_risk(
    history: &[HistoryPoint],
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

#[cfg(test)]
mod tests {
    use super::super::draw::DAY;
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
        let en = render_risk(&history, &policy, Lang::En).unwrap();
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
        let fr = render_risk(&history, &policy, Lang::Fr).unwrap();
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
        let empty = render_risk(&[], &policy, Lang::Fr).unwrap();
        assert!(empty.contains("Aucun calcul"));
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
}
