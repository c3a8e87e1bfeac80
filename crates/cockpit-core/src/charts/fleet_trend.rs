//! The fleet trend chart: the number of turbines in each category at every run, stacked
//! (critical at the bottom), and [`fleet_trend()`], the runs query behind it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{
    category_color, day_label, day_range, message_svg, text_style, to_days, CHART_HEIGHT,
    CHART_WIDTH, GRID, INK, LEGEND_WIDTH,
};
use super::ChartError;
use crate::lang::{category_label, Lang};
use crate::risk::Category;
use crate::store::Store;

/// One point of the fleet trend: the counts of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    /// Data watermark of the run (Unix seconds).
    pub as_of: i64,
    /// Turbines in the critical category.
    pub critical: i64,
    /// Turbines in the high category.
    pub high: i64,
    /// Turbines in the moderate category.
    pub moderate: i64,
    /// Turbines in the low category.
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
    use super::super::draw::DAY;
    use super::*;

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
